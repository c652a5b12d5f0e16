"""Power cuts (SIGKILL) in the middle of making the data key and in the middle of a migration.

A child process (``tests/faults/power_cut_child.py``) stops at a named point and is killed
there. Afterwards the terminal opens, nothing committed is lost, there is exactly one key
(no second key made over data, no leftover ``data.key.new``), its fingerprint is recorded,
and ``kiosk doctor`` finds the data key and database in order.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from kiosk.core import KioskCore
from kiosk.crypto import KEY_ID_META, key_id
from kiosk.paths import DataDir
from kiosk.store.migrations import MIGRATIONS
from tests.faults.faulthelpers import REPO, doctor_check, file_applications


def killed_at(home: Path, *args: str, expect: str) -> list[str]:
    """Run the child until it prints ``expect``, then SIGKILL it; the lines it printed before."""
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.power_cut_child", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    lines: list[str] = []
    try:
        while True:
            line = child.stdout.readline().strip()
            if not line:
                raise AssertionError(f"child ended before {expect!r}: {child.stderr.read()}")
            if line == expect:
                break
            lines.append(line)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return lines


def run_child(home: Path, *args: str) -> None:
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.power_cut_child", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and "opened" in result.stdout, result.stderr


def _one_key_in_use(home: Path) -> bytes:
    data = DataDir(home)
    assert data.key_file.is_file() and len(data.key_file.read_bytes()) == 32
    assert not (home / "data.key.new").exists(), "a leftover second key"
    key = data.key_file.read_bytes()
    raw = sqlite3.connect(data.database)
    try:
        recorded = raw.execute("SELECT value FROM meta WHERE key = ?", (KEY_ID_META,)).fetchone()
    finally:
        raw.close()
    assert recorded is not None and recorded[0] == key_id(key)
    return key


STAGES = {
    # stage: (data.key exists at the cut, data.key.new exists at the cut)
    "before-key": (False, False),
    "before-link": (False, True),
    "after-link": (True, True),
    "before-fingerprint": (True, False),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_power_cut_during_key_creation_leaves_one_usable_key(kiosk_home: Path, stage: str) -> None:
    killed_at(kiosk_home, "key", stage, expect=f"at {stage}")
    key_existed, tmp_existed = STAGES[stage]
    assert (kiosk_home / "data.key").exists() is key_existed
    assert (kiosk_home / "data.key.new").exists() is tmp_existed
    key_at_cut = (kiosk_home / "data.key").read_bytes() if key_existed else None

    # Next start: opens; a key that was made is kept (never a second one), else one is made.
    ids = file_applications(kiosk_home, 2)
    key = _one_key_in_use(kiosk_home)
    if key_at_cut is not None:
        assert key == key_at_cut
    core = KioskCore.open(DataDir(kiosk_home))
    try:
        for application_id in ids:
            application = core.store.application(application_id)
            assert application is not None and application.applicant.name
    finally:
        core.close()
    assert _one_key_in_use(kiosk_home) == key
    _code, check = doctor_check(kiosk_home, "data_key")
    assert check["status"] == "ok", check
    _code, check = doctor_check(kiosk_home, "database")
    assert check["status"] == "ok", check


def _rows(home: Path) -> list[tuple[str, str, str]]:
    raw = sqlite3.connect(home / "kiosk.sqlite3")
    try:
        return raw.execute(
            "SELECT a.id, a.number, a.state_reason FROM applications a "
            "JOIN outbox o ON o.item_id = a.id ORDER BY a.local_seq"
        ).fetchall()
    finally:
        raw.close()


def test_power_cut_during_a_migration_loses_nothing(kiosk_home: Path) -> None:
    ids = file_applications(kiosk_home, 5)
    key = _one_key_in_use(kiosk_home)
    before = _rows(kiosk_home)
    assert [row[0] for row in before] == ids

    killed_at(kiosk_home, "migrate", "9901_test_rewrite_rows", expect="migrating")

    # The migration's transaction died with the process: every row and outbox entry is there,
    # untouched, and the migration is still pending (it did not half-apply).
    assert _rows(kiosk_home) == before
    core = KioskCore.open(DataDir(kiosk_home))
    try:
        applied = {m.name for m in MIGRATIONS.applied(Database(core.store.conn.raw))}
        assert "9901_test_rewrite_rows" not in applied
        columns = {c[1] for c in core.store.conn.query("PRAGMA table_info(applications)")}
        assert "test_note" not in columns
        assert core.store.conn.query("PRAGMA integrity_check")[0][0] == "ok"
        for application_id in ids:
            application = core.store.application(application_id)
            assert application is not None and application.applicant.name
    finally:
        core.close()
    assert _one_key_in_use(kiosk_home) == key

    # Started again without the cut, the same migration runs to its end.
    run_child(kiosk_home, "migrate-finish", "9901_test_rewrite_rows")
    raw = sqlite3.connect(kiosk_home / "kiosk.sqlite3")
    try:
        notes = raw.execute("SELECT DISTINCT test_note FROM applications").fetchall()
    finally:
        raw.close()
    assert notes == [("migrated",)]
    assert _one_key_in_use(kiosk_home) == key


def test_power_cut_inside_a_shipped_migration_of_an_old_database(kiosk_home: Path) -> None:
    """A terminal updated in the field: its first-schema database is cut mid-``0002_drafts``."""
    data = DataDir(kiosk_home).ensure()
    raw = sqlite3.connect(data.database, isolation_level=None)
    MIGRATIONS.apply(Database(raw), stop_before="0002_drafts")
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("INSERT INTO meta(key, value) VALUES ('local_seq', '41')")
    raw.close()

    killed_at(kiosk_home, "wrap", "0002_drafts", expect="migrating")

    raw = sqlite3.connect(data.database)
    try:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        raw.close()
    assert "drafts" not in tables  # rolled back whole

    core = KioskCore.open(data)
    try:
        assert MIGRATIONS.pending(Database(core.store.conn.raw)) == []
        assert core.store.get_meta("local_seq") == "41"
    finally:
        core.close()
    _one_key_in_use(kiosk_home)
    file_applications(kiosk_home, 1)
