"""Character vocabularies and BERT tokenizers for the from-scratch encoders.

A Chinese encoder reads characters: the BERT pre-tokenizer already splits CJK characters one by
one, and WordPiece splits the other runs (digits, Latin letters) into single characters when the
vocabulary holds ``c`` and ``##c`` for each of them. So a character vocabulary is the special
tokens plus the characters seen at least ``min_count`` times, most frequent first, capped at
``max_size``. Text is lower-cased and full-width ASCII folded (the BERT normaliser lower-cases; the
same ``fold`` runs before counting and before tokenizing), so ``Ａ`` and ``a`` share one id.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["SPECIAL_TOKENS", "fold", "build_char_vocab", "char_tokenizer", "load_tokenizer", "save_vocab"]

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def fold(text: str) -> str:
    """NFKC (full-width digits and letters -> ASCII) and lower case: applied to every text before
    tokenizing, in training and at inference (a saved tokenizer does not keep a custom normaliser)."""
    return unicodedata.normalize("NFKC", text).lower()


def build_char_vocab(texts: Iterable[str], min_count: int = 2, max_size: int = 8000) -> list[str]:
    """Special tokens + characters (``c`` and, for non-CJK non-punctuation ones, ``##c``)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(fold(text))
    tokens: list[str] = list(SPECIAL_TOKENS)
    seen = set(tokens)
    for ch, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(tokens) >= max_size:
            break
        if n < min_count or ch.isspace() or unicodedata.category(ch).startswith("C"):
            continue
        forms = [ch] if _is_cjk(ch) or _is_punct(ch) else [ch, "##" + ch]
        for form in forms:
            if form not in seen:
                tokens.append(form)
                seen.add(form)
    return tokens


def char_tokenizer(vocab: list[str], model_max_length: int = 512) -> Any:
    """A (Rust-backed) ``BertTokenizer`` over ``vocab``."""
    from transformers import BertTokenizer

    tok = BertTokenizer(vocab={t: i for i, t in enumerate(vocab)}, do_lower_case=True, tokenize_chinese_chars=True,
                        strip_accents=False)
    tok.model_max_length = model_max_length
    return tok


def save_vocab(vocab: list[str], path: str | Path) -> None:
    Path(path).write_text("\n".join(vocab) + "\n", encoding="utf-8")


def load_tokenizer(path: str | Path) -> Any:
    """The tokenizer saved in a checkpoint directory (``tokenizer.json`` / ``vocab.txt``)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path))
