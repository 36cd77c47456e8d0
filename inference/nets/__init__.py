"""Torch network modules and weight loading (checkpoints carry a model-version string and the
architecture hyper-parameters, so weights rebuild their own network)."""
