"""Synchronisation with the central platform: signed requests, batched uploads,
resumable attachments and incremental pulls, driven by the persisted outbox."""

import sys as _sys

# ``import httpx`` also imports httpx's command-line tool, and with it click, and rich and
# pygments where installed (~80 modules, ~8 MB in a development venv); the kiosk never runs
# it. A ``None`` entry in ``sys.modules`` makes exactly that import fail, which httpx
# handles (its ``httpx.main`` is then a stub saying the CLI is not installed). Issue 16.
if "httpx._main" not in _sys.modules:
    _sys.modules["httpx._main"] = None  # type: ignore[assignment]
