"""Benchmarks (not tests): ratios against floors measured in the same run."""
