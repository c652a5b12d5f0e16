"""Fixtures shared by every test folder.

``logs_without_personal_data`` installs the kiosk's real logging (JSON lines,
redaction) for the whole session. When the session ends it scans every kiosk
log written under pytest's base temporary directory (its own, and any test's
``$KIOSK_HOME/logs``) for ID numbers, phone numbers and the personal values of
the test data; finding one fails the run.

Each test gets its own terminal data directory through ``KIOSK_HOME`` so no
test can see another's database, key or logs, and nothing is written to the
developer's real data directory.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.logs import LogSetup, setup_logging

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def kiosk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "kiosk-home"
    monkeypatch.setenv("KIOSK_HOME", str(home))
    yield home


@pytest.fixture(scope="session", autouse=True)
def logs_without_personal_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LogSetup]:
    from tests.staff.staffhelpers import scan_for_personal_data

    logs = tmp_path_factory.mktemp("session-logs")
    installed = setup_logging(logs, level=logging.DEBUG, stderr_level=None)
    yield installed
    installed.close()
    offending = scan_for_personal_data(tmp_path_factory.getbasetemp())
    assert not offending, f"personal data in logs: {offending[:10]}"


@pytest.fixture
def speechd_socket(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Where this test's speech-dispatcher (or its twin) listens; ``SPEECHD_ADDRESS`` points
    the kiosk's voice and ``kiosk doctor`` there. A short path of its own: a unix socket's
    path may not exceed 107 bytes, and pytest's ``tmp_path`` can."""
    folder = Path(tempfile.mkdtemp(prefix="ssip-"))
    path = folder / "speechd.sock"
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{path}")
    yield path
    shutil.rmtree(folder, ignore_errors=True)
