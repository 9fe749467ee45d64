"""The statistical entity recogniser (see ``models/ner-charlstm/MODEL_CARD.md``).

* :mod:`.features` — character / bigram vocabularies and the segmentation of texts into pieces;
* :mod:`.lexicon` — dictionary words covering each character (soft-lexicon flags, word sets);
* :mod:`.bilstm` — the BiLSTM in numpy (reference runtime);
* :mod:`.onnx_encoder` — the same BiLSTM in onnxruntime, int8 (default runtime);
* :mod:`.crf` — the CRF heads: Viterbi, forward-backward, spans from tag paths;
* :mod:`.model` — :class:`~.model.NerModel`: loading, profiles, heads, overlap resolution, roles;
* :mod:`.baselines` — the baselines ``clue-miner evaluate ner`` compares with.
"""
