"""``kiosk doctor``: every check ok, then each check failing in turn, then the real probes."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from staffhelpers import RESIDENT, SIMPLE_ITEM, START, answers_for

from app import probes as app_probes
from app.commands import doctor as doctor_cmd
from kiosk.application import Channel
from kiosk.core import KioskCore
from kiosk.diagnostics import (
    CheckKey,
    CheckStatus,
    ClockFact,
    DatabaseFact,
    DeviceFact,
    DiskFact,
    NetworkFact,
    Probes,
    QueueFact,
    SyncFact,
    VersionFact,
    diagnose,
)
from kiosk.paths import DataDir
from kiosk.sync_health import ConnectionState, SyncHealth
from kiosk.usecases.submit import submit_application

NOW = START
HOUR = dt.timedelta(hours=1)

HEALTHY = {
    "card_reader": DeviceFact(True, "sam:sim", "no_card", True, False, "读卡器正常"),
    "receipt_printer": DeviceFact(True, "escpos:sim", "ready", True, False, "打印机正常"),
    "a4_printer": DeviceFact(True, "pdf:/tmp/x.pdf", "ready", True, False, ""),
    "network": NetworkFact(True, True),
    "sync": SyncFact(True, NOW - dt.timedelta(minutes=5)),
    "queue": QueueFact(0, None, 0),
    "disk": DiskFact(20 * 1024**3, 64 * 1024**3),
    "database": DatabaseFact(True),
    "clock": ClockFact(1.5),
    "versions": VersionFact("0.1.0", 34, "17"),
}

FAILING = {
    CheckKey.CARD_READER: (
        "card_reader",
        DeviceFact(True, "sam:/dev/ttyUSB0", "disconnected", False),
    ),
    CheckKey.RECEIPT_PRINTER: (
        "receipt_printer",
        DeviceFact(True, "escpos:sim", "no_paper", False, False, "打印机缺纸"),
    ),
    CheckKey.NETWORK: ("network", NetworkFact(False)),
    CheckKey.LAST_SYNC: ("sync", SyncFact(True, NOW - dt.timedelta(days=4))),
    CheckKey.QUEUE: ("queue", QueueFact(12, NOW - dt.timedelta(days=2), 0)),
    CheckKey.DISK: ("disk", DiskFact(50 * 1024**2, 64 * 1024**3)),
    CheckKey.DATABASE: ("database", DatabaseFact(False, "*** in database main ***")),
    CheckKey.CLOCK: ("clock", ClockFact(-3600.0)),
    CheckKey.VERSIONS: ("versions", VersionFact("0.1.0", 0, "")),
}

WARNING = {
    CheckKey.RECEIPT_PRINTER: (
        "receipt_printer",
        DeviceFact(True, "escpos:sim", "paper_near_end", True, True, "打印纸即将用完"),
    ),
    CheckKey.A4_PRINTER: ("a4_printer", DeviceFact(True, "cups:a4", "offline", False)),
    CheckKey.NETWORK: ("network", NetworkFact(True, False, "连接超时")),
    CheckKey.LAST_SYNC: ("sync", SyncFact(True, NOW - 7 * HOUR)),
    CheckKey.QUEUE: ("queue", QueueFact(3, NOW - 2 * HOUR, 0)),
    CheckKey.DISK: ("disk", DiskFact(500 * 1024**2, 64 * 1024**3)),
    CheckKey.CLOCK: ("clock", ClockFact(90.0)),
    CheckKey.VERSIONS: ("versions", VersionFact("0.1.0", 34, "")),
}


def probes(**facts) -> Probes:
    values = {**HEALTHY, **facts}
    return Probes(**{name: (lambda v=value: v) for name, value in values.items()})


def test_all_ok():
    report = diagnose(probes(), NOW)
    assert report.status is CheckStatus.OK
    assert report.exit_code == 0
    assert [c.key.value for c in report.checks] == [
        "card_reader",
        "receipt_printer",
        "a4_printer",
        "network",
        "last_sync",
        "queue",
        "disk",
        "database",
        "clock",
        "versions",
    ]
    assert all(c.action == "" for c in report.checks)


@pytest.mark.parametrize("key", list(FAILING), ids=lambda k: k.value)
def test_each_check_failing_in_turn(key: CheckKey):
    probe, fact = FAILING[key]
    report = diagnose(probes(**{probe: fact}), NOW)
    assert report.exit_code == 1
    failed = [c for c in report.checks if c.status is not CheckStatus.OK]
    assert [c.key for c in failed] == [key]
    assert failed[0].status is CheckStatus.FAILED
    assert failed[0].detail and failed[0].action  # what is wrong, and what to do
    assert report.to_json()["status"] == "failed"


@pytest.mark.parametrize("key", list(WARNING), ids=lambda k: k.value)
def test_each_warning_in_turn(key: CheckKey):
    probe, fact = WARNING[key]
    report = diagnose(probes(**{probe: fact}), NOW)
    assert report.exit_code == 2
    flagged = [c for c in report.checks if c.status is not CheckStatus.OK]
    assert [(c.key, c.status) for c in flagged] == [(key, CheckStatus.WARNING)]
    assert flagged[0].action


def test_quarantined_items_warn_and_auth_pause_fails():
    report = diagnose(probes(queue=QueueFact(1, NOW - dt.timedelta(minutes=1), 1)), NOW)
    assert report.check(CheckKey.QUEUE).status is CheckStatus.WARNING
    assert "1 件申请发送受阻" in report.check(CheckKey.QUEUE).detail
    report = diagnose(probes(sync=SyncFact(True, NOW, auth_paused=True)), NOW)
    assert report.check(CheckKey.LAST_SYNC).status is CheckStatus.FAILED


def test_a_probe_that_raises_is_a_failed_check_and_the_others_still_run():
    def broken() -> DeviceFact:
        raise OSError("port vanished")

    report = diagnose(dataclasses.replace(probes(), card_reader=broken), NOW)
    reader = report.check(CheckKey.CARD_READER)
    assert reader.status is CheckStatus.FAILED
    assert reader.data == {"error": "OSError"}
    assert len(report.checks) == 10
    assert report.exit_code == 1


def test_no_a4_printer_means_no_a4_check():
    report = diagnose(probes(a4_printer=DeviceFact(configured=False)), NOW)
    assert CheckKey.A4_PRINTER not in [c.key for c in report.checks]


def test_json_shape():
    document = diagnose(probes(disk=DiskFact(50 * 1024**2, 1024**3)), NOW).to_json()
    assert set(document) == {"status", "checked_at", "checks"}
    assert document["checked_at"] == "2026-11-23T02:00:00+00:00"
    disk = next(c for c in document["checks"] if c["key"] == "disk")
    assert set(disk) == {"key", "status", "title", "detail", "action", "data"}
    assert disk["data"] == {"free_bytes": 50 * 1024**2, "total_bytes": 1024**3}
    json.dumps(document, ensure_ascii=False)


# -- the real probes on a real data directory -------------------------------------------------------


def test_real_probes_on_a_fresh_terminal(tmp_path: Path, clock):
    home = DataDir(tmp_path / "home")
    core = KioskCore.open(home, clock=clock)
    core.store.set_meta("sync:skew_s", "700.0")
    core.store.set_meta(
        "sync:last_exchange",
        json.dumps({"terminal_time": (NOW - HOUR).timestamp(), "server_time": 0}),
    )
    core.close()
    report = app_probes.run_doctor(home, test_devices=False, now=NOW)
    statuses = {c.key: c.status for c in report.checks}
    assert statuses[CheckKey.CARD_READER] is CheckStatus.WARNING  # not tested
    assert statuses[CheckKey.NETWORK] is CheckStatus.FAILED  # not provisioned
    assert statuses[CheckKey.DATABASE] is CheckStatus.OK
    assert statuses[CheckKey.CLOCK] is CheckStatus.FAILED
    assert statuses[CheckKey.VERSIONS] is CheckStatus.WARNING  # sample catalogue
    assert report.check(CheckKey.LAST_SYNC).data == {"last_success_at": None}
    assert report.check(CheckKey.DISK).data["free_bytes"] > 0


def test_real_queue_probe_sees_the_oldest_unsent_item(tmp_path: Path, clock, core: KioskCore):
    item = core.store.item(SIMPLE_ITEM)
    submit_application(
        core, item.code, RESIDENT, answers_for(item), channel=Channel.PAPER, staff_id="1001"
    )
    home = core.data
    core.close()
    report = app_probes.run_doctor(home, test_devices=False, now=NOW + dt.timedelta(hours=30))
    queue = report.check(CheckKey.QUEUE)
    assert queue.status is CheckStatus.FAILED
    assert queue.data["depth"] == 1
    assert queue.data["oldest_unsent_age_s"] == 30 * 3600


def test_a_damaged_database_is_reported_not_crashed_on(tmp_path: Path, clock):
    home = DataDir(tmp_path / "home")
    KioskCore.open(home, clock=clock).close()
    with home.database.open("r+b") as f:
        f.seek(100)
        f.write(b"\xff" * 4000)
    report = app_probes.run_doctor(home, test_devices=False, now=NOW)
    database = report.check(CheckKey.DATABASE)
    assert database.status is CheckStatus.FAILED
    assert "备份" in database.action
    assert report.exit_code == 1


def test_doctor_json_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, clock):
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "home"))
    KioskCore.open(DataDir(tmp_path / "home"), clock=clock).close()
    parser = argparse.ArgumentParser()
    doctor_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["doctor", "--json", "--skip-devices"])
    code = args.handler(args)
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["status"] == "failed"
    assert {c["key"] for c in document["checks"]} >= {"network", "queue", "database", "versions"}
    args = parser.parse_args(["doctor", "--skip-devices"])
    args.handler(args)
    assert "结论：故障" in capsys.readouterr().out


def test_in_app_report_uses_live_device_statuses_and_the_engine_status(core: KioskCore):
    health = SyncHealth(
        ConnectionState.ONLINE,
        round_at=NOW.timestamp(),
        last_success_at=(NOW - dt.timedelta(days=4)).timestamp(),
    )
    report = app_probes.in_app_report(
        core,
        reader_status=lambda: "no_card",
        printer_status=lambda: "no_paper",
        sync_health=lambda: health,
        skew_s=lambda: -900.0,
        now=NOW,
    )
    statuses = {c.key: c.status for c in report.checks}
    assert statuses[CheckKey.CARD_READER] is CheckStatus.OK
    assert statuses[CheckKey.RECEIPT_PRINTER] is CheckStatus.FAILED
    assert "缺纸" in report.check(CheckKey.RECEIPT_PRINTER).detail
    assert statuses[CheckKey.CLOCK] is CheckStatus.FAILED
    assert report.check(CheckKey.CLOCK).data["skew_s"] == -900.0
    assert statuses[CheckKey.DATABASE] is CheckStatus.OK
    unknown = app_probes.in_app_report(
        core, reader_status=lambda: None, printer_status=lambda: "paper_near_end", now=NOW
    )
    assert unknown.check(CheckKey.CARD_READER).status is CheckStatus.WARNING
    assert unknown.check(CheckKey.RECEIPT_PRINTER).status is CheckStatus.WARNING
