"""Enrolment has one home, ``sync.provisioning`` (issue 14.2).

``kiosk provision`` (a subprocess of the real command: its exit statuses are the
contract) and the wizard (``tests/staff/test_technician_ui.py``) both call
``enrol_terminal``; the region code has one pattern and the kiosk one version.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from central.db import CentralDB
from central.server import RunningPlatform
from kiosk.paths import DataDir
from kiosk.settings import Settings, SettingsError, TerminalSettings, is_region_code
from kiosk.version import kiosk_version
from sync.protocol import EnrolRequest
from sync.provisioning import (
    EnrolmentRefused,
    InsecureURL,
    InvalidEnrolmentRequest,
    PlatformUnreachable,
    ProvisionRequest,
    check_request,
    enrol_terminal,
)
from sync.wire import ValidationError as PydanticError

REPO = Path(__file__).resolve().parents[2]
REGION = "330102001000"


def _kiosk(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *argv],
        cwd=REPO,
        env={**os.environ, "KIOSK_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def platform(tmp_path: Path):
    db = CentralDB(tmp_path / "central.sqlite3", clock=time.time)
    running = RunningPlatform(db, time.time)
    try:
        yield running
    finally:
        running.stop()


def _provision(home: Path, url: str, code: str, *extra: str, region: str = REGION):
    return _kiosk(
        home,
        "provision",
        "--platform",
        url,
        "--code",
        code,
        "--region",
        region,
        "--station",
        "石马村便民服务站",
        *extra,
    )


def test_kiosk_provision_maps_each_typed_enrolment_error_to_its_exit_status(platform, tmp_path):
    home = tmp_path / "home"
    refused = _provision(home, platform.url, "WRONG-CODE-1")
    assert refused.returncode == 1, refused.stderr
    assert "enrolment refused" in refused.stderr
    down = _provision(home, f"http://127.0.0.1:{_closed_port()}", "WHATEVER-1")
    assert down.returncode == 2, down.stderr
    assert "platform unreachable" in down.stderr
    bad_region = _provision(home, platform.url, "WHATEVER-1", region="33010")
    assert bad_region.returncode == 3 and "region code" in bad_region.stderr
    # plain http to another machine: refused before any traffic (TEST-NET-1 is never contacted)
    insecure = _provision(home, "http://192.0.2.1:8080", "WHATEVER-1")
    assert insecure.returncode == 3 and "--insecure" in insecure.stderr
    assert not (home / "terminal.toml").exists()  # nothing written by any failure
    code = platform.db.new_enrol_code(REGION)
    done = _provision(home, platform.url, code)
    assert done.returncode == 0, done.stderr
    assert "enrolled as terminal" in done.stdout and "renumbered under code" in done.stdout
    settings = tomllib.loads((home / "terminal.toml").read_text(encoding="utf-8"))
    assert settings["platform"]["url"] == platform.url
    assert settings["terminal"]["station_name"] == "石马村便民服务站"
    assert (home / "platform.secret").stat().st_mode & 0o777 == 0o600


def test_enrolment_reports_the_one_kiosk_version(platform, tmp_path):
    code = platform.db.new_enrol_code(REGION)
    data = DataDir(tmp_path / "home").ensure()
    result = enrol_terminal(data, ProvisionRequest(platform.url, code, REGION, "测试站"))
    with contextlib.closing(sqlite3.connect(tmp_path / "central.sqlite3")) as db:
        row = db.execute(
            "SELECT kiosk_version FROM terminals WHERE terminal_id = ?", (result.terminal_id,)
        ).fetchone()
    assert row[0] == kiosk_version() != ""
    from app.probes import software_version

    assert software_version() == kiosk_version()


def test_enrolment_errors_are_typed_with_chinese_messages_for_the_wizard(platform, tmp_path):
    data = DataDir(tmp_path / "home").ensure()
    with pytest.raises(EnrolmentRefused) as refused:
        enrol_terminal(data, ProvisionRequest(platform.url, "WRONG-CODE-1", REGION, "站"))
    assert "注册码无效" in str(refused.value)
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(PlatformUnreachable) as down:
        enrol_terminal(data, ProvisionRequest(url, "WHATEVER-1", REGION, "站"))
    assert "无法连接平台" in str(down.value)
    with pytest.raises(InsecureURL):
        check_request(ProvisionRequest("http://10.1.2.3", "C", REGION, "站"))
    assert check_request(
        ProvisionRequest("http://10.1.2.3/", " C ", REGION, " 站 ", insecure=True)
    ) == ProvisionRequest("http://10.1.2.3", "C", REGION, "站", insecure=True)
    for loopback in ("http://localhost:8080", "http://127.0.0.1", "http://[::1]:9"):
        check_request(ProvisionRequest(loopback, "C", REGION, "站"))
    with pytest.raises(InvalidEnrolmentRequest) as ftp:
        check_request(ProvisionRequest("ftp://nope", "C", REGION, "站"))
    assert "https://" in str(ftp.value)


@pytest.mark.parametrize(
    "code",
    ["330102", "330102001", "330102001000", "33010", "3301020010", "33010200100a", " 330102", ""],
)
def test_one_region_code_pattern_for_settings_enrolment_and_the_wire(code):
    expected = is_region_code(code)
    assert expected == (len(code) in (6, 9, 12) and code.isdigit())
    try:
        TerminalSettings(region_code=code)
        settings_ok = True
    except SettingsError:
        settings_ok = False
    try:
        EnrolRequest(code="ABCDEF", region_code=code, station_name="站")
        wire_ok = True
    except PydanticError:
        wire_ok = False
    try:
        check_request(ProvisionRequest("https://p.example", "C", code, "站"))
        request_ok = True
    except InvalidEnrolmentRequest:
        request_ok = False
    # A leading space is trimmed from a typed request (a hand-typed field), never from settings.
    assert settings_ok == wire_ok == expected
    assert request_ok == is_region_code(code.strip())
    assert Settings().terminal.region_code == REGION
