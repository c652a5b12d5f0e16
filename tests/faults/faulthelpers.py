"""Helpers of the fault matrix: the real CLI as a subprocess, a served platform, a provisioned
terminal, and the ways a hostile tester damages a terminal's data."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.sync.synchelpers import wait_until

REPO = Path(__file__).resolve().parents[2]


def kiosk(
    *args: str, home: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real ``kiosk`` command line; never raises for a non-zero exit."""
    env = dict(os.environ)
    if home is not None:
        env["KIOSK_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def kiosk_json(*args: str, home: Path | None = None) -> tuple[int, Any]:
    result = kiosk(*args, "--json", home=home)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


@dataclass
class ServedPlatform:
    url: str
    db: str | Path
    """What ``--db`` takes: a SQLite file or a PostgreSQL URL (its key file is then in
    ``$KIOSK_CENTRAL_KEY_FILE``, see ``tests/sync/conftest.py`` ``platform_database``)."""
    pid: int = 0
    """The ``kiosk central serve`` process."""


@dataclass
class ProvisionedTerminal:
    home: Path
    terminal_id: str
    code: str
    platform: ServedPlatform


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve_platform(db: str | Path, *, workers: int = 1) -> Iterator[ServedPlatform]:
    """``kiosk central serve`` on a free port: SQLite file or PostgreSQL URL, N workers."""
    port = _free_port()
    argv = ["central", "serve", "--port", str(port), "--db", str(db), "--workers", str(workers)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", *argv],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url + "/v1/statuses").status_code == 401
        except httpx.HTTPError:
            assert proc.poll() is None, "kiosk central serve exited"
            return False

    try:
        wait_until(up, timeout=60, what="kiosk central serve")
        yield ServedPlatform(url, db, proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)


def provision(platform: ServedPlatform, home: Path) -> ProvisionedTerminal:
    code = kiosk("central", "enrol-code", "--db", str(platform.db), "--region", "330102001")
    assert code.returncode == 0, code.stderr
    result = kiosk(
        "provision",
        "--platform",
        platform.url,
        "--code",
        code.stdout.strip(),
        "--region",
        "330102001",
        "--station",
        "测试村便民服务站",
        home=home,
    )
    assert result.returncode == 0, result.stderr
    toml = (home / "terminal.toml").read_text()
    values = dict(
        line.split("=", 1) for line in toml.splitlines() if "=" in line and not line.startswith("[")
    )
    clean = {k.strip(): v.strip().strip('"') for k, v in values.items()}
    return ProvisionedTerminal(home, clean["terminal_id"], clean["code"], platform)


def file_applications(home: Path, count: int) -> list[str]:
    """File ``count`` self-service applications through the core use case; their ids."""
    from kiosk.core import KioskCore
    from kiosk.paths import DataDir
    from kiosk.usecases.submit import submit_application
    from tests.staff.staffhelpers import RESIDENT, SIMPLE_ITEM, answers_for

    core = KioskCore.open(DataDir(home))
    try:
        item = core.store.item(SIMPLE_ITEM)
        assert item is not None
        return [
            submit_application(core, item.code, RESIDENT, answers_for(item)).id
            for _ in range(count)
        ]
    finally:
        core.close()


def flip_bit_in_personal_blob(home: Path, application_id: str) -> None:
    """A hostile tester (or a failing disk) flips one bit of one row's encrypted personal data."""
    raw = sqlite3.connect(home / "kiosk.sqlite3")
    try:
        blob = raw.execute(
            "SELECT personal FROM applications WHERE id = ?", (application_id,)
        ).fetchone()[0]
        damaged = blob[:20] + bytes([blob[20] ^ 0x01]) + blob[21:]
        raw.execute("UPDATE applications SET personal = ? WHERE id = ?", (damaged, application_id))
        raw.commit()
    finally:
        raw.close()


def platform_applications(platform: ServedPlatform) -> list[dict[str, Any]]:
    result = kiosk("central", "applications", "--db", str(platform.db), "--json")
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def doctor_check(home: Path, key: str) -> tuple[int, dict[str, Any]]:
    """``kiosk doctor --json --skip-devices``: its exit status and one check."""
    code, report = kiosk_json("doctor", "--skip-devices", home=home)
    check = next(c for c in report["checks"] if c["key"] == key)
    return code, check
