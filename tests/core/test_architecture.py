"""Structural rules the import-linter contracts cannot express."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL_MARKERS = re.compile(
    r"^\s*(import sqlite3|from sqlite3|import sqlite_utils|from sqlite_utils)|\.execute(many|script)?\(",
    re.M,
)


def test_sql_lives_only_in_the_store() -> None:
    """The terminal's SQL is in kiosk/store/ (the reference platform's own DB is in central/)."""
    offenders = []
    for package in ("kiosk", "ui", "devices", "printouts", "sync", "app"):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith("kiosk/store/"):
                continue
            if SQL_MARKERS.search(path.read_text(encoding="utf-8")):
                offenders.append(relative)
    assert offenders == []


def test_the_core_reads_no_environment_variables_but_kiosk_home() -> None:
    """Settings are typed and declared once (kiosk/settings.py); only the data directory comes from the environment."""
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "kiosk").rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8") and path.name != "paths.py"
    ]
    assert offenders == []
