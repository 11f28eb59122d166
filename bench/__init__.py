"""Benchmarks (``make bench``): each service's figure next to a baseline measured in the same run.

Not tests: they time things, and these machines are shared and noisy. Each module
``bench/<name>.py`` exposes ``main(argv) -> int`` and prints a small table.
"""
