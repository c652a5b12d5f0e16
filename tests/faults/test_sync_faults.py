"""Faults that used to stop delivery or hide it: issue 10, items 1 and 4, and the clock set back.

Each test drives the real ``kiosk`` CLI against a real platform (``kiosk central serve``)
on 127.0.0.1, as a hostile tester on a fresh clone would.
"""

from __future__ import annotations

import json

from app.probes import run_doctor
from kiosk.diagnostics import CheckKey, CheckStatus
from sync.client import Credentials
from sync.testing.faultproxy import Fault, FaultProxy
from tests.faults.faulthelpers import (
    ProvisionedTerminal,
    doctor_check,
    file_applications,
    flip_bit_in_personal_blob,
    kiosk,
    kiosk_json,
    platform_applications,
)


def test_undecryptable_row_is_quarantined_and_others_flow(terminal: ProvisionedTerminal):
    ids = file_applications(terminal.home, 20)
    damaged = ids[7]
    flip_bit_in_personal_blob(terminal.home, damaged)

    # Before any sync: the doctor already finds it, and the queue still lists everything.
    code, queue_check = doctor_check(terminal.home, "queue")
    assert code == 1 and queue_check["status"] == "failed"
    assert queue_check["data"]["unreadable"] == 1

    result = kiosk("sync", "--once", home=terminal.home)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr

    delivered = {row["id"] for row in platform_applications(terminal.platform)}
    assert delivered == set(ids) - {damaged}

    code, rows = kiosk_json("queue", home=terminal.home)
    assert code == 0
    assert len(rows) == 20
    broken = [row for row in rows if row["state"] == "quarantined"]
    assert len(broken) == 1
    assert broken[0]["reason"] == "数据无法解密"
    assert broken[0]["applicant"] == "（数据无法解密）" and broken[0]["id_number"] == ""
    assert all(row["state"] == "done" for row in rows if row not in broken)

    code, queue_check = doctor_check(terminal.home, "queue")
    assert code == 1
    assert queue_check["status"] == "failed" and queue_check["data"]["unreadable"] == 1
    assert "无法解密" in queue_check["detail"]

    # Later filings keep flowing past the quarantined row.
    more = file_applications(terminal.home, 3)
    assert kiosk("sync", "--once", home=terminal.home).returncode == 0
    delivered = {row["id"] for row in platform_applications(terminal.platform)}
    assert set(more) <= delivered and damaged not in delivered


def test_doctor_fails_the_sync_check_after_revocation(terminal: ProvisionedTerminal):
    file_applications(terminal.home, 2)
    assert kiosk("sync", "--once", home=terminal.home).returncode == 0
    _, before = doctor_check(terminal.home, "last_sync")
    assert before["status"] == "ok"

    revoked = kiosk("central", "revoke", "--db", str(terminal.platform.db), terminal.terminal_id)
    assert revoked.returncode == 0, revoked.stderr
    file_applications(terminal.home, 1)
    assert kiosk("sync", "--once", home=terminal.home).returncode == 4

    code, check = doctor_check(terminal.home, "last_sync")
    assert code == 1
    assert check["status"] == "failed"
    assert check["data"]["auth_paused"] is True
    assert "停用" in check["detail"]  # says why: the platform revoked this terminal
    assert "同步成功" not in check["detail"]


def test_sync_health_is_one_record_written_every_round(terminal: ProvisionedTerminal):
    from kiosk.paths import DataDir
    from kiosk.store import Store
    from kiosk.sync_health import HEALTH_META_KEY, ConnectionState, SyncHealth

    assert kiosk("sync", "--once", home=terminal.home).returncode == 0
    store = Store(DataDir(terminal.home))
    try:
        health = SyncHealth.from_json(store.get_meta(HEALTH_META_KEY) or "")
    finally:
        store.close()
    assert health.connection is ConnectionState.ONLINE
    assert health.last_success_at is not None and not health.auth_paused
    # The signed-exchange record alone is no longer taken for a success.
    assert json.loads(kiosk("doctor", "--json", "--skip-devices", home=terminal.home).stdout)


def test_clock_set_back_a_day_mid_sync_delivers_everything_once(platform, make_engine, kiosk_store):
    """A failed round schedules its retry at "now"; the clock then goes back a day (an NTP
    correction, a technician, a dead RTC battery). The items must not wait a day."""
    import datetime as dt

    from kiosk.application import Applicant, Channel
    from kiosk.ids import application_number, uuid7
    from kiosk.store import NewApplication
    from sync.client import enrol
    from sync.protocol import EnrolRequest
    from sync.signing import decode_secret
    from tests.sync.synchelpers import MovableClock

    code = platform.db.new_enrol_code("330102001000")
    answer = enrol(
        platform.url, EnrolRequest(code=code, region_code="330102001000", station_name="站")
    )
    make_engine.credentials.append(Credentials(answer.terminal_id, decode_secret(answer.secret)))
    item = kiosk_store.item("YB-CB-001")
    day = dt.date.today()
    ids = [
        kiosk_store.submit(
            NewApplication(
                item=item,
                applicant=Applicant(name="王秀兰", id_number="110101195001011239"),
                form={},
                channel=Channel.SELF_SERVICE,
                staff_id=None,
                consent=False,
            ),
            [],
            id_factory=lambda: str(uuid7()),
            number_factory=lambda seq: application_number(answer.terminal_code, day, seq),
            promised=lambda d: d,
        ).id
        for _ in range(10)
    ]
    clock = MovableClock()
    with FaultProxy(platform.running.port) as proxy:
        engine = make_engine(proxy.url, clock=clock)
        proxy.schedule(Fault.NONE, Fault.HTTP_503)  # catalogue pulled, then the batch fails
        report = engine.run_round()
        assert not report.ok and report.sent == 10  # each item now has a retry time of "now"

        clock.offset = -86400.0  # mid-sync, the clock goes back a day
        for _ in range(3):  # the first answer may be "stale timestamp": the skew is learned
            if engine.run_until_idle().ok:
                break
    arrived = [a["id"] for a in platform.db.applications()]
    assert sorted(arrived) == sorted(ids)  # every one, exactly once
    assert all(kiosk_store.application(i).state.value == "done" for i in ids)

    # A later engine (another process, after a reboot) notices the clock went back too.
    clock.offset = -2 * 86400.0
    later = make_engine(clock=clock)
    later.run_round()
    report = run_doctor(kiosk_store.data, test_devices=False)
    clock_check = report.check(CheckKey.CLOCK)
    assert clock_check.status is CheckStatus.FAILED  # two days behind the platform
    assert "时钟跳变" in clock_check.detail and clock_check.data["jump_s"] == -86400
