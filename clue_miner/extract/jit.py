"""Whether extraction runs its compiled kernels (numba) or the reference code.

Three modules hold compiled loops: :mod:`clue_miner.extract.ner.kernels` (the NER's decoding and
dictionary matching, also the offence rules' cue matching), :mod:`clue_miner.extract.sparse_kernels` (the n-gram models' counts and
sparse products) and :mod:`clue_miner.link.text_kernels` (the link's text index hashing); the
kernels they share are defined in :mod:`clue_miner.text.kernels` (a compiled function calls only
functions of its own file: numba's cache would otherwise mix copies of different ages).
``$CLUE_MINER_NER_KERNELS`` (the name predates the other modules; it rules all three), or a
``kernels=`` argument where a function takes one:

* ``auto`` (default): the kernels when numba is installed, once this process has worked through
  :data:`JIT_AFTER` characters with the reference code. Loading numba and the cached kernels takes
  about 0.45 s, which one short text (the cold start of ``clue-miner extract "…"``) would not earn
  back; about 60 board messages do. A batch job that always earns it back (the link's text index)
  asks with ``eager=True`` and gets the kernels at once;
* ``numba``: the kernels from the first text (an error without numba);
* ``numpy``: the reference code only (numpy decoding, pyahocorasick matching, scipy products).

Both give the same results (``tests/test_ner_model.py``, ``tests/test_lexicon_cache.py``,
``tests/test_textfeatures.py``).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

from clue_miner.errors import ModelError

KERNELS_ENV = "CLUE_MINER_NER_KERNELS"
CHOICES = ("auto", "numba", "numpy")
JIT_AFTER = 20_000
NER = "clue_miner.extract.ner.kernels"
SPARSE = "clue_miner.extract.sparse_kernels"
TEXT = "clue_miner.link.text_kernels"
_loaded: dict[str, ModuleType | None] = {}
_seen = [0]


def compiled(module: str, choice: str | None = None, work: int = 0, eager: bool = False) -> ModuleType | None:
    """The kernel ``module`` (:data:`NER`, :data:`SPARSE` or :data:`TEXT`), or None for the reference
    code (``work``: characters — n-grams for the sparse products — this call handles, counted towards
    :data:`JIT_AFTER` while ``auto`` waits; ``eager``: ``auto`` does not wait)."""
    value = (choice or os.environ.get(KERNELS_ENV) or "auto").lower()
    if value not in CHOICES:
        raise ModelError(f"{KERNELS_ENV} must be one of {', '.join(CHOICES)}, got {value!r}", code="bad_option")
    if value == "numpy":
        return None
    if module not in _loaded:
        if value == "auto" and not eager and _seen[0] < JIT_AFTER:
            _seen[0] += work
            return None
        try:
            found: ModuleType | None = importlib.import_module(module)
        except ImportError:
            found = None
        _loaded[module] = found
    if _loaded[module] is None and value == "numba":
        raise ModelError(f"{KERNELS_ENV}=numba asked for and numba is not installed", code="bad_option")
    return _loaded[module]


def kernels(choice: str | None = None, work: int = 0) -> ModuleType | None:
    """:mod:`clue_miner.extract.ner.kernels`, or None for the reference code (see :func:`compiled`)."""
    return compiled(NER, choice, work)
