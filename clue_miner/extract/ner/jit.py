"""Whether the NER runs its compiled kernels (:mod:`.kernels`, numba) or the reference code.

``$CLUE_MINER_NER_KERNELS`` (or a ``kernels=`` argument where a function takes one):

* ``auto`` (default): the kernels when numba is installed, once this process has worked through
  :data:`JIT_AFTER` characters with the reference code. Loading numba and the cached kernels takes
  about 0.45 s, which one short text (the cold start of ``clue-miner extract "…"``) would not earn
  back; about 60 board messages do;
* ``numba``: the kernels from the first text (an error without numba);
* ``numpy``: the reference code only (numpy decoding, pyahocorasick matching).

Both give the same entities (``tests/test_ner_model.py``, ``tests/test_lexicon_cache.py``).
"""

from __future__ import annotations

import os
from types import ModuleType

from clue_miner.errors import ModelError

KERNELS_ENV = "CLUE_MINER_NER_KERNELS"
CHOICES = ("auto", "numba", "numpy")
JIT_AFTER = 20_000
_loaded: list[ModuleType | None] = []
_seen = [0]


def kernels(choice: str | None = None, work: int = 0) -> ModuleType | None:
    """:mod:`.kernels`, or None for the reference code (``work``: characters this call handles,
    counted towards :data:`JIT_AFTER` while ``auto`` waits)."""
    value = (choice or os.environ.get(KERNELS_ENV) or "auto").lower()
    if value not in CHOICES:
        raise ModelError(f"{KERNELS_ENV} must be one of {', '.join(CHOICES)}, got {value!r}", code="bad_option")
    if value == "numpy":
        return None
    if not _loaded:
        if value == "auto" and _seen[0] < JIT_AFTER:
            _seen[0] += work
            return None
        try:
            from clue_miner.extract.ner import kernels as compiled
        except ImportError:
            compiled = None  # type: ignore[assignment]
        _loaded.append(compiled)
    if _loaded[0] is None and value == "numba":
        raise ModelError(f"{KERNELS_ENV}=numba asked for and numba is not installed", code="bad_option")
    return _loaded[0]
