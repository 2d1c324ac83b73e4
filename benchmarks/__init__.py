"""Benchmarks run on demand: each prints figures against a baseline measured in the same run.

They are not tests (``make test`` never runs them): a noisy machine makes absolute figures unstable, so
every figure is paired with a baseline from the same run and given as min / median / max of repetitions.
"""
