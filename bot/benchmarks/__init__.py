"""Benchmarks that print numbers: ``veiviser bench`` (``make bench``)."""
