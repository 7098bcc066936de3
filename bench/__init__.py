"""Benchmarks for `make bench`.

Each section prints its figures and their ratio to a reference measured in the same run.
"""
