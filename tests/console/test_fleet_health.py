"""Heartbeats on the platform: one status row, raw retention, hourly aggregates, events on
change (issue 12 item 1), and the alert rules the fleet page shows (item 3).

Storage tests run on SQLite and on a throwaway PostgreSQL (``both_engines``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from central.console.health import Severity, assess, newest_version
from central.db import HEARTBEAT_RAW_DAYS, HOURLY_KEEP_DAYS
from kiosk.settings import SyncSettings
from kiosk.usecases.enrolment import adopt_terminal_code
from sync.engine import EngineOptions, SyncEngine
from sync.protocol import Heartbeat
from tests.sync.conftest import both_engines
from tests.sync.synchelpers import Platform, open_store

pytest_generate_tests = both_engines


def _beat(**fields: Any) -> Heartbeat:
    base: dict[str, Any] = {
        "queue_depth": 0,
        "oldest_unsent_age_s": None,
        "free_disk_bytes": 20 * 1024**3,
        "terminal_time": 0.0,
        "device_health": {"printer": "ready", "card_reader": "no_card"},
        "kiosk_version": "0.1.0",
    }
    base.update(fields)
    return Heartbeat(**base)


def _status(platform: Platform, terminal_id: str) -> dict[str, Any]:
    rows = [r for r in platform.db.fleet() if r["terminal_id"] == terminal_id]
    assert len(rows) == 1
    return rows[0]


def test_heartbeat_keeps_one_status_row_and_writes_events_only_on_change(
    platform: Platform, client_for: Any
) -> None:
    client = client_for()
    terminal_id = client.credentials.terminal_id
    for depth in (3, 5, 4):
        client.heartbeat(_beat(queue_depth=depth, terminal_time=platform.clock() + 90))
    status = _status(platform, terminal_id)
    assert status["queue_depth"] == 4
    assert status["printer"] == "ready"
    assert 80 < status["clock_skew_s"] < 100  # computed by the platform from terminal_time
    assert platform.db.query(
        "SELECT COUNT(*) FROM terminal_status WHERE terminal_id = ?", (terminal_id,)
    ) == [(1,)]
    assert platform.db.terminal_events(terminal_id) == []  # nothing watched changed

    client.heartbeat(_beat(device_health={"printer": "no_paper", "card_reader": "no_card"}))
    client.heartbeat(_beat(device_health={"printer": "no_paper", "card_reader": "no_card"}))
    client.heartbeat(_beat(kiosk_version="0.2.0", device_health={"printer": "no_paper"}))
    changes = [(e["field"], e["old"], e["new"]) for e in platform.db.terminal_events(terminal_id)]
    assert sorted(changes) == [
        ("card_reader", "no_card", ""),
        ("kiosk_version", "0.1.0", "0.2.0"),
        ("printer", "ready", "no_paper"),
    ]
    hours = platform.db.heartbeat_hours(terminal_id, platform.clock() - 3600)
    assert sum(beats for _h, beats, _m, _a in hours) == 6
    assert max(qmax for _h, _b, qmax, _a in hours) == 5


def test_raw_heartbeats_are_purged_after_retention_and_hourly_aggregates_stay(
    platform: Platform, client_for: Any
) -> None:
    client = client_for(clock=platform.clock)  # the kiosk's clock moves with the platform's
    terminal_id = client.credentials.terminal_id
    client.heartbeat(_beat(queue_depth=7))
    platform.clock.offset += (HEARTBEAT_RAW_DAYS + 1) * 86400
    client.heartbeat(_beat(queue_depth=1))
    raw = platform.db.query("SELECT COUNT(*) FROM heartbeats WHERE terminal_id = ?", (terminal_id,))
    assert raw == [(1,)]  # the old raw row went with the new insert
    hours = platform.db.heartbeat_hours(terminal_id, 0)
    assert [qmax for _h, _b, qmax, _a in hours] == [7, 1]  # the aggregate of that day stays

    platform.clock.offset += (HOURLY_KEEP_DAYS + 1) * 86400
    client.heartbeat(_beat())
    assert len(platform.db.heartbeat_hours(terminal_id, 0)) == 1


def test_old_kiosk_heartbeat_without_the_new_fields_is_still_accepted(
    platform: Platform, client_for: Any
) -> None:
    client = client_for()
    old = Heartbeat(queue_depth=2, oldest_unsent_age_s=30, free_disk_bytes=10**9, terminal_time=0)
    assert client.heartbeat(old).received
    status = _status(platform, client.credentials.terminal_id)
    assert status["queue_depth"] == 2 and status["printer"] == ""


def test_engine_heartbeat_carries_device_states_and_what_a_technician_needs(
    platform: Platform, client_for: Any, tmp_path: Path
) -> None:
    client = client_for()
    store = open_store(tmp_path / "kiosk")
    (tmp_path / "kiosk" / "terminal.toml").write_text("[terminal]\n", encoding="utf-8")
    try:
        adopt_terminal_code(store, platform.code_of(client.credentials))
        engine = SyncEngine(
            store,
            client,
            SyncSettings(),
            options=EngineOptions(heartbeat_s=0),
            device_health=lambda: {"printer": "paper_near_end", "card_reader": "disconnected"},
        )
        assert engine.run_round().ok
        assert engine.run_round().ok  # the second carries the first's sync success
    finally:
        store.close()
    status = _status(platform, client.credentials.terminal_id)
    assert status["printer"] == "paper_near_end"
    assert status["card_reader"] == "disconnected"
    assert status["kiosk_version"]
    assert status["os"]
    assert status["uptime_s"] is not None and status["uptime_s"] >= 0
    assert status["settings_revision"] and len(status["settings_revision"]) == 12
    assert status["last_sync_success"] is not None
    assert status["free_disk_bytes"] > 0


# --- alert rules (pure) ------------------------------------------------------------------------

NOW = 1_800_000_000.0


def _row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "terminal_id": "T1",
        "terminal_code": "100001",
        "region_code": "330102001000",
        "station_name": "测试站",
        "enrolled_at": NOW - 86400,
        "revoked_at": None,
        "received_at": NOW - 30,
        "kiosk_version": "0.2.0",
        "queue_depth": 0,
        "oldest_unsent_age_s": None,
        "quarantined": 0,
        "card_reader": "no_card",
        "printer": "ready",
        "camera": "",
        "free_disk_bytes": 20 * 1024**3,
        "clock_skew_s": 2.0,
    }
    row.update(fields)
    return row


@pytest.mark.parametrize(
    ("fields", "rule", "severity"),
    [
        ({"printer": "no_paper"}, "printer", Severity.CRITICAL),
        ({"printer": "paper_near_end"}, "printer", Severity.WARNING),
        ({"printer": "cover_open"}, "printer", Severity.CRITICAL),
        ({"card_reader": "disconnected"}, "reader", Severity.CRITICAL),
        ({"quarantined": 2}, "quarantined", Severity.CRITICAL),
        ({"oldest_unsent_age_s": 25 * 3600}, "unsent", Severity.WARNING),
        ({"oldest_unsent_age_s": 73 * 3600}, "unsent", Severity.CRITICAL),
        ({"free_disk_bytes": 1024**3}, "disk", Severity.WARNING),
        ({"free_disk_bytes": 100 * 1024**2}, "disk", Severity.CRITICAL),
        ({"clock_skew_s": -90.0}, "clock", Severity.WARNING),
        ({"clock_skew_s": 600.0}, "clock", Severity.CRITICAL),
        ({"received_at": NOW - 3 * 3600}, "offline", Severity.WARNING),
        ({"received_at": NOW - 8 * 86400}, "missing", Severity.CRITICAL),
        ({"kiosk_version": "0.1.9"}, "version", Severity.WARNING),
    ],
)
def test_each_alert_rule_fires_at_its_threshold(
    fields: dict[str, Any], rule: str, severity: Severity
) -> None:
    health = assess(_row(**fields), NOW, fleet_newest="0.2.0")
    assert [(a.rule, a.severity) for a in health.alerts] == [(rule, severity)]
    assert health.severity is severity


def test_a_late_heartbeat_is_shown_but_not_alerted_and_offline_suppresses_device_alerts() -> None:
    late = assess(_row(received_at=NOW - 20 * 60), NOW)
    assert late.state == "late" and late.alerts == []
    offline = assess(_row(received_at=NOW - 3 * 3600, printer="no_paper"), NOW)
    assert [a.rule for a in offline.alerts] == ["offline"]  # stale paper-out is not alerted
    revoked = assess(_row(revoked_at=NOW - 10, printer="no_paper"), NOW)
    assert revoked.state == "revoked" and revoked.alerts == []


def test_fleet_newest_version_compares_numbers_not_text() -> None:
    rows = [_row(kiosk_version="0.9.9"), _row(kiosk_version="0.10.0"), _row(kiosk_version="")]
    assert newest_version(rows) == "0.10.0"
