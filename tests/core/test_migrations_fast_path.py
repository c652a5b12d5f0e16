"""The normal start reads "nothing to migrate" with plain sqlite3 (issue 16, goal 1).

sqlite-utils (with click, pluggy, dateutil) is the migrations' runner and is imported only
when a migration must run. These tests check the plain check against sqlite-utils' own
answer, on real database files, and that a start with nothing pending never imports it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.store.migrations import MIGRATIONS, MIGRATIONS_TABLE

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ("sqlite_utils", "click", "pluggy", "dateutil")


def _agree(raw: sqlite3.Connection) -> bool:
    """The plain check, asserted equal to sqlite-utils' own "nothing pending"."""
    fast = MIGRATIONS.up_to_date(raw)
    assert fast == (MIGRATIONS.pending(Database(raw)) == [])
    return fast


def test_the_migrations_table_is_the_one_sqlite_utils_keeps() -> None:
    assert Migrations.migrations_table == MIGRATIONS_TABLE
    assert MIGRATIONS.names == tuple(m.name for m in MIGRATIONS._migrations)


def test_up_to_date_agrees_with_sqlite_utils_before_during_and_after(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "k.db", isolation_level=None)
    try:
        assert _agree(raw) is False  # an empty file: no migrations table yet
        MIGRATIONS.apply(Database(raw), stop_before="0002_drafts")
        assert _agree(raw) is False  # the first schema: the rest pending
        MIGRATIONS.apply(Database(raw))
        assert _agree(raw) is True
        last = MIGRATIONS.names[-1]
        raw.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = ?", (last,))
        assert _agree(raw) is False  # one step missing: it would run again
    finally:
        raw.close()


def test_another_sets_record_does_not_count_as_ours(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "k.db", isolation_level=None)
    try:
        MIGRATIONS.apply(Database(raw))
        raw.execute(f"UPDATE {MIGRATIONS_TABLE} SET migration_set = 'other'")
        assert _agree(raw) is False
    finally:
        raw.close()


def test_a_pending_migration_still_runs_through_sqlite_utils(kiosk_home: Path) -> None:
    data = DataDir(kiosk_home).ensure()
    raw = sqlite3.connect(data.database, isolation_level=None)
    MIGRATIONS.apply(Database(raw), stop_before="0002_drafts")
    raw.close()
    core = KioskCore.open(data)
    try:
        assert MIGRATIONS.up_to_date(core.store.conn.raw)
        assert MIGRATIONS.pending(Database(core.store.conn.raw)) == []
    finally:
        core.close()


_CHILD = """
import json, sys
from kiosk.core import KioskCore
KioskCore.open().close()
print(json.dumps(sorted(m for m in RUNNER if m in sys.modules)))
"""


def _open_in_fresh_interpreter(home: Path) -> list[str]:
    env = {**os.environ, "KIOSK_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-c", _CHILD.replace("RUNNER", repr(RUNNER))],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_opening_an_up_to_date_database_does_not_import_sqlite_utils(tmp_path: Path) -> None:
    """sqlite-utils' Database and Migrations were built at every open, migrations or not."""
    assert _open_in_fresh_interpreter(tmp_path) == sorted(RUNNER)  # a new database: migrated
    assert _open_in_fresh_interpreter(tmp_path) == []  # the normal start: nothing pending
