"""Write docs/openapi.json from the protocol models (run after changing sync/protocol.py).

Usage: python scripts/gen_openapi.py [--check]
--check exits 1 if the committed file is out of date (what the test does).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generated_file import write_or_check  # noqa: E402  (scripts/, beside this file)

from sync.openapi import render  # noqa: E402

TARGET = ROOT / "docs" / "openapi.json"


def main() -> int:
    return write_or_check(TARGET, render(), "gen_openapi.py")


if __name__ == "__main__":
    sys.exit(main())
