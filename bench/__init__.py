"""Benchmarks: `python -m bench.run` (HTTP against the floor), `python -m bench.import_bench`."""
