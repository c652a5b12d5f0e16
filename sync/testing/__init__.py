"""Test doubles of the network (the fault proxy), shared by tests and benchmarks."""
