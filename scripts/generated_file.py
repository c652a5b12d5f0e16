"""Write a generated file, or with ``--check`` say whether the committed one is current.

The one home of what ``scripts/gen_openapi.py`` and ``scripts/gen_pinyin_initials.py`` do
with the text they render; their tests run them with ``--check``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(target: Path, text: str, script: str) -> int:
    """0 when written (or current under ``--check``); 1 when ``--check`` finds it stale."""
    if "--check" in sys.argv[1:]:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run python scripts/{script}")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0
