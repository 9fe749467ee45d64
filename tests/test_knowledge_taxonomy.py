from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from clue_miner.knowledge.taxonomy import DEFAULT_PATH, Taxonomy, load_taxonomy

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_data_or_skip(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/data/{'/'.join(parts)}")
    return path


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


def _builder():  # noqa: ANN202 - module loaded from training/
    spec = importlib.util.spec_from_file_location("build_taxonomy", REPO / "training" / "build_taxonomy.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_knowledge_taxonomy_counts(tax: Taxonomy) -> None:
    crim = tax.entries("criminal")
    assert sum(c.in_cail for c in crim) == 202
    assert len(tax.criminal_names) > 400
    assert len(tax.admin_names) >= 15
    assert sum(bool(c.cues) for c in crim) >= 60
    for name in ("盗窃", "诈骗", "走私、贩卖、运输、制造毒品", "盗窃、侮辱尸体", "组织、领导传销活动",
                 "掩饰、隐瞒犯罪所得、犯罪所得收益", "帮助信息网络犯罪活动", "侵犯公民个人信息"):
        assert name in tax.names


def test_knowledge_taxonomy_all_cail_names_present(tax: Taxonomy) -> None:
    accu = shared_data_or_skip("charges", "accu.txt")
    names = [line.strip() for line in accu.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(names) == 202
    missing = [n for n in names if tax.get(n, "criminal") is None]
    assert not missing


def test_knowledge_taxonomy_load_is_cached_json(tax: Taxonomy) -> None:
    assert load_taxonomy() is tax
    assert load_taxonomy(DEFAULT_PATH) is tax
    assert DEFAULT_PATH.suffix == ".json"
    assert DEFAULT_PATH.stat().st_size < 1_000_000


def test_knowledge_taxonomy_file_is_deterministic() -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    data = json.loads(text)
    assert json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n" == text


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("盗窃案", "盗窃"),
        ("盗窃罪", "盗窃"),
        ("诈骗案件", "诈骗"),
        ("电信诈骗", "诈骗"),
        ("电信网络诈骗案", "诈骗"),
        ("醉驾", "危险驾驶"),
        ("醉酒驾驶", "危险驾驶"),
        ("殴打他人案", "殴打他人"),
        ("[走私、贩卖、运输、制造]毒品", "走私、贩卖、运输、制造毒品"),
        ("走私、贩卖、运输、制造毒品罪", "走私、贩卖、运输、制造毒品"),
        ("贩毒", "走私、贩卖、运输、制造毒品"),
        ("涉嫌诈骗", "诈骗"),
        ("故意伤害案", "故意伤害"),
        ("寻衅滋事罪", "寻衅滋事"),
        ("【聚众斗殴罪】", "聚众斗殴"),
        ("非法集资", "非法吸收公众存款"),
        ("传销", "组织、领导传销活动"),
        ("开设赌场罪", "开设赌场"),
        ("偷东西", "盗窃"),
        ("入室盗窃", "盗窃"),
        ("酒驾", "饮酒驾驶"),
        ("吸毒", "吸毒"),
        ("强制猥亵", "强制猥亵、侮辱妇女"),
        ("[掩饰、隐瞒][犯罪所得、犯罪所得收益]", "掩饰、隐瞒犯罪所得、犯罪所得收益"),
        ("组织他人偷越国（边）境罪", "组织他人偷越国(边)境"),
        ("偷税", "逃税"),
        ("帮信", "帮助信息网络犯罪活动"),
        ("张某盗窃电动车案", "盗窃"),
        (" 诈骗 ", "诈骗"),
    ],
)
def test_knowledge_taxonomy_canonical(tax: Taxonomy, variant: str, expected: str) -> None:
    assert tax.canonical(variant) == expected


def test_knowledge_taxonomy_canonical_unknown(tax: Taxonomy) -> None:
    assert tax.canonical("") is None
    assert tax.canonical(None) is None
    assert tax.canonical("小区停车难") is None


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("诈骗", "fraud"), ("合同诈骗", "fraud"), ("招摇撞骗", "fraud"), ("盗窃", "theft"),
        ("抢劫", "robbery"), ("故意伤害", "assault"), ("殴打他人", "assault"), ("强奸", "sexual"),
        ("走私、贩卖、运输、制造毒品", "drugs"), ("开设赌场", "gambling"), ("危险驾驶", "traffic"),
        ("非法吸收公众存款", "fundraising"), ("拒不支付劳动报酬", "labour"), ("敲诈勒索", "extortion"),
        ("非法拘禁", "detention"), ("寻衅滋事", "public_order"), ("故意毁坏财物", "property_damage"),
        ("受贿", "corruption"), ("电信诈骗", "fraud"),
    ],
)
def test_knowledge_taxonomy_family(tax: Taxonomy, name: str, family: str) -> None:
    assert tax.family(name) == family


def test_knowledge_taxonomy_family_unknown_raises(tax: Taxonomy) -> None:
    with pytest.raises(KeyError):
        tax.family("小区停车难")


def test_knowledge_taxonomy_private_prosecution(tax: Taxonomy) -> None:
    for name in ("侮辱", "诽谤", "暴力干涉婚姻自由", "虐待", "侵占"):
        assert tax.private_prosecution(name), name
    for name in ("盗窃", "诈骗", "故意伤害", "殴打他人"):
        assert not tax.private_prosecution(name), name


def test_knowledge_taxonomy_kinds_and_escalation(tax: Taxonomy) -> None:
    assert tax.kind("盗窃") == "criminal"
    assert tax.kind("殴打他人") == "administrative"
    assert tax.kind("吸毒") == "administrative"
    assert tax.kind("卖淫嫖娼") == "administrative"
    assert tax.escalates_to("殴打他人") == "故意伤害"
    assert tax.escalates_to("赌博") == "开设赌场"
    assert "赌博" in tax.escalations("赌博")
    assert tax.escalates_to("饮酒驾驶") == "危险驾驶"
    assert tax.escalates_to("盗窃") == "盗窃"  # same name: the amount decides
    assert tax.escalates_to("故意毁坏财物") is None  # a criminal charge escalates to nothing
    assert set(tax.admin_causes()) >= {"殴打他人", "盗窃", "诈骗", "哄抢", "抢夺", "敲诈勒索", "赌博", "吸毒",
                                       "卖淫嫖娼", "故意损毁财物", "寻衅滋事", "非法侵入住宅", "扰乱公共秩序",
                                       "饮酒驾驶", "故意伤害"}
    assert tax.get("盗窃", "administrative").kind == "administrative"
    assert tax.get("盗窃").kind == "criminal"


def test_knowledge_taxonomy_articles_and_aliases(tax: Taxonomy) -> None:
    assert tax.get("盗窃").article == 264
    assert tax.get("诈骗").article == 266
    assert tax.get("故意伤害").article == 234
    assert tax.get("危险驾驶").article == 133
    assert tax.get("职务侵占").article == 271
    assert tax.get("帮助信息网络犯罪活动").article_ref == "287之二"
    drugs = tax.get("走私、贩卖、运输、制造毒品")
    assert "[走私、贩卖、运输、制造]毒品" in drugs.aliases
    assert "走私、贩卖、运输、制造毒品罪" in drugs.aliases
    fraud = tax.get("诈骗")
    assert {"被骗", "杀猪盘", "刷单", "冒充客服"} <= set(fraud.cues)
    assert "虚构事实" in fraud.elements


def test_knowledge_taxonomy_builder_helpers() -> None:
    b = _builder()
    assert b.cn_to_int("二百六十四") == 264
    assert b.cn_to_int("一百零二") == 102
    assert b.cn_to_int("十") == 10
    assert b.split_tag("分裂国家罪、煽动分裂国家罪") == ["分裂国家", "煽动分裂国家"]
    assert b.split_tag("走私、贩卖、运输、制造毒品罪") == ["走私、贩卖、运输、制造毒品"]
    assert b.split_tag("交通肇事罪;危险驾驶罪") == ["交通肇事", "危险驾驶"]
    assert b.split_tag("与境外勾结的处罚规定") == []
    assert b.split_tag("对犯贪污罪的处罚规定") == []
    assert set(b.expand_brackets("非法[持有、私藏][枪支、弹药]")) >= {"非法持有枪支", "非法私藏弹药"}
    assert b.strip_brackets("[走私、贩卖、运输、制造]毒品") == "走私、贩卖、运输、制造毒品"


def test_knowledge_taxonomy_builder_rebuild_matches(tmp_path: Path) -> None:
    data = shared_data_or_skip()
    out = tmp_path / "charges.json"
    _builder().main(["--data", str(data), "--out", str(out)])
    assert out.read_text(encoding="utf-8") == DEFAULT_PATH.read_text(encoding="utf-8")


def test_knowledge_taxonomy_detention_admin_cause(tax: Taxonomy) -> None:
    assert tax.kind("非法限制人身自由") == "administrative"
    assert tax.escalates_to("非法限制人身自由") == "非法拘禁"
    assert tax.canonical("非法限制他人人身自由") == "非法限制人身自由"
    assert tax.kind("非法拘禁") == "criminal"
    assert tax.family("非法限制人身自由") == "detention"


def test_knowledge_taxonomy_patterns_checked_against_taxonomy(tmp_path: Path) -> None:
    b = _builder()
    built = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    shipped = DEFAULT_PATH.with_name("offence_patterns.json")
    assert b.check_patterns(built, shipped) == []
    bad = {"defs": {"X": "(?:车|钱包)"}, "patterns": [
        {"id": "a", "offence": "偷自行车", "kind": "criminal", "anchors": ["不见"], "regex": "{X}不见了", "weight": 0.5},
        {"id": "b", "offence": "盗窃", "kind": "criminal", "anchors": [], "regex": "{X}不见了", "weight": 0.5,
         "examples": ["手机不见了"], "counter": ["车不见了"]},
        {"id": "c", "offence": "盗窃", "anchors": ["x"], "regex": "(", "weight": 0.5},
        {"id": "d", "offence": "盗窃", "anchors": ["x"], "regex": "x", "dampen": {"没有这个罪": 0.5}},
    ]}
    path = tmp_path / "patterns.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    problems = " | ".join(b.check_patterns(built, path))
    for needle in ("a: unknown offence", "b: no anchors", "b: example does not match", "b: counter example matches",
                   "c: bad regex", "d: dampens unknown offence"):
        assert needle in problems, (needle, problems)
