"""The facts' regexes are skipped on texts that hold none of the characters their matches need:
every match of each such pattern holds one, and ``build_facts`` gives the same facts with the skip off."""

from __future__ import annotations

import random

import pytest
from test_parallel import TEXTS as SENTENCES

from clue_miner.extract import facts
from clue_miner.extract.facts import build_facts

MORE = [
    "他们纠集了十几个人把我围殴，还有人拿砖头砸伤了我的头，第二次又被三个人打了。",
    "派出所只对他罚款500元，行政拘留了5天，给予警告，先后3次报警都没用。",
    "在公交车上包里的钱包被偷，地铁上手机被扒，口袋里的钱不见了，扒手跑了。",
    "公司导出面单信息卖了四万多条，泄露了2000条客户手机号码。",
    "我们去信访，之后又被公安局拘留10日；对方只罚了款。",
    "", "今天天气很好", "他打了我两次",
]
ALPHABET = ("罚款了处以行政拘留日天给予警告被对只仅就才次先后共累计总已经条信息数据资料记录电话手机号码卖出售导泄露"
            "扒窃手掏包兜里的被偷不见了公交地铁车上人群中多走拿用持砖头石刀棍子砸打砍捅刺戳抡拍击中伤断纠集叫来一群伙帮"
            "个名位殴围攻拳脚踢保安混混男子员工0123456789一二两三四五六七八九十几，。；")


def _texts() -> list[str]:
    rng = random.Random(11)
    return SENTENCES + MORE + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))) for _ in range(4000)]


def _needing() -> list[tuple[object, str]]:
    status = dict(facts._STATUS_PATTERNS)
    return ([(facts._FLAG_PATTERNS[name], needs) for name, needs in facts._FLAG_NEEDS.items()]
            + [(status[name], needs) for name, needs in facts._STATUS_NEEDS.items()]
            + [(facts._TIMES_NUM, facts._TIMES_NEEDS), (facts._RECORDS, facts._RECORDS_NEEDS),
               (facts._RECORDS_TRADED, facts._RECORDS_NEEDS)])


def test_every_match_of_a_skipped_pattern_holds_one_of_its_characters() -> None:
    texts = _texts()
    for pattern, needs in _needing():
        hits = 0
        for text in texts:
            for m in pattern.finditer(text):  # type: ignore[attr-defined]
                hits += 1
                assert any(c in m.group(0) for c in needs), (pattern.pattern[:40], text, m.group(0))  # type: ignore[attr-defined]
        assert hits, pattern.pattern[:40]  # type: ignore[attr-defined] - the texts exercise every pattern


def test_build_facts_is_the_same_with_the_skip_off(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    want = [build_facts(t, [], None) for t in texts]
    assert any(f.flags for f in want) and any(f.stated_status == "penalised" for f in want)
    assert any(f.times for f in want) and any(f.records for f in want)
    monkeypatch.setattr(facts, "_holds", lambda text, needs: True)
    monkeypatch.setattr(facts, "_TIMES_NEEDS", "")
    monkeypatch.setattr(facts, "_RECORDS_NEEDS", "")
    assert [build_facts(t, [], None) for t in texts] == want
