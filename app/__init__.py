"""The composition root: the ``kiosk`` command, and the one place that wires
the core to real or simulated devices, the platform client and the UI."""
