"""Text similarity as linking evidence (textsim, the text blocking rule and comparison) and the
typo-tolerant phone blocking rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_link_linker import cases, complaint, phone

from clue_miner.link import LinkSettings, default_blocking_rules, link_frames
from clue_miner.link.textsim import fit_text_index
from clue_miner.types import Complaint, Entity, Extraction, Facts, Offence

SCRIPT = ("接到冒充京东金融客服的电话，对方称其百万保障即将到期，不关闭每个月都会扣钱，诱导其下载会议软件共享屏幕，"
          "随后卡内存款被转走")
OTHER_STORIES = [
    ("K7", "盗窃", "2024年10月2日凌晨，吴某在翠湖雅苑车棚撬锁盗走刘洋停放的电动车一辆，价值3200元。"),
    ("K8", "故意伤害", "2024年9月30日，周某因停车纠纷在烧烤店门口持钢管殴打陈明，致其鼻骨骨折。"),
    ("K9", "诈骗", "2024年10月5日，被害人孙丽报称在闲鱼上购买演唱会门票，付款后对方失联，被骗1800元。"),
    ("K10", "贩卖毒品", "2024年9月28日，一男子多次在金色家园出租屋向他人出售毒品K粉，用外卖的方式送货上门。"),
]


def text_complaint(cid: str, text: str, *, complainant: str | None = None, offence: str | None = "诈骗",
                   incident: date | None = None, amount: float | None = None, region: str = "西湖区",
                   received: datetime | None = None, entities: tuple[tuple[str, str, Any], ...] = ()
                   ) -> tuple[Complaint, Extraction]:
    """A complaint with real text; ``entities`` (label, text, value) are located in it."""
    ents = []
    for label, found, value in entities:
        start = text.index(found)
        attrs = {"role": "suspect"} if label == "PERSON" else {}
        ents.append(Entity(label, start, start + len(found), found, value, attrs))
    comp = Complaint(cid, text, received or datetime(2025, 3, 1, 9), complainant=complainant, region=region)
    offences = (Offence(offence, "criminal", 0.9),) if offence else ()
    return comp, Extraction(text, tuple(ents), offences, facts=Facts(amount=amount, incident_date=incident))


def story_cases(*rows: dict[str, Any]) -> pd.DataFrame:
    others = [{"case_id": cid, "offence": off, "accepted_at": "2024-10-06", "summary": summary, "region": "西湖区"}
              for cid, off, summary in OTHER_STORIES]
    return cases(*rows, *others)


def by_complaint(result: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for m in result.matches:
        out.setdefault(m.complaint_id, []).append(m)
    return out


def test_link_text_same_story_without_identifiers() -> None:
    frame = story_cases({
        "case_id": "K1", "offence": "诈骗", "accepted_at": "2024-10-08", "region": "西湖区", "amount": 54300.0,
        "suspects": ["张某"], "victims": ["刘芳"],
        "summary": "2024年10月6日，刘芳报称其被网名“一路向北”的人拉进一个博彩网站，对方称稳赚不赔，"
                   "诱导其充值，被骗人民币54300元。经侦查，撤销案件。",
    })
    c = text_complaint("C1", "网名叫“一路向北”的人拉我进了一个博彩网站，说稳赚不赔，我前后充值了54300元，"
                             "现在网站打不开了。其称该案已被撤销，要求说明理由。",
                       amount=54300.0, entities=(("MONEY", "54300元", 54300.0),))
    on = link_frames([c[0]], [c[1]], frame, settings=LinkSettings(threads=1))
    got = by_complaint(on)
    assert [m.case_id for m in got["C1"]] == ["K1"]
    assert got["C1"][0].comparisons["text"].startswith("best_")
    assert on.stats["pairs_by_rule"]["text"] >= 1 and on.stats["text_pairs"] >= 1
    # switched off: no text rule, no text comparison, and this complaint has nothing else
    off = link_frames([c[0]], [c[1]], frame, settings=LinkSettings(threads=1, text_similarity=False))
    assert "text" not in off.stats["pairs_by_rule"] and off.stats["text_pairs"] == 0
    assert all("text" not in m.comparisons for m in off.matches)
    assert not by_complaint(off).get("C1")


def _fraud_case(case_id: str, victim: str, amount: float, day: str) -> dict[str, Any]:
    return {"case_id": case_id, "offence": "诈骗", "accepted_at": day, "region": "西湖区", "amount": amount,
            "suspects": ["雷亮"], "suspect_phones": ["13912345678"], "victims": [victim],
            "summary": f"{day[:4]}年{int(day[5:7])}月{int(day[8:])}日，{victim}报称其{SCRIPT}，"
                       f"骗取其人民币{int(amount)}元。"}


def _victim_complaint(cid: str, victim: str, amount: float, day: date, with_phone: bool) -> tuple[Complaint, Extraction]:
    money = f"{int(amount)}元"
    when = f"{day.year}年{day.month}月{day.day}日"
    text = (f"我叫{victim}，{when}我{SCRIPT.replace('其', '我')}，一共{money}。"
            + ("对方电话13912345678。" if with_phone else "") + "希望依法处理。")
    ents: tuple[tuple[str, str, Any], ...] = (("PERSON", victim, victim), ("MONEY", money, amount),
                                              ("TIME", when, day.isoformat()))
    if with_phone:
        ents += (("PHONE", "13912345678", "13912345678"),)
    comp, ex = text_complaint(cid, text, complainant=victim, incident=day, amount=amount, entities=ents,
                              received=datetime.combine(day, datetime.min.time()).replace(hour=20))
    victim_ent = next(e for e in ex.entities if e.label == "PERSON")
    fixed = tuple(replace(e, attrs={"role": "victim"}) if e is victim_ent else e for e in ex.entities)
    return comp, replace(ex, entities=fixed)


def test_link_text_victims_of_one_fraudster_stay_apart() -> None:
    """One script, three victims: each complaint matches its own case or none, never another
    victim's case, with or without the fraudster's phone, with one or two sibling cases."""
    for with_phone in (True, False):
        complaints = [
            _victim_complaint("C_A", "李娜", 54300.0, date(2024, 3, 5), with_phone),
            _victim_complaint("C_B", "王芳", 12800.0, date(2024, 6, 20), with_phone),
            _victim_complaint("C_C", "赵敏", 8600.0, date(2024, 12, 15), with_phone),  # no case recorded
        ]
        for frame in (story_cases(_fraud_case("KA", "李娜", 54300.0, "2024-03-05"),
                                  _fraud_case("KB", "王芳", 12800.0, "2024-06-20")),
                      story_cases(_fraud_case("KA", "李娜", 54300.0, "2024-03-05"))):
            result = link_frames([c[0] for c in complaints], [c[1] for c in complaints], frame,
                                 settings=LinkSettings(threads=1))
            got = {cid: [m.case_id for m in ms] for cid, ms in by_complaint(result).items()}
            assert got.get("C_A") == ["KA"], (with_phone, got)
            assert got.get("C_B", []) in ([], ["KB"]) and "KA" not in got.get("C_B", []), (with_phone, got)
            assert "C_C" not in got, (with_phone, got)
            if len(frame) == len(OTHER_STORIES) + 2:
                assert got.get("C_B") == ["KB"], (with_phone, got)


def test_link_text_suspect_identified_makes_text_null() -> None:
    frame = story_cases(_fraud_case("KA", "李娜", 54300.0, "2024-03-05"))
    c = _victim_complaint("C_A", "李娜", 54300.0, date(2024, 3, 5), with_phone=True)
    result = link_frames([c[0]], [c[1]], frame, settings=LinkSettings(threads=1))
    match = by_complaint(result)["C_A"][0]
    assert match.comparisons["suspect"].startswith("phone") and "text" not in match.comparisons


def test_link_text_phone_typo_is_blocked_and_linked() -> None:
    frame = cases({"case_id": "K1", "offence": "开设赌场", "accepted_at": "2024-07-12", "suspects": ["陈颖颖"],
                   "suspect_phones": ["18026508320"], "region": "K4区"},
                  {"case_id": "K2", "offence": "诈骗", "accepted_at": "2024-07-12", "suspects": ["刘强"],
                   "suspect_phones": ["13700000000"], "region": "K4区"})
    # nothing but the mistyped phone, the offence and the district; received a year later
    c = complaint("C1", phone("18046508320"), offence="开设赌场", region="K4区", received=datetime(2025, 6, 19, 9))
    settings = LinkSettings(threads=1, min_corroboration=0)  # the blocking and scoring of a typo alone
    result = link_frames([c[0]], [c[1]], frame, settings=settings)
    assert result.stats["pairs_by_rule"]["phone_typo"] == 1
    assert [(m.case_id, m.comparisons["suspect"]) for m in result.matches] == [("K1", "phone_fuzzy")]
    # by default a mistyped phone is one fact: not enough to link on its own
    assert not link_frames([c[0]], [c[1]], frame, settings=LinkSettings(threads=1)).matches
    rules = tuple(r for r in default_blocking_rules(settings) if r.name != "phone_typo")
    without = link_frames([c[0]], [c[1]], frame, settings=replace(settings, blocking_rules=rules))
    assert without.candidate_pairs_count == 0 and not without.matches


def test_link_text_index_neighbours_and_gap() -> None:
    complaints = ["网名一路向北的人拉我进博彩网站充值", "小区车棚电动车被偷了", "（测试）"]
    cases_ = ["网名一路向北拉人进博彩网站充值被骗", "车棚里电动车被盗", "博彩网站充值被骗", None]
    index = fit_text_index(complaints, cases_)
    assert index is not None
    assert list(index.c_has_text) == [True, True, False] and list(index.k_has_text) == [True, True, True, False]
    near = index.neighbours(k=2, floor=0.05)
    assert near.best_kid[0] == 0 and near.best_kid[1] == 1 and near.best_kid[2] == -1
    assert set(zip(near.cid.tolist(), near.kid.tolist(), strict=True)) >= {(0, 0), (1, 1)}
    assert bool((near.sim >= 0.05).all())
    sims = index.pair_sims(np.array([0, 0, 2, 0]), np.array([0, 2, 0, 3]))
    assert sims[0] > sims[1] > 0 and np.isnan(sims[2]) and np.isnan(sims[3])
    gaps = near.gap(np.array([0, 0]), np.array([0, 2]), sims[:2])
    assert gaps[0] > 0 > gaps[1]
    assert fit_text_index(["甲乙丙"], ["丁戊己"]) is None  # nothing shared
    assert fit_text_index([], ["丁戊己"]) is None


def test_link_text_neighbours_over_rare_terms_rank_by_the_full_cosine() -> None:
    """Past ``block_max_df`` records a term counts in the cosines but finds no neighbours (the
    product over common terms grows with the square of the archive): the cases a complaint shares
    a rare term with are ranked by their full cosine, so where the rare terms find the right case
    the answer is the exact one; below the cap nothing changes."""
    rng = np.random.default_rng(4)
    filler = ["派出所民警接警后到场处置", "报警人称其被骗", "请求依法处理", "现场已经调查"]
    stories = [f"{place}{item}被盗价值{amount}元" for place, item, amount in
               zip(["翠湖雅苑", "金色家园", "望江花园", "锦绣城", "东风小区", "南湖公寓", "北辰大厦", "西溪湿地"],
                   ["电动车", "手机", "笔记本电脑", "金项链", "自行车", "现金", "摩托车", "手表"],
                   [3200, 4800, 6100, 9900, 700, 1500, 8800, 2300], strict=True)]
    complaints = [f"{rng.choice(filler)}，{story}，{rng.choice(filler)}" for story in stories]
    cases_ = [f"{story}，{filler[i % 4]}{filler[(i + 1) % 4]}" for i, story in enumerate(stories)]
    exact = fit_text_index(complaints, cases_, min_max_df=50)
    assert exact is not None and exact.block_terms is None
    rare = fit_text_index(complaints, cases_, min_max_df=50, block_max_df=2)
    assert rare is not None and rare.block_terms is not None and 0 < len(rare.block_terms) < rare.terms
    a, b = exact.neighbours(k=3, floor=0.0), rare.neighbours(k=3, floor=0.0)
    assert b.best_kid.tolist() == a.best_kid.tolist() == list(range(len(stories)))
    np.testing.assert_allclose(b.best, a.best, rtol=1e-6)
    same = fit_text_index(complaints, cases_, min_max_df=50, block_max_df=50)
    assert same is not None and same.block_terms is None
    c = same.neighbours(k=3, floor=0.0)
    assert c.cid.tolist() == a.cid.tolist() and c.kid.tolist() == a.kid.tolist()


def test_link_text_placeholder_texts_give_no_text_pairs() -> None:
    frame = cases({"case_id": "K1", "offence": "盗窃", "accepted_at": "2024-05-18", "suspects": ["张伟"]})
    c = complaint("C1", offence="盗窃", incident=date(2024, 5, 18))
    result = link_frames([c[0]], [c[1]], frame, settings=LinkSettings(threads=1))
    assert result.stats["text_pairs"] == 0


_SCRIPTS = ["网名一路向北的人拉我进博彩网站充值5万元", "車棚裏電動車被偷了！", "Ｔｅｓｔ　ＡＢＣ，ｘｙｚ", "İstanbul ŞEHİR  çok",
            "emoji 😀😃 收到", "١٢٣ عربى", "日本語のテキスト", "a", "", None, "  多个   空格\t\n在这里  ", "ab"]


def test_link_text_hashing_kernel_equals_scikit_learn() -> None:
    """The compiled n-gram hashing gives scikit-learn's ``HashingVectorizer`` matrix bit for bit
    (the same MurmurHash3 buckets, counts, sorted indices), on texts of every script, empty and
    one-character texts and None."""
    pytest.importorskip("numba")
    from clue_miner.link.textsim import NgramHasher

    rng = np.random.default_rng(11)
    pool = "".join(t or "" for t in _SCRIPTS) + "的了是在有人我他这中大来上国个到说们为子和你地出道也时年"
    texts = _SCRIPTS + ["".join(rng.choice(list(pool), size=int(rng.integers(0, 120)))) for _ in range(300)]
    ref = NgramHasher(kernels="numpy")(texts)
    got = NgramHasher(kernels="numba")(texts)
    assert got.shape == ref.shape and got.has_sorted_indices and ref.has_sorted_indices
    assert np.array_equal(got.indptr, ref.indptr) and np.array_equal(got.indices, ref.indices)
    assert np.array_equal(got.data, ref.data) and got.data.dtype == ref.data.dtype == np.float32
    three = NgramHasher((3, 3), kernels="numba")(["abcd"])
    assert three.nnz == 2 and three.data.tolist() == [1.0, 1.0]


def test_link_text_best_per_row_same_by_both_routes_and_ties_go_to_the_lower_column() -> None:
    pytest.importorskip("numba")
    from clue_miner.link import text_kernels
    from clue_miner.link.textsim import _best_per_row

    rng = np.random.default_rng(5)
    sizes = rng.integers(0, 12, size=200)
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)
    indices = np.concatenate([rng.permutation(40)[:s] for s in sizes]).astype(np.int32)
    data = rng.integers(0, 4, size=int(indptr[-1])).astype(np.float32) / 4  # many ties
    for want in (1, 2, 5, 20):
        a = _best_per_row(indptr, indices, data, want)
        b = text_kernels.best_per_row(indptr, indices, data, want)
        for x, y in zip(a, b, strict=True):
            assert np.array_equal(x, y)
    ptr, cols, vals = text_kernels.best_per_row(np.array([0, 4]), np.array([7, 3, 9, 1]),
                                                np.array([0.5, 0.5, 0.75, 0.5], np.float32), 3)
    assert ptr.tolist() == [0, 3] and cols.tolist() == [9, 1, 3] and vals.tolist() == [0.75, 0.5, 0.5]


def test_link_text_neighbours_same_by_both_routes() -> None:
    pytest.importorskip("numba")
    complaints = ["网名一路向北的人拉我进博彩网站充值", "小区车棚电动车被偷了", "（测试）", "博彩网站充值被骗了三万元"]
    cases_ = ["网名一路向北拉人进博彩网站充值被骗", "车棚里电动车被盗", "博彩网站充值被骗", None, "车棚里电动车被盗"]
    index = fit_text_index(complaints, cases_, kernels="numba")
    assert index is not None
    for block in (None, 1):
        idx = index if block is None else fit_text_index(complaints, cases_, block_max_df=block, min_max_df=50)
        assert idx is not None
        a, b = idx.neighbours(k=2, floor=0.0, kernels="numpy"), idx.neighbours(k=2, floor=0.0, kernels="numba")
        for f in ("cid", "kid", "sim", "best", "second", "best_kid"):
            assert np.array_equal(getattr(a, f), getattr(b, f)), f
    near = index.neighbours(k=1, floor=0.0)
    assert near.best_kid[1] == 1  # cases 1 and 4 tie: the lower row
