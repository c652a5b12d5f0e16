"""`kiosk` sub-commands of this area (placeholder)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this module's sub-commands to the `kiosk` parser."""
