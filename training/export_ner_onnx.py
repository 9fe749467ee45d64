"""Write ``encoder.int8.onnx`` (the NER's BiLSTM for onnxruntime, int8 weights) beside a model's weights.

    .venv/bin/python training/export_ner_onnx.py [--model models/ner-charlstm]

``training/train_ner.py`` does the same at the end of a build; this script re-exports a shipped
model without retraining it. Needs ``onnx`` and onnxruntime (``pip install -e .[train]``);
deterministic (same weights -> same bytes). Check the result with
``benchmarks/ner_through_extract.py`` (the ``head`` rows use the runtime ``extract()`` uses) or
``CLUE_MINER_NER_RUNTIME=numpy`` for the float reference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clue_miner.extract.ner.onnx_encoder import export_int8  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "ner-charlstm")
    args = ap.parse_args(argv)
    path = export_int8(args.model)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
