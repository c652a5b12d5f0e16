"""Issue 11 item 6: enrolment codes expire and guessing them is throttled and logged."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import httpx

from central.db import CentralDB
from sync.protocol import EnrolRequest


def _try(url: str, code: str, source: str = "127.0.0.1") -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport) as http:
        body = EnrolRequest(code=code, region_code="330102", station_name="站").model_dump_json()
        return http.post(url + "/v1/enrol", content=body)


def test_expired_enrolment_code_is_refused(start_platform):
    platform = start_platform()
    code = platform.db.new_enrol_code(valid_hours=1)
    platform.clock.offset = 3601.0
    r = _try(platform.url, code)
    assert r.status_code == 403 and r.json()["error"] == "bad_enrolment_code"
    fresh = platform.db.new_enrol_code()  # 72 h by default
    platform.clock.offset += 71 * 3600
    assert _try(platform.url, fresh).status_code == 200


def test_failed_enrolment_attempts_are_throttled_per_source(start_platform):
    platform = start_platform(enrol_failures_per_source=3, enrol_failures_total=100)
    good = platform.db.new_enrol_code()
    for _ in range(3):
        assert _try(platform.url, "AAAA-BBBB-CCCC").status_code == 403
    blocked = _try(platform.url, good)  # even the right code, from this source, now
    assert blocked.status_code == 429 and blocked.json()["error"] == "too_many_attempts"
    assert 1 <= int(blocked.headers["retry-after"]) <= 600
    assert _try(platform.url, good, source="127.0.0.2").status_code == 200  # others may


def test_failed_enrolment_attempts_are_throttled_in_total(start_platform):
    platform = start_platform(enrol_failures_per_source=100, enrol_failures_total=4)
    good = platform.db.new_enrol_code()
    for source in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"):
        assert _try(platform.url, "AAAA-BBBB-CCCC", source).status_code == 403
    r = _try(platform.url, good, "127.0.0.6")  # a distributed guesser stops everyone
    assert r.status_code == 429


def test_failed_enrolment_attempts_are_logged_without_the_code(start_platform, caplog):
    platform = start_platform()
    caplog.set_level(logging.WARNING, logger="central.server")
    _try(platform.url, "GUESS-1234-ABCD")
    lines = [r.getMessage() for r in caplog.records if r.name == "central.server"]
    assert any("enrolment code refused from 127.0.0.1" in line for line in lines)
    assert not any("GUESS" in line for line in lines)


def test_enrol_code_valid_hours_option(tmp_path: Path):
    db_path = tmp_path / "central.sqlite3"
    kiosk = [sys.executable, "-m", "app.cli"]
    out = subprocess.run(
        [*kiosk, "central", "enrol-code", "--db", str(db_path), "--valid-hours", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    code = out.stdout.strip()
    db = CentralDB(db_path)
    try:
        rows = db.query(
            "SELECT expires_at - created_at FROM enrol_codes WHERE code = ?",
            (db.enrol_code_key(code),),
        )
    finally:
        db.close()
    assert rows and abs(float(rows[0][0]) - 7200) < 1
    bad = subprocess.run(
        [*kiosk, "central", "enrol-code", "--db", str(db_path), "--valid-hours", "0"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "hours" in bad.stderr
    assert "Traceback" not in bad.stderr
