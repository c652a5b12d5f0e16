"""The loose readings of a value that pydantic's lax mode accepted, in one place.

The settings (``kiosk.settings``) and the wire models (``sync.wire``) both stopped being
pydantic models (issue 16, goals 1-2). A ``terminal.toml`` with ``idle_timeout_s = "120"``
and a platform that sends ``"seq": "7"`` must keep working as they did, so both read values
through these functions: each returns ``None`` when the value cannot be read as its type.
"""

from __future__ import annotations

import re
from typing import Any

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def as_int(value: Any) -> int | None:
    """An integer; a whole float (``3.0``) and a numeric string count, a flag does not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


def as_float(value: Any) -> float | None:
    """A number; integers and numeric strings count (``nan`` and ``inf`` too, as JSON allows)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None
