"""Fault-injection runs of consent-gate: load, kill -9, restarts, and a check of every output."""
