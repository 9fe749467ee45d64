"""Readers and scoring of ``clue_miner.evaluate.ner`` on tiny hand-made files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clue_miner.errors import InputError
from clue_miner.evaluate.ner import entity_key, evaluate_ner, format_report, read_ner, score_spans
from clue_miner.evaluate.ner_corpora import iob_spans
from clue_miner.types import Entity


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_ner_reads_cail2021(tmp_path: Path) -> None:
    row = {"context": "被告人张某某盗窃被害人李某的手机。", "entities": [
        {"label": "NHCS", "span": ["3;6"]}, {"label": "NHVI", "span": ["11;13"]},
        {"label": "NASI", "span": ["11;16"]}, {"label": "NT", "span": []}]}
    corpus = read_ner(_write(tmp_path / "c.jsonl", json.dumps(row, ensure_ascii=False) + "\n"), "cail2021")
    assert corpus.scheme == "cail2021"
    doc = corpus.docs[0]
    assert {doc.text[s:e] for s, e, _ in doc.spans} == {"张某某", "李某", "李某的手机"}
    assert corpus.gold()[0] == {(3, 6, "PERSON:suspect"), (11, 13, "PERSON:victim"), (11, 16, "ITEM:goods")}


def test_evaluate_ner_reads_cail2022(tmp_path: Path) -> None:
    row = {"sentText": "被告人王某贩卖冰毒0.5克。", "entityMentions": [
        {"start": 3, "end": 5, "text": "王某", "label": "Nh"}, {"start": 7, "end": 9, "text": "冰毒", "label": "NDR"},
        {"start": 9, "end": 13, "text": "0.5克", "label": "NW"}]}
    corpus = read_ner(_write(tmp_path / "d.jsonl", json.dumps(row, ensure_ascii=False) + "\n"), "cail2022")
    assert corpus.gold()[0] == {(3, 5, "PERSON"), (7, 9, "ITEM:drug"), (9, 13, "QUANTITY")}


def test_evaluate_ner_reads_cluener_end_inclusive(tmp_path: Path) -> None:
    row = {"text": "浙商银行的叶老桂和《变形金刚》", "label": {"name": {"叶老桂": [[5, 7]]}, "company": {"浙商银行": [[0, 3]]},
                                                 "movie": {"《变形金刚》": [[9, 14]]}}}
    corpus = read_ner(_write(tmp_path / "n.jsonl", json.dumps(row, ensure_ascii=False) + "\n"), "cluener")
    assert corpus.gold()[0] == {(5, 8, "PERSON"), (0, 4, "ORG")}  # movie is not scored
    assert ("movie" in corpus.native_labels()) and "MOVIE" not in corpus.keys


def test_evaluate_ner_reads_msra_tsv(tmp_path: Path) -> None:
    text = "text\tlabel\n海 钓 比 赛 在 厦 门 与 金 门 之 间\t[('NS', 5, 6), ('NS', 8, 9)]\n张 三 去 了 新 华 社\t[('NR', 0, 1), ('NT', 4, 6)]\n"
    corpus = read_ner(_write(tmp_path / "m.tsv", text), "tsv")
    assert corpus.scheme == "news"
    assert corpus.docs[0].text == "海钓比赛在厦门与金门之间"
    assert corpus.gold()[0] == {(5, 7, "LOCATION"), (8, 10, "LOCATION")}
    assert corpus.gold()[1] == {(0, 2, "PERSON"), (4, 7, "ORG")}


def test_evaluate_ner_reads_weibo_conll_and_strips_digits(tmp_path: Path) -> None:
    text = "我0\tO\n叫1\tO\n李0\tB-PER.NAM\n雷1\tI-PER.NAM\n老0\tB-PER.NOM\n师1\tI-PER.NOM\n\n北0\tB-GPE.NAM\n京1\tI-GPE.NAM\n"
    corpus = read_ner(_write(tmp_path / "w.conll", text), "conll")
    assert corpus.scheme == "weibo"
    assert [d.text for d in corpus.docs] == ["我叫李雷老师", "北京"]
    assert corpus.gold() == [{(2, 4, "PERSON")}, {(0, 2, "LOCATION")}]  # nominal 老师 not scored


def test_evaluate_ner_reads_multichar_conll_tokens(tmp_path: Path) -> None:
    text = "海 B-road\n丰 I-road\n路 I-road\n602 B-roadno\n号 I-roadno\n"
    corpus = read_ner(_write(tmp_path / "a.conll", text), "conll")
    assert corpus.scheme == "address"
    assert corpus.docs[0].text == "海丰路602号"
    assert corpus.docs[0].spans == ((0, 3, "road"), (3, 7, "roadno"))


def test_evaluate_ner_iob_spans_bioes_and_stray_inside() -> None:
    assert iob_spans(["B-X", "E-X", "S-Y", "O", "I-Z", "I-Z"]) == [(0, 2, "X"), (2, 3, "Y"), (4, 6, "Z")]


def test_evaluate_ner_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_ner(tmp_path / "x", "xml")


def test_evaluate_ner_keys_roles_only_where_the_corpus_has_them() -> None:
    suspect = Entity("PERSON", 0, 2, "张三", attrs={"role": "suspect"})
    other = Entity("PERSON", 0, 2, "张三", attrs={"role": "other"})
    cail = frozenset({"PERSON:suspect", "PERSON:victim", "ITEM:goods"})
    assert entity_key(suspect, cail) == "PERSON:suspect"
    assert entity_key(other, cail) is None
    assert entity_key(suspect, frozenset({"PERSON", "ORG"})) == "PERSON"
    assert entity_key(Entity("QUANTITY", 0, 1, "1"), frozenset({"PERSON"})) is None


def test_evaluate_ner_score_spans_exact_match() -> None:
    gold = [{(0, 2, "PERSON"), (3, 5, "ORG")}]
    pred = [{(0, 2, "PERSON"), (3, 6, "ORG")}]
    res = score_spans(gold, pred)
    assert res["per_label"]["PERSON"]["f1"] == 1.0
    assert res["per_label"]["ORG"]["f1"] == 0.0
    assert res["overall"]["precision"] == 0.5 and res["overall"]["recall"] == 0.5


class _Echo:
    """A recogniser that finds 张三 and 北京 wherever they are."""

    name = "echo"

    def predict(self, texts: list[str]) -> list[list[Entity]]:
        out = []
        for t in texts:
            ents = []
            for word, label in (("张三", "PERSON"), ("北京", "LOCATION")):
                i = t.find(word)
                if i >= 0:
                    ents.append(Entity(label, i, i + 2, word, attrs={"role": "suspect"}, source="ner"))
            out.append(ents)
        return out


def test_evaluate_ner_end_to_end_with_normalised_offsets(tmp_path: Path) -> None:
    # the run of spaces shrinks under normalisation: offsets must map back to the file's text
    row = {"text": "张三  在北京", "label": {"name": {"张三": [[0, 1]]}, "address": {"北京": [[5, 6]]}}}
    path = _write(tmp_path / "c.jsonl", json.dumps(row, ensure_ascii=False) + "\n")
    res = evaluate_ner(path, "cluener", _Echo())
    assert res["overall"]["f1"] == 1.0
    report = format_report(res)
    assert "PERSON" in report and "overall" in report


def test_evaluate_ner_cli_prints_per_label_and_overall(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from clue_miner.cli import app

    text = ("text\tlabel\n被 告 人 张 三 在 长 沙 市 盗 窃\t[('NR', 3, 4), ('NS', 6, 8)]\n"
            "我 叫 李 四 ， 住 在 北 京 市\t[('NR', 2, 3), ('NS', 7, 9)]\n")
    path = _write(tmp_path / "m.tsv", text)
    res = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(path), "--format", "tsv", "--model", "rules"])
    assert res.exit_code == 0, res.output
    assert "PERSON" in res.output and "LOCATION" in res.output and "overall" in res.output
    res = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(path), "--format", "tsv", "--model", "rules",
                                   "--json"])
    data = json.loads(res.output)
    assert data["overall"]["support"] == 4 and 0.0 <= data["overall"]["f1"] <= 1.0


def test_evaluate_ner_cli_bad_format_and_missing_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from clue_miner.cli import app

    path = _write(tmp_path / "m.tsv", "text\tlabel\n张 三\t[]\n")
    res = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(path), "--format", "xml", "--model", "rules"])
    assert res.exit_code != 0 and "bad_format" in res.output
    res = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(tmp_path / "nope.tsv"), "--format", "tsv",
                                   "--model", "rules"])
    assert res.exit_code != 0 and "not found" in res.output


def test_score_spans_through_spacy_counts_like_sets() -> None:
    """spaCy's Scorer over Examples gives the figures of plain set counting, overlaps included."""
    import random

    rng = random.Random(5)
    gold, pred, texts = [], [], []
    for _ in range(300):
        n = rng.randint(0, 30)
        texts.append("字" * n)

        def spans(n: int = n) -> set[tuple[int, int, str]]:
            out = set()
            for _ in range(rng.randint(0, 4) if n > 1 else 0):
                s = rng.randrange(n - 1)
                out.add((s, rng.randint(s + 1, n), rng.choice(["PERSON", "ORG", "ITEM:goods"])))
            return out

        g = spans()
        gold.append(g)
        pred.append({x for x in g if rng.random() < 0.6} | spans())
    res = score_spans(gold, pred, texts)
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    n_pred, n_gold = sum(map(len, pred)), sum(map(len, gold))
    p, r = tp / n_pred, tp / n_gold
    assert res["overall"]["tp"] == tp and res["overall"]["predicted"] == n_pred and res["overall"]["support"] == n_gold
    assert abs(res["overall"]["precision"] - p) < 1e-12 and abs(res["overall"]["recall"] - r) < 1e-12
    assert abs(res["overall"]["f1"] - 2 * p * r / (p + r)) < 1e-12
    for label, row in res["per_label"].items():
        t = sum(len({x for x in g & q if x[2] == label}) for g, q in zip(gold, pred, strict=True))
        assert row["tp"] == t
    assert score_spans(gold, pred)["overall"] == res["overall"]  # stand-in texts give the same
