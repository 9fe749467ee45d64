"""clue_miner as a spaCy pipeline: the same results as extract(), saved and loaded in a fresh
process, nlp.pipe with two processes, a user's EntityRuler beside it, and displaCy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

import clue_miner  # noqa: E402
from clue_miner.spacy_components import OFFENCES_KEY, SPANS_KEY  # noqa: E402

ID_NUMBER = "110101199003071233"  # checksum-valid
TEXTS = [
    f"举报人张伟，身份证号{ID_NUMBER}，电话13912345678。2024年6月1日犯罪嫌疑人刘洋在杀猪盘里骗走我8万元，派出所不予立案。",
    "昨天晚上我停在小区楼下的电动车被人偷了，价值3000元，报警后一直没有消息。",
    "我叫王芳，2023年5月被李强打伤，鉴定为轻伤二级，派出所只罚了他500元。",
    "小区物业乱收停车费，希望有关部门管一管。",
    "",
]


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return clue_miner.spacy_pipeline()


def _summary(doc) -> dict:  # type: ignore[no-untyped-def]
    return {"tokens": [t.text for t in doc],
            "ents": [(e.start_char, e.end_char, e.label_, e._.role, e._.value) for e in doc.ents],
            "spans": [(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]],
            "offences": doc._.offences, "cats": doc.cats, "extraction": doc._.extraction.to_dict()}


def test_doc_matches_extract(nlp) -> None:  # type: ignore[no-untyped-def]
    for text in TEXTS:
        doc = nlp(text)
        ext = clue_miner.extract(text)
        assert doc.text == text
        assert doc._.extraction.to_dict() == ext.to_dict()
        assert [(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]] == \
            [(e.start, e.end, e.label) for e in ext.entities]  # every entity, on its exact characters
        for ent in doc.ents:
            assert (ent.start_char, ent.end_char, ent.label_) in {(e.start, e.end, e.label) for e in ext.entities}
        assert doc._.offences == [o.name for o in ext.offences]
        assert set(doc.cats) == {"crime", "administrative", "civil", "civic"}
        assert abs(sum(doc.cats.values()) - 1.0) < 1e-9
        assert doc.cats[ext.category.label] == pytest.approx(ext.category.score)
    doc = nlp(TEXTS[0])
    found = {(e.label_, e.text): e for e in doc.ents}
    assert ("ID_NUMBER", ID_NUMBER) in found and ("PHONE", "13912345678") in found
    assert found[("PERSON", "张伟")]._.role == "complainant" and found[("PERSON", "刘洋")]._.role == "suspect"
    assert found[("PHONE", "13912345678")]._.value == "13912345678"
    assert "诈骗" in doc._.offences and max(doc.cats, key=doc.cats.get) == "crime"
    assert all(s.label_ in doc._.offences for s in doc.spans[OFFENCES_KEY])


def test_persons_and_identifiers_win_doc_ents(nlp) -> None:  # type: ignore[no-untyped-def]
    for text, person in (("被害人王某某家中被盗，丢失现金5000元。", "王某某"), ("犯罪嫌疑人偷走了被害人张某的手机。", "张某")):
        doc = nlp(text)
        assert person in [e.text for e in doc.ents if e.label_ == "PERSON"]
        assert len(doc.spans[SPANS_KEY]) == len(clue_miner.extract(text).entities)  # the place / item stays there


def test_tokenizer_has_the_legal_dictionary(nlp) -> None:  # type: ignore[no-untyped-def]
    words = [t.text for t in nlp.make_doc("他们用杀猪盘骗钱，派出所不予立案")]
    assert "杀猪盘" in words and "不予立案" in words
    assert "".join(t.text_with_ws for t in nlp.make_doc("一 二\n三")) == "一 二\n三"
    assert nlp.config["nlp"]["tokenizer"]["hmm"] is False
    hmm = clue_miner.spacy_pipeline(hmm=True)
    assert hmm.config["nlp"]["tokenizer"]["hmm"] is True and "杀猪盘" in [t.text for t in hmm.make_doc("杀猪盘骗局")]


def test_tokens_split_at_entity_boundaries(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "我叫王芳芳丽人"  # wherever jieba cuts, the PERSON's span sits on extract()'s characters
    ext = clue_miner.extract(text)
    doc = nlp(text)
    assert [(s.start_char, s.end_char) for s in doc.spans[SPANS_KEY]] == [(e.start, e.end) for e in ext.entities]


def test_pipe_in_two_processes_equals_extract_many(nlp) -> None:  # type: ignore[no-untyped-def]
    texts = TEXTS * 3
    docs = list(nlp.pipe(texts, batch_size=4, n_process=2))
    refs = list(clue_miner.extract_many(texts))
    assert [d._.extraction for d in docs] == refs  # field for field, scores unrounded
    assert [d._.extraction.category.scores for d in docs] == [r.category.scores for r in refs]
    assert [_summary(d) for d in docs] == [_summary(d) for d in nlp.pipe(texts, batch_size=3)]


def test_to_disk_and_load_in_a_fresh_process(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nlp.to_disk(tmp_path / "nlp")
    assert "clue_miner.jieba_legal.v1" in (tmp_path / "nlp" / "config.cfg").read_text(encoding="utf-8")
    script = (
        "import json, sys, spacy\n"
        "assert 'clue_miner' not in sys.modules  # the factories are found through the entry points\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "out = []\n"
        "for doc in nlp.pipe(json.loads(sys.argv[2])):\n"
        "    out.append({'tokens': [t.text for t in doc],\n"
        "                'ents': [(e.start_char, e.end_char, e.label_, e._.role, e._.value) for e in doc.ents],\n"
        "                'spans': [(s.start_char, s.end_char, s.label_) for s in doc.spans['clue_miner']],\n"
        "                'offences': doc._.offences, 'cats': doc.cats, 'extraction': doc._.extraction.to_dict()})\n"
        "print(json.dumps(out, ensure_ascii=False))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "nlp"), json.dumps(TEXTS, ensure_ascii=False)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    theirs = json.loads(done.stdout)
    ours = json.loads(json.dumps([_summary(nlp(t)) for t in TEXTS], ensure_ascii=False))
    assert theirs == ours


def test_with_a_users_entity_ruler() -> None:
    nlp = clue_miner.spacy_pipeline()
    ruler = nlp.add_pipe("entity_ruler", before="clue_miner")
    ruler.add_patterns([{"label": "APP", "pattern": "微信"}, {"label": "UNIT", "pattern": "派出所"}])
    doc = nlp("我在微信上被张某骗了2000元，派出所不管。")
    labels = {(e.text, e.label_) for e in doc.ents}
    assert ("微信", "APP") in labels  # the user's entity stays where ours has none
    assert any(e.label_ == "MONEY" for e in doc.ents)
    assert any(s.label_ == "ORG" and s.text == "派出所" for s in doc.spans[SPANS_KEY])  # ours kept in the group
    after = clue_miner.spacy_pipeline()
    after.add_pipe("entity_ruler", config={"overwrite_ents": False}).add_patterns([{"label": "APP", "pattern": "微信"}])
    assert ("微信", "APP") in {(e.text, e.label_) for e in after("我在微信上被张某骗了2000元。").ents}


def test_displacy_rendering_of_an_extraction() -> None:
    from clue_miner.display import render_extraction

    ext = clue_miner.extract(TEXTS[0] + "<script>alert(1)</script>")
    html = render_extraction(ext)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "PERSON·suspect" in html and "PERSON·complainant" in html and "OFFENCE_CUE" in html
    assert html.count("<mark") >= len({(e.start, e.end) for e in ext.entities}) - 2


def test_the_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    runpy.run_path(str(Path(__file__).resolve().parents[1] / "examples" / "spacy_pipeline.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "'APP'" in out and "'PERSON', 'complainant'" in out and "诈骗" in out


def test_real_messages_spans_on_extracts_characters(nlp) -> None:  # type: ignore[no-untyped-def]
    from conftest import shared_data_or_skip

    path = shared_data_or_skip("complaints", "gov_board_labelled_dev.jsonl")
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:120]]
    for doc, ext in zip(nlp.pipe(texts, batch_size=32), clue_miner.extract_many(texts), strict=True):
        assert [(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]] == \
            [(e.start, e.end, e.label) for e in ext.entities]
        for label in ("PHONE", "ID_NUMBER", "PERSON"):
            assert {(e.start_char, e.end_char) for e in doc.ents if e.label_ == label} == \
                {(e.start, e.end) for e in ext.entities if e.label == label}


def test_docs_survive_docbin(nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import DocBin

    docs = list(nlp.pipe(TEXTS))
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    back = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [_summary(d) for d in back] == [_summary(d) for d in docs]
    assert [d._.extraction for d in back] == [d._.extraction for d in docs]
