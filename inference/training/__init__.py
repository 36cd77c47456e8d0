"""Phantom-based training data and training loops for the shipped networks."""
