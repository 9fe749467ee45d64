"""Building blocks of the synthetic corpus: identifiers, names, numerals, places, scenarios."""

from __future__ import annotations
