"""The benchmark harness of `make bench` (bench/run.py) and its results."""
