"""`kiosk sim` verbs of this simulator family (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this simulator's verbs under `kiosk sim`."""
