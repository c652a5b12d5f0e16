"""Simulators that speak the real protocols: a SAM reader on a pty and a vpcd virtual card."""
