"""The kiosk's core: domain rules and use cases.

Nothing here touches Qt, serial ports, smart cards, HTTP or PDF: those live in
``ui``, ``devices``, ``sync`` and ``printouts`` and are wired together in ``app``.
Keeping the core free of I/O is what lets every rule be tested on a real SQLite
file in milliseconds (an import-linter contract in pyproject.toml enforces it).
"""
