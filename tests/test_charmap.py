"""``CharMap``: the same strings as ``str.translate`` with the same one-to-one map, faster."""

from __future__ import annotations

import numpy as np
import pytest

from clue_miner.extract.ner.features import _FOLD as NER_FOLD
from clue_miner.extract.rules.base import _WIDTH
from clue_miner.extract.textfeatures import FOLD, code_points
from clue_miner.text.charmap import CharMap
from clue_miner.text.normalize import translation_table

MAPS = {"width": _WIDTH, "width+space": _WIDTH | {0x3000: 0x20}, "fold": FOLD, "ner": NER_FOLD, "normalise": translation_table()}
SAMPLES = [
    "",
    "短",
    "２０２４年３月５日，我在万达广场被人偷了手机（价值５０００元），报警后派出所一直没有立案！",
    "張三於2023年在臺北市被騙ＡＢＣ１２３　元\t\n",
    "astral 𠀋𡈽 in the middle of a long enough text: 王某１, 张ＸＸ，報警",
    "lone surrogate \ud800 inside a text that is long enough to take the table route",
]


def _random_texts(seed: int, n: int) -> list[str]:
    rng = np.random.default_rng(seed)
    pools = [range(0x20, 0x7F), range(0x4E00, 0x9FFF), range(0xFF01, 0xFF5F), range(0x3000, 0x3010),
             range(0x20000, 0x20100), range(0xD800, 0xD810), range(0xE000, 0xE010)]
    out = []
    for _ in range(n):
        length = int(rng.integers(0, 120))
        chars = [chr(int(rng.choice(pools[int(rng.integers(0, len(pools)))]))) for _ in range(length)]
        out.append("".join(chars))
    return out


@pytest.mark.parametrize("name", sorted(MAPS))
def test_charmap_equals_str_translate(name: str) -> None:
    mapping = MAPS[name]
    fast = CharMap(mapping)
    for text in SAMPLES + _random_texts(len(name), 400):
        assert fast(text) == text.translate(mapping)


def test_charmap_code_points_equal_the_translated_strings_code_points() -> None:
    fast = CharMap(NER_FOLD)
    for text in SAMPLES[:-1] + [t for t in _random_texts(7, 200) if not any(0xD800 <= ord(c) < 0xE000 for c in t)]:
        assert np.array_equal(fast.code_points(code_points(text)), code_points(text.translate(NER_FOLD)))


def test_charmap_refuses_maps_that_would_move_offsets() -> None:
    with pytest.raises(ValueError, match="one character to one"):
        CharMap({ord("a"): "ab"})
    with pytest.raises(ValueError, match="one character to one"):
        CharMap({ord("a"): None})  # type: ignore[dict-item]
