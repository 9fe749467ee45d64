"""Write ``encoder.int8.onnx`` (the NER's encoder for onnxruntime, int8) beside a model's weights.

    .venv/bin/python training/export_ner_onnx.py [--model models/ner-charlstm] [--data ../shared/data/ner]

A BiLSTM gets int8 weights (activations quantised per call); a convolutional encoder gets static
int8 products whose activation scales are calibrated on training sentences (``--data``, the same
seeded splits and sample ``train_ner.py`` uses).

``training/train_ner.py`` does the same at the end of a build; this script re-exports a shipped
model without retraining it. Needs ``onnx`` and onnxruntime (``pip install -e .[train]``);
deterministic (same weights -> same bytes). Check the result with
``benchmarks/ner_through_extract.py`` (the ``head`` rows use the runtime ``extract()`` uses) or
``CLUE_MINER_NER_RUNTIME=numpy`` for the float reference.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "training"))

from clue_miner.extract.ner.onnx_encoder import ONNX_FILE  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "ner-charlstm")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner",
                    help="the NER corpora (calibration of a convolutional encoder)")
    args = ap.parse_args(argv)
    cfg = json.loads((args.model / "config.json").read_text(encoding="utf-8"))
    if cfg["encoder"].get("type", "bilstm") == "cnn":
        from ner_data import load_splits
        from train_ner import calibration_texts, export_onnx

        export_onnx(args.model, calibration_texts(load_splits(args.data, cfg["training"]["seed"], None)))
    else:
        from clue_miner.extract.ner.onnx_encoder import export_int8

        export_int8(args.model)
    path = args.model / ONNX_FILE
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
