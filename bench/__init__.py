"""The benchmarks (bench/run.py runs them; docs/benchmarks.md keeps their results)."""
