"""Hardware adapters and their simulators.

Every device sits behind a small typed Protocol with a closed set of statuses,
has a real adapter and a simulator speaking the same bytes, and does its I/O on
its own thread. Which one is used is decided only in ``app.wiring``.
"""
