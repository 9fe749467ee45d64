"""Evaluation against gold labels (mine outputs, and later offence and NER models)."""
