"""Accuracy and speed of the Analyzer on held-out phantoms (``python -m inference benchmark``)."""
