"""Fixtures of the staff and technician tests (the suite-wide log scan is in tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from staffhelpers import STAFF_NAME, MovableClock, ReferencePlatform

from app.logs import LogSetup
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.staff import LockoutPolicy, ScryptParams, StaffSession
from kiosk.usecases.staff_auth import AuthConfig

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

FAST_AUTH = AuthConfig(lockout=LockoutPolicy(), scrypt=ScryptParams(n=2**10, r=8, p=1))


@pytest.fixture
def session_logs(logs_without_personal_data: LogSetup) -> LogSetup:
    """The suite's logging; tests register a session's personal values on ``.known``."""
    return logs_without_personal_data


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def core(tmp_path: Path, clock: MovableClock) -> Iterator[KioskCore]:
    opened = KioskCore.open(DataDir(tmp_path / "home"), clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def auth() -> AuthConfig:
    return FAST_AUTH


@pytest.fixture
def staff_session(core: KioskCore, auth: AuthConfig) -> StaffSession:
    from kiosk.staff import Role
    from kiosk.usecases import staff_auth

    staff_auth.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    return staff_auth.sign_in_with_pin(core, "1001", "246810", config=auth)


@pytest.fixture
def reference_platform(tmp_path: Path, core: KioskCore) -> Iterator[ReferencePlatform]:
    import time

    from central.db import CentralDB
    from central.server import RunningPlatform
    from sync.client import Credentials, PlatformClient, enrol
    from sync.engine import EngineOptions, SyncEngine
    from sync.protocol import EnrolRequest
    from sync.signing import decode_secret

    db = CentralDB(tmp_path / "central.sqlite3", clock=time.time)
    running = RunningPlatform(db, time.time)
    code = db.new_enrol_code("330102001000")
    answer = enrol(
        running.url, EnrolRequest(code=code, region_code="330102001000", station_name="测试站")
    )
    from kiosk.usecases.enrolment import adopt_terminal_code

    adopt_terminal_code(core.store, answer.terminal_code)  # as provisioning does
    client = PlatformClient(
        running.url, Credentials(answer.terminal_id, decode_secret(answer.secret))
    )
    engine = SyncEngine(
        core.store, client, core.settings.sync, options=EngineOptions(chunk_bytes=16 * 1024)
    )
    try:
        yield ReferencePlatform(db, running.url, engine)
    finally:
        engine.stop()
        client.close()
        running.stop()


@pytest.fixture
def pdf_printer(tmp_path: Path, core: KioskCore) -> Iterator[Any]:
    """The resident UI's printer bridge on a PDF-file printer (a real printer adapter, no device)."""
    from devices.printers.factory import open_printer
    from ui.devices import PrinterBridge

    bridge = PrinterBridge(
        open_printer(f"pdf:{tmp_path / 'printed.pdf'}"), core, watch_interval_s=0
    )
    yield bridge
    bridge.close()
