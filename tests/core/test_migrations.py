"""A terminal updated in the field keeps its queue: older schemas migrate with their data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.store.migrations import MIGRATIONS


def test_a_database_from_the_first_schema_migrates_and_keeps_its_rows(kiosk_home: Path) -> None:
    data = DataDir(kiosk_home).ensure()
    raw = sqlite3.connect(data.database, isolation_level=None)
    MIGRATIONS.apply(Database(raw), stop_before="0002_drafts")
    raw.execute("INSERT INTO meta(key, value) VALUES ('local_seq', '41')")
    raw.close()

    core = KioskCore.open(data)
    try:
        applied = [m.name for m in MIGRATIONS.applied(Database(core.store.conn.raw))]
        assert applied[:2] == ["0001_initial", "0002_drafts"]
        assert core.store.get_meta("local_seq") == "41"
        core.store.save_draft("110101194503071229", "X", {"a": "b"})  # the new table works
    finally:
        core.close()


def test_opening_twice_applies_nothing_again(kiosk_home: Path) -> None:
    data = DataDir(kiosk_home)
    KioskCore.open(data).close()
    core = KioskCore.open(data)
    try:
        assert MIGRATIONS.pending(Database(core.store.conn.raw)) == []
    finally:
        core.close()
