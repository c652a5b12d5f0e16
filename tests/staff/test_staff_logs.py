"""Logs are JSON lines, rotated, and never hold an ID number, a phone number or a known name."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import sys
from pathlib import Path

import pytest
from staffhelpers import RESIDENT, STAFF_NAME, UNREDACTED_FIXTURE

from app.commands import logs_cmd
from app.logs import (
    KnownValues,
    LogSetup,
    contains_personal_data,
    export_logs,
    log_files,
    redact,
    setup_logging,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证110101195001011239已读", "身份证[ID]已读"),
        ("id=11010119500101123X.", "id=[ID]."),
        ("old card 110101500101123 ok", "old card [ID] ok"),
        ("call 13800138000", "call [PHONE]"),
        ("call +86 138-0013-8000", "call [PHONE]"),
        ("office 0571-87654321", "office [PHONE]"),
        ("mail wang@example.com", "mail [EMAIL]"),
        ("application 330102-261123-0007-5 queued", "application 330102-261123-0007-5 queued"),
        ("uuid 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "uuid 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        ("took 1732334400123 ms", "took 1732334400123 ms"),
    ],
)
def test_redact_patterns(text, expected):
    assert redact(text) == expected


def test_known_values_are_redacted():
    known = KnownValues()
    known.add(RESIDENT.name, RESIDENT.address, None, "x")
    assert (
        redact(f"{RESIDENT.name}住在{RESIDENT.address}", known.snapshot())
        == "[PERSONAL]住在[PERSONAL]"
    )
    known.clear()
    assert known.snapshot() == []


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_part_of_a_record_is_redacted(tmp_path: Path, session_logs: LogSetup):
    # As the resident UI does when a card is read: the session's values become known.
    session_logs.known.add(RESIDENT.name, STAFF_NAME)
    installed = setup_logging(tmp_path / "logs", stderr_level=None, known=session_logs.known)
    try:
        log = logging.getLogger("kiosk.test.redaction")
        log.info("read card of %s, id %s", RESIDENT.name, RESIDENT.id_number)
        log.warning("sms to", extra={"phone": RESIDENT.phone, "nested": {"id": RESIDENT.id_number}})
        try:
            raise ValueError(f"bad id {RESIDENT.id_number} for {STAFF_NAME}")
        except ValueError:
            log.exception("failed")
    finally:
        installed.close()
        session_logs.known.clear()
    text = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert RESIDENT.id_number not in text
    assert RESIDENT.phone not in text
    assert RESIDENT.name not in text
    entries = _lines(tmp_path / "logs" / "kiosk.log")
    assert entries[0]["message"] == "read card of [PERSONAL], id [ID]"
    assert entries[0]["level"] == "INFO" and entries[0]["logger"] == "kiosk.test.redaction"
    assert entries[1]["phone"] == "[PHONE]" and entries[1]["nested"] == {"id": "[ID]"}
    assert "bad id [ID]" in entries[2]["exception"]
    assert (tmp_path / "logs").stat().st_mode & 0o077 == 0


def test_logs_rotate_by_size(tmp_path: Path):
    installed = setup_logging(tmp_path / "logs", stderr_level=None, max_bytes=2000, backup_count=3)
    try:
        log = logging.getLogger("kiosk.test.rotation")
        for n in range(200):
            log.info("sync round %d finished", n)
    finally:
        installed.close()
    files = log_files(tmp_path / "logs")
    assert [f.name for f in files] == ["kiosk.log.3", "kiosk.log.2", "kiosk.log.1", "kiosk.log"]
    assert all(f.stat().st_size <= 2000 for f in files)
    assert _lines(files[-1])[-1]["message"] == "sync round 199 finished"


def test_export_redacts_again_and_survives_a_torn_line(tmp_path: Path):
    logs = tmp_path / UNREDACTED_FIXTURE
    logs.mkdir()
    (logs / "kiosk.log.1").write_text(
        json.dumps({"message": f"old line {RESIDENT.phone}"}) + "\n", encoding="utf-8"
    )
    (logs / "kiosk.log").write_text(
        json.dumps({"message": "ok"}) + "\n" + '{"message": "torn ' + RESIDENT.id_number,
        encoding="utf-8",
    )
    usb = tmp_path / "usb"
    usb.mkdir()
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    out = export_logs(logs, usb, terminal_code="330102", now=now)
    assert out.name == "kiosk-logs-330102-20261123T120000Z.jsonl"
    entries = _lines(out)
    assert entries == [
        {"message": "old line [PHONE]"},
        {"message": "ok"},
        {"raw": '{"message": "torn [ID]'},
    ]
    assert not contains_personal_data(out.read_text(encoding="utf-8"))
    with pytest.raises(FileNotFoundError):
        export_logs(logs, tmp_path / "missing", terminal_code="330102", now=now)


def test_logs_export_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    home = tmp_path / "home"
    installed = setup_logging(home / "logs", stderr_level=None)
    try:
        logging.getLogger("kiosk.test.export").info("printer ready")
    finally:
        installed.close()
    monkeypatch.setenv("KIOSK_HOME", str(home))
    usb = tmp_path / "usb"
    usb.mkdir()
    parser = argparse.ArgumentParser()
    logs_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["logs", "export", str(usb)])
    assert args.handler(args) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.parent == usb
    assert _lines(written)[0]["message"] == "printer ready"
    args = parser.parse_args(["logs", "export", str(tmp_path / "nope")])
    assert args.handler(args) == 1


def test_session_logging_is_installed(session_logs: LogSetup):
    logging.getLogger("kiosk.test.session").info("session log check for %s", RESIDENT.id_number)
    text = session_logs.path.read_text(encoding="utf-8")
    assert "session log check for [ID]" in text
    assert sys.stdin is not None and io is not None


def test_the_log_scanner_finds_what_it_must(tmp_path: Path):
    from staffhelpers import scan_for_personal_data

    # Everything here lives under the excluded folder, or the suite's own scan would fail.
    base = tmp_path / UNREDACTED_FIXTURE
    (base / "a" / "logs").mkdir(parents=True)
    (base / "a" / "logs" / "kiosk.log.2").write_text(
        '{"message": "ok"}\n{"message": "resident ' + RESIDENT.name + '"}\n', encoding="utf-8"
    )
    (base / "a" / "logs" / "other.txt").write_text(RESIDENT.phone, encoding="utf-8")
    (base / "a" / UNREDACTED_FIXTURE).mkdir()
    (base / "a" / UNREDACTED_FIXTURE / "kiosk.log").write_text(RESIDENT.phone, encoding="utf-8")
    assert scan_for_personal_data(base / "a") == ["logs/kiosk.log.2:2"]
