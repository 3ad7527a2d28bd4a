"""`make bench`: the benchmark (`python -m bench`); the method is in docs/benchmarks.md."""
