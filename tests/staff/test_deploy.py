"""The deployment files: the backup script makes a consistent, checked copy; units are sane."""

from __future__ import annotations

import configparser
import getpass
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from staffhelpers import RESIDENT, SIMPLE_ITEM, answers_for

from kiosk.application import Channel
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.usecases.submit import submit_application

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def test_kiosk_unit_restarts_always_with_a_watchdog_as_the_kiosk_user():
    unit = _unit("kiosk.service")
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert int(service["WatchdogSec"]) > 0 and service["NotifyAccess"] == "all"
    assert service["User"] == "kiosk"
    assert service["ExecStart"].startswith("/usr/bin/cage ")
    assert " -s " not in service["ExecStart"]  # no VT switching out of the kiosk
    assert service["Environment"]  # KIOSK_HOME and the Wayland platform
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert "/var/lib/kiosk" in service["ReadWritePaths"]


def test_data_directory_is_owner_only():
    lines = (DEPLOY / "tmpfiles.d" / "kiosk.conf").read_text(encoding="utf-8").splitlines()
    entries = [line.split() for line in lines if line and not line.startswith("#")]
    data = [e for e in entries if e[0] == "d" and e[1].startswith("/var/lib/kiosk")]
    assert data and all(e[2] == "0700" and e[3] == "kiosk" for e in data)


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command")
def test_backup_script_copies_database_key_and_settings(tmp_path: Path, clock):
    home = DataDir(tmp_path / "data")
    core = KioskCore.open(home, clock=clock)
    app = submit_application(
        core,
        SIMPLE_ITEM,
        RESIDENT,
        answers_for(core.store.item(SIMPLE_ITEM)),
        channel=Channel.PAPER,
        staff_id="1001",
    )
    core.close()
    (home.root / "terminal.toml").write_text("[terminal]\n", encoding="utf-8")
    env = {**os.environ, "KIOSK_USER": getpass.getuser()}
    result = subprocess.run(
        ["sh", str(DEPLOY / "kiosk-backup.sh"), str(home.root), str(tmp_path / "backups")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    backup = Path(result.stdout.strip().splitlines()[-1])
    assert {p.name for p in backup.iterdir()} == {"kiosk.sqlite3", "data.key", "terminal.toml"}
    assert backup.stat().st_mode & 0o077 == 0
    restored = DataDir(tmp_path / "restored")
    restored.ensure()
    for name in ("kiosk.sqlite3", "data.key"):
        shutil.copy2(backup / name, restored.root / name)
    with closing(sqlite3.connect(restored.database)) as db:
        assert db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 1
    reopened = KioskCore.open(restored, clock=clock)
    try:
        assert reopened.store.application(app.id).applicant.name == RESIDENT.name
    finally:
        reopened.close()


def test_watchdog_pings_systemd_from_the_gui_thread(qtbot, tmp_path: Path):
    import socket as socket_mod

    from ui.technician.watchdog import SystemdWatchdog, watchdog_interval_ms

    path = tmp_path / "notify.sock"
    with socket_mod.socket(socket_mod.AF_UNIX, socket_mod.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(5)
        dog = SystemdWatchdog({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "2000000"})
        assert dog.timer.interval() == 1000
        dog.start()
        assert server.recv(64) == b"READY=1"
        dog.ping()
        assert server.recv(64) == b"WATCHDOG=1"
        dog.stopping()
        assert server.recv(64) == b"STOPPING=1"
    assert watchdog_interval_ms({}) is None
    quiet = SystemdWatchdog({})
    quiet.start()
    assert not quiet.timer.isActive() and quiet.pings == 0
