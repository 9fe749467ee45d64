from __future__ import annotations

import clue_miner
from clue_miner.extract.incidents import segment_incidents
from clue_miner.types import Entity

TWO = ("我叫王某，住在城南区。2023年3月5日，我在网上认识一个叫李强的人，他以投资理财为名骗走了我5万元，"
       "之后就把我拉黑了，电话也打不通。我去派出所报案，派出所说是经济纠纷不予立案。"
       "2023年8月12日晚上，邻居张伟因为停车的事和我发生争执，他拿铁棍把我打成轻伤二级，"
       "我报警后派出所至今没有处理。请求检察院监督立案。")
SECOND = "2023年8月12日晚上，邻居张伟"


def _check_offsets(text: str, ext) -> None:  # noqa: ANN001
    for inc in ext.incidents:
        assert text[inc.start:inc.end] == inc.text
        for e in inc.entities:
            assert text[e.start:e.end] == e.text and inc.start <= e.start < inc.end, e
        for o in inc.offences:
            for ev in o.evidence:
                assert text[ev.start:ev.end] == ev.text and inc.start <= ev.start < inc.end, ev
        for ev in inc.facts.evidence:
            assert text[ev.start:ev.end] == ev.text, ev


def _covers(text: str, ext) -> None:  # noqa: ANN001
    incs = ext.incidents
    assert incs[0].start == 0 and incs[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(incs, incs[1:], strict=False))


def test_extract_incidents_two_incident_letter_splits_at_new_incident() -> None:
    ext = clue_miner.extract(TWO, received_at="2023-10-01")
    assert len(ext.incidents) == 2
    _covers(TWO, ext)
    _check_offsets(TWO, ext)
    assert ext.incidents[1].start == TWO.index(SECOND)
    assert TWO[ext.incidents[1].start:].startswith(SECOND)
    first, second = ext.incidents
    assert str(first.facts.incident_date) == "2023-03-05" and first.facts.amount == 50000
    assert str(second.facts.incident_date) == "2023-08-12" and second.facts.injury == "轻伤二级"
    assert any(e.label == "PERSON" and e.text == "李强" for e in first.entities)
    assert any(e.label == "PERSON" and e.text == "张伟" for e in second.entities)
    # the whole-text extraction is unchanged: both offences, every entity
    assert {o.name for o in ext.offences} >= {"诈骗", "故意伤害"}
    assert len(ext.entities) == len(first.entities) + len(second.entities)
    out = ext.to_dict()
    assert [(d["start"], d["end"]) for d in out["incidents"]] == [(i.start, i.end) for i in ext.incidents]
    assert set(out) >= {"received_at", "category", "offences", "entities", "facts"}


def test_extract_incidents_offences_differ_between_incidents() -> None:
    ext = clue_miner.extract(TWO, received_at="2023-10-01")
    first, second = ({o.name for o in inc.offences} for inc in ext.incidents)
    assert "诈骗" in first and "故意伤害" not in first
    assert "故意伤害" in second and "诈骗" not in second


def test_extract_incidents_single_incident_has_no_incidents_key() -> None:
    text = ("我叫刘科连，2024年3月5日在网上被人以刷单为名骗了五万块，对方电话13812345678，"
            "之后对方又让我继续转账做任务，说做完就能返还本金，我前后一共转了五次，最后对方把我拉黑了。"
            "我第二天去城南路派出所报案，民警做了笔录，但派出所一直不给立案，也没有给我任何回执。"
            "请求检察机关监督公安机关依法立案，帮我追回被骗的钱。")
    assert len(text) > 150
    ext = clue_miner.extract(text, received_at="2024-04-01")
    assert ext.incidents == ()
    assert "incidents" not in ext.to_dict()


def test_extract_incidents_offsets_hold_with_full_width_and_odd_whitespace() -> None:
    text = TWO.replace("2023年3月5日", "２０２３年３月５日").replace("。", "。\u3000\u3000 \n")
    text = "\u200b \t" + text.replace("邻居张伟", "邻居\u200b张伟") + "\n\n"
    ext = clue_miner.extract(text, received_at="2023-10-01")
    assert len(ext.incidents) == 2
    _covers(text, ext)
    _check_offsets(text, ext)
    second = ext.incidents[1].text
    assert second.lstrip().startswith("2023年8月12日晚上")
    assert "骗" not in second and "铁棍" in second


def test_extract_incidents_repeat_at_new_date_is_a_new_incident() -> None:
    text = ("2023年3月5日，李强在我家楼下以借钱周转为名骗走我现金3万元，说好一个月后归还，到期后他就不接电话了。"
            "我找到他家里要钱，他家人说他出去打工了，不知道在哪里。我去派出所报警，派出所说这是民间借贷纠纷不管。"
            "2023年8月12日，李强又以帮我孩子办入学为名骗走我2万元，之后再也联系不上，我再次报警，派出所还是没有立案。")
    ext = clue_miner.extract(text, received_at="2023-10-01")
    assert [i.start for i in ext.incidents][1:] == [text.index("2023年8月12日")]
    assert [i.facts.amount for i in ext.incidents] == [30000, 20000]


def test_extract_incidents_short_text_is_never_split() -> None:
    text = "2023年3月我被李强骗了3万元。2023年8月张伟把我打成轻伤。"
    assert segment_incidents(text, [Entity("PERSON", 8, 10, "李强", "李强", {"role": "suspect"})]) == [(0, len(text))]
    assert clue_miner.extract(text).incidents == ()


def test_extract_incidents_announced_list_splits_items() -> None:
    text = ("尊敬的领导：我是某小区的业主，今天向您反映两个问题。一、小区8栋顶楼的业主拆除违建以后，"
            "现在又在顶楼建起了几间房子，房主非常猖狂，无视所有业主和政府部门的反对和阻止，多次劝说都没有用。"
            "二、开发商把二楼商铺租给酒馆，并把酒馆的排烟管道接进了业主共有的通风井，油烟把几户业主的墙壁熏黄，"
            "每到饭点整个小区都弥漫着刺鼻的油烟味。以上问题，恳请领导敦促有关部门解决。")
    spans = segment_incidents(text)
    assert [s for s, _ in spans] == [0, text.index("二、开发商")]
    assert spans[-1][1] == len(text)
