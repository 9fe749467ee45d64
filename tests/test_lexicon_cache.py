from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clue_miner.extract.ner.lexicon import Lexicon, cache_dir

TEXT = "张三在派出所报案说电动车被盗"


@pytest.fixture()
def dicts(tmp_path: Path) -> tuple[Path, Path]:
    words = tmp_path / "dict.txt"
    words.write_text("派出所 3000 nt\n报案 500 v\n电动车 800 n\n张三 20 nr\n被盗 300 v\n电动 900 n\n", encoding="utf-8")
    legal = tmp_path / "legal.txt"
    legal.write_text("报案 10 v\n", encoding="utf-8")
    return words, legal


def _same(a: Lexicon, b: Lexicon) -> None:
    assert a.words == b.words and a.fingerprint == b.fingerprint and a.size == b.size
    for x, y in zip(a.matches(TEXT), b.matches(TEXT), strict=True):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.features(TEXT), b.features(TEXT))
    for x, y in zip(a.trie(), b.trie(), strict=True):
        np.testing.assert_array_equal(x, y)


def test_lexicon_trie_walk_finds_what_the_automaton_finds(dicts: tuple[Path, Path], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled trie walk gives pyahocorasick's matches in its order (by end, longest first):
    nested words (电动 / 电动车), words at both edges, repeats, characters past the BMP, a lone
    surrogate, the empty text; random texts over the dictionary's characters."""
    pytest.importorskip("numba")
    monkeypatch.setenv("CLUE_MINER_CACHE", "off")
    lex = Lexicon([dicts[0]], dicts[1]).ensure()
    chars = sorted(set("".join(lex.words))) + ["𠀀", "x"]
    rng = np.random.default_rng(3)
    texts = [TEXT, "", "派", "电动车电动车派出所", "𠀀电动车\ud800报案", "报案张三"]
    texts += ["".join(rng.choice(chars, size=int(rng.integers(1, 40)))) for _ in range(300)]
    for text in texts:
        for x, y in zip(lex.matches(text, "numba"), lex.matches(text, "numpy"), strict=True):
            np.testing.assert_array_equal(x, y)
    starts, ends, lens, hits = lex.matches("电动车", "numba")
    assert [lex.words[h] for h in hits] == ["电动", "电动车"] and ends.tolist() == [1, 2]


def test_lexicon_cache_written_then_read(dicts: tuple[Path, Path], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLUE_MINER_CACHE", str(folder))
    built = Lexicon([dicts[0]], dicts[1]).ensure()
    files = sorted(p.suffix for p in folder.iterdir())
    assert files == [".aho", ".npz"]
    cached = Lexicon([dicts[0]], dicts[1])
    monkeypatch.setattr(Lexicon, "_compute", lambda self, table: pytest.fail("rebuilt despite the cache"))
    _same(built, cached.ensure())


def test_lexicon_cache_follows_the_dictionary(dicts: tuple[Path, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLUE_MINER_CACHE", str(tmp_path / "cache"))
    first = Lexicon([dicts[0]], dicts[1]).ensure()
    with dicts[0].open("a", encoding="utf-8") as fh:
        fh.write("小区 700 n\n")
    second = Lexicon([dicts[0]], dicts[1]).ensure()
    assert second.size == first.size + 1 and second.fingerprint != first.fingerprint
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 2


def test_lexicon_damaged_cache_is_rebuilt(dicts: tuple[Path, Path], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLUE_MINER_CACHE", str(folder))
    built = Lexicon([dicts[0]], dicts[1]).ensure()
    for path in folder.iterdir():
        path.write_bytes(b"not a cache")
    _same(built, Lexicon([dicts[0]], dicts[1]).ensure())


def test_lexicon_cache_off_and_unwritable(dicts: tuple[Path, Path], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLUE_MINER_CACHE", "off")
    assert cache_dir() is None
    assert Lexicon([dicts[0]], dicts[1]).ensure().size == 6
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CLUE_MINER_CACHE", str(blocker / "cache"))  # under a file: cannot be created
    assert Lexicon([dicts[0]], dicts[1]).ensure().size == 6
