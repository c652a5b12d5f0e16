"""Issue 10 item 6: ``kiosk doctor`` never crashes; every probe that fails is a red check with
its reason. And the fault-matrix rows of a broken database file: a corrupt page, a
zero-length database, a read-only database, the WAL file deleted after an unclean stop.

Each case runs the real ``kiosk doctor --json`` (exit 1, valid JSON, no traceback) and, where
the terminal must refuse, a normal command (one line, exit 1).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kiosk.core import KioskCore
from kiosk.paths import DataDir
from tests.faults.faulthelpers import file_applications, kiosk
from tests.faults.test_disk_full_is_not_called_corruption import small_filesystem
from tests.faults.test_power_cut_during_key_creation_and_migration import killed_at


def doctor(home: Path) -> dict[str, dict[str, Any]]:
    """``kiosk doctor --json --skip-devices``: exits 1 with a valid report; checks by key."""
    result = kiosk("doctor", "--json", "--skip-devices", home=home)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    report = json.loads(result.stdout)
    assert report["status"] == "failed"
    return {check["key"]: check for check in report["checks"]}


def refused_in_one_line(home: Path, *needles: str) -> str:
    result = kiosk("queue", home=home)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def populated(kiosk_home: Path) -> Path:
    file_applications(kiosk_home, 30)
    return kiosk_home


def _page_size_and_count(database: Path) -> tuple[int, int]:
    raw = sqlite3.connect(database)
    try:
        return (
            raw.execute("PRAGMA page_size").fetchone()[0],
            raw.execute("PRAGMA page_count").fetchone()[0],
        )
    finally:
        raw.close()


def _overwrite_page(database: Path, page: int, page_size: int) -> None:
    with database.open("r+b") as db:
        db.seek((page - 1) * page_size)
        db.write(bytes([0xA5]) * page_size)


def _migrations_root_page(database: Path) -> int:
    raw = sqlite3.connect(database)
    try:
        row = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = '_sqlite_migrations'"
        ).fetchone()
        return int(row[0])
    finally:
        raw.close()


def test_doctor_reports_a_corrupt_page_in_the_middle(populated: Path) -> None:
    database = populated / "kiosk.sqlite3"
    page_size, pages = _page_size_and_count(database)
    _overwrite_page(database, pages // 2, page_size)
    checks = doctor(populated)
    assert checks["database"]["status"] == "failed", checks["database"]
    assert checks["database"]["data"]["problem"] == "corrupt"
    assert "完整性检查未通过" in checks["database"]["detail"]
    assert "备份恢复" in checks["database"]["action"]  # here, and only here, a restore is right


def test_doctor_reports_a_corrupt_page_that_migrations_read(populated: Path) -> None:
    """The page the migrations read at every start: this used to crash the doctor."""
    database = populated / "kiosk.sqlite3"
    page_size, _pages = _page_size_and_count(database)
    _overwrite_page(database, _migrations_root_page(database), page_size)
    checks = doctor(populated)
    database_check = checks["database"]
    assert database_check["status"] == "failed", database_check
    assert database_check["data"]["problem"] == "corrupt"
    assert "损坏" in database_check["detail"]
    # The probes that need the store fail with their reason instead of crashing the report.
    assert checks["queue"]["status"] == "failed"
    assert "数据库损坏" in checks["queue"]["detail"]
    refused_in_one_line(populated, "damaged")


def test_doctor_reports_a_zero_length_database_and_nothing_is_created(populated: Path) -> None:
    database = populated / "kiosk.sqlite3"
    database.write_bytes(b"")
    checks = doctor(populated)
    assert checks["database"]["status"] == "failed"
    assert checks["database"]["data"]["problem"] == "missing"
    assert "0 字节" in checks["database"]["detail"]
    assert checks["data_key"]["status"] == "ok"  # the key is fine: restore both together
    refused_in_one_line(populated, "zero-length", "restore")
    assert database.stat().st_size == 0  # no fresh database over the lost one (numbers reused)


@contextmanager
def read_only(home: Path) -> Iterator[None]:
    """Make the data directory read-only: a read-only remount as root, permissions otherwise."""
    if os.geteuid() == 0:  # root writes through chmod: only a read-only mount stops it
        subprocess.run(["mount", "-o", "remount,ro", str(home.parent)], check=True)
        try:
            yield
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(home.parent)], check=True)
    else:
        paths = [home, *home.rglob("*")]
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path in paths:
                path.chmod(0o700 if path.is_dir() else 0o600)


def test_doctor_reports_a_read_only_database(tmp_path: Path) -> None:
    with small_filesystem(tmp_path / "fs", 64 * 1024**2) as fs:
        home = fs / "kiosk-home"
        file_applications(home, 3)
        with read_only(home):
            checks = doctor(home)
            database = checks["database"]
            assert database["status"] == "failed", database
            assert database["data"]["problem"] == "read_only"
            assert "只读" in database["detail"] and "不要从备份恢复" in database["action"]
            refused_in_one_line(home, "read-only", "do not restore")


def test_doctor_names_a_wal_file_deleted_after_an_unclean_stop(kiosk_home: Path) -> None:
    KioskCore.open(DataDir(kiosk_home)).close()
    lines = killed_at(kiosk_home, "file", "6", expect="idle")  # committed, then killed
    filed = [line.split()[1] for line in lines]
    assert len(filed) == 6
    wal = kiosk_home / "kiosk.sqlite3-wal"
    assert wal.exists()
    wal.unlink()

    checks = doctor(kiosk_home)  # exit 1: the terminal is not enrolled (network check)
    database = checks["database"]
    assert database["status"] == "warning", database
    assert database["data"] == {"integrity": "ok", "problem": "wal_missing"}
    assert "kiosk.sqlite3-wal" in database["detail"]

    # Nothing committed is lost: every filed application is still there, readable.
    core = KioskCore.open(DataDir(kiosk_home))
    try:
        numbers = {a.number for a in core.store.applications(limit=1000)}
        assert set(filed) <= numbers
    finally:
        core.close()
