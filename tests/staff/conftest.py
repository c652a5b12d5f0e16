"""Fixtures of the staff and technician tests, and the suite-wide check that logs hold no personal data.

``_logs_without_personal_data`` installs the kiosk's real logging (JSON lines,
redaction) for the whole session into the session's temporary directory. When
the session ends it scans every kiosk log written under pytest's base temporary
directory (its own, and any test's ``$KIOSK_HOME/logs``) for ID numbers, phone
numbers and the personal values of the test data; finding one fails the run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from staffdata import PERSONAL_VALUES, MovableClock

from app.logs import LogSetup, contains_personal_data, setup_logging
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.staff import LockoutPolicy, ScryptParams
from kiosk.usecases.staff_auth import AuthConfig

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Tests that need a deliberately unredacted log as input put it under a folder of this name.
UNREDACTED_FIXTURE = "unredacted-fixture"

FAST_AUTH = AuthConfig(lockout=LockoutPolicy(), scrypt=ScryptParams(n=2**10, r=8, p=1))


def _kiosk_logs(base: Path) -> list[Path]:
    return sorted(
        p
        for p in base.rglob("*")
        if p.is_file()
        and (p.name.startswith("kiosk.log") or p.name.startswith("kiosk-logs-"))
        and UNREDACTED_FIXTURE not in p.relative_to(base).parts
    )


def scan_for_personal_data(base: Path) -> list[str]:
    """``file:line`` of every kiosk log line under ``base`` that holds personal data."""
    offending = []
    for path in _kiosk_logs(base):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if contains_personal_data(line, PERSONAL_VALUES):
                offending.append(f"{path.relative_to(base)}:{number}")
    return offending


@pytest.fixture(scope="session", autouse=True)
def _logs_without_personal_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LogSetup]:
    logs = tmp_path_factory.mktemp("session-logs")
    installed = setup_logging(logs, level=logging.DEBUG, stderr_level=None)
    yield installed
    installed.close()
    offending = scan_for_personal_data(tmp_path_factory.getbasetemp())
    assert not offending, f"personal data in logs: {offending[:10]}"


@pytest.fixture
def session_logs(_logs_without_personal_data: LogSetup) -> LogSetup:
    """The suite's logging; tests register a session's personal values on ``.known``."""
    return _logs_without_personal_data


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
