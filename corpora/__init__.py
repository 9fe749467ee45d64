"""Synthetic complaint archives and police case tables with gold labels (an independent oracle).

The generator lives in :mod:`corpora.generate`; scenario templates and vocabularies in
:mod:`corpora.synth`. Nothing here imports ``clue_miner``: the legal rules are encoded again,
on purpose, so that the corpus can judge the extractor.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "1.0.0"
