"""One module per group of ``kiosk`` sub-commands; each exposes ``register(subparsers)``."""
