"""Write docs/openapi.json from the protocol models (run after changing sync/protocol.py).

Usage: python scripts/gen_openapi.py [--check]
--check exits 1 if the committed file is out of date (what the test does).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sync.openapi import render  # noqa: E402

TARGET = ROOT / "docs" / "openapi.json"


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python scripts/gen_openapi.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
