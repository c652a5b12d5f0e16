"""The clerk's rules (central/decisions.py) on a real platform database, and the one
``kiosk central set-status`` command that shares them with the web console."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from central import decisions as dec
from central.db import CentralDB
from kiosk.chinatime import CHINA_TZ
from sync.protocol import ItemKind, PlatformStatus
from tests.sync.conftest import (  # noqa: F401  # fixtures
    PlatformDatabase,
    both_engines,
    platform_database,
    platform_engine,
    postgres_server,
)
from tests.sync.synchelpers import make_application, make_rating, make_request

REPO = Path(__file__).resolve().parents[2]


def _terminal(db: CentralDB, region: str, station: str) -> tuple[str, str]:
    code = db.new_enrol_code(region)
    t = db.enrol(code, region, station, "1.0", "s" * 32)
    assert t is not None
    return t.terminal_id, t.terminal_code


pytest_generate_tests = both_engines  # the rules' SQL on SQLite and on PostgreSQL


@pytest.fixture
def platform(platform_database: PlatformDatabase) -> Iterator[CentralDB]:  # noqa: F811
    db = CentralDB(platform_database.spec, key_file=platform_database.key_file)
    db.seed_catalogue_if_empty()
    yield db
    db.close()


def _file(db: CentralDB, terminal: tuple[str, str], n: int, service: str = "RS-YL-001") -> str:
    item = make_application(service_code=service, n=n, code=terminal[1])
    db.store_item(terminal[0], ItemKind.APPLICATION, item)
    return item.id


def test_a_decision_without_its_required_reason_is_refused_and_changes_nothing(platform) -> None:
    t = _terminal(platform, "330102001", "龙井村便民服务站")
    app_id = _file(platform, t, 1)
    cases = [
        (PlatformStatus.NEEDS_SUPPLEMENT, {"reason": "缺材料"}, "材料"),  # no materials listed
        (PlatformStatus.NEEDS_SUPPLEMENT, {"missing": ["户口簿"]}, "原因"),  # no reason
        (PlatformStatus.REJECTED, {}, "理由"),
        (PlatformStatus.REJECTED, {"reason": "不属本机关职权", "appeal": " "}, "行政复议"),
    ]
    for state, kwargs, word in cases:
        with pytest.raises(dec.DecisionError, match=word):
            dec.decide(platform, app_id, state, actor="t", **kwargs)  # type: ignore[arg-type]
    assert platform.query("SELECT status FROM applications")[0][0] == "received"
    assert platform.query("SELECT COUNT(*) FROM status_events")[0][0] == 0
    dec.decide(platform, app_id, PlatformStatus.ACCEPTED, actor="t")
    with pytest.raises(dec.DecisionError, match="办理结果"):
        dec.decide(platform, app_id, PlatformStatus.COMPLETED, actor="t")


def test_final_decision_is_locked_and_a_reopen_is_recorded_with_its_reason(platform) -> None:
    t = _terminal(platform, "330102001", "龙井村便民服务站")
    app_id = _file(platform, t, 1)
    dec.decide(platform, app_id, PlatformStatus.ACCEPTED, actor="王科员")
    done = dec.decide(
        platform, app_id, PlatformStatus.COMPLETED, result_notice="准予登记。", actor="王科员"
    )
    assert (done.from_state, done.to_state) == ("accepted", "completed")
    with pytest.raises(dec.DecisionError, match="锁定"):
        dec.decide(platform, app_id, PlatformStatus.IN_PROGRESS, actor="王科员")
    with pytest.raises(dec.DecisionError, match="原因"):
        dec.reopen(platform, app_id, "  ", "李主任")
    assert dec.reopen(platform, app_id, "结果通知书写错了姓名", "李主任") == "accepted"
    view = dec.application(platform, app_id, "")
    assert view.status == "accepted" and not view.final
    assert [e["actor"] for e in view.history] == ["王科员", "王科员", "李主任"]
    assert "重新打开" in view.history[-1]["what"]
    assert view.history[-1]["reason"] == "结果通知书写错了姓名"
    events = platform.query("SELECT actor, from_state, status FROM status_events ORDER BY seq")
    assert events == [
        ("王科员", "received", "accepted"),
        ("王科员", "accepted", "completed"),
        ("李主任", "completed", "accepted"),  # the reopening reaches the terminal too
    ]


def test_another_regions_application_is_not_found_in_any_function(platform) -> None:
    mine = _terminal(platform, "330102001", "龙井村便民服务站")
    theirs = _terminal(platform, "330106002", "外区服务站")
    other = _file(platform, theirs, 2)
    _file(platform, mine, 1)
    with pytest.raises(dec.NotInScopeError):
        dec.application(platform, other, "330102")
    with pytest.raises(dec.NotInScopeError):
        dec.decide(platform, other, PlatformStatus.ACCEPTED, actor="x", scope="330102")
    listed = dec.list_applications(platform, "330102", dec.ListFilter())
    assert [r.station_name for r in listed] == ["龙井村便民服务站"]
    assert len(dec.list_applications(platform, "", dec.ListFilter())) == 2


def test_a_received_application_must_be_answered_within_five_working_days(platform) -> None:
    t = _terminal(platform, "330102001", "龙井村便民服务站")
    _file(platform, t, 1)
    (received_at,) = platform.query("SELECT received_at FROM applications")[0]
    arrived = dt.datetime.fromtimestamp(received_at, CHINA_TZ).date()
    due = platform.calendar.add_workdays(arrived, dec.ANSWER_WORKDAYS)
    clock = dec.case_clock(platform, "received", received_at, None, due + dt.timedelta(days=1))
    assert clock.overdue and clock.due_on == due and "受理答复" in clock.label
    on_time = dec.case_clock(platform, "received", received_at, None, arrived)
    assert not on_time.overdue


def test_unsatisfied_ratings_listed_until_handled_and_request_replies_queued(platform) -> None:
    t = _terminal(platform, "330102001", "龙井村便民服务站")
    app_id = _file(platform, t, 1)
    (number,) = platform.query("SELECT number FROM applications WHERE id = ?", (app_id,))[0]
    bad = make_rating(1).model_copy(
        update={"level": 2, "reason": "等了很久", "application_number": number}
    )
    platform.store_item(t[0], ItemKind.RATING, bad)
    platform.store_item(t[0], ItemKind.RATING, make_rating(1))
    by_item, by_station, unsatisfied = dec.rating_summaries(platform, "")
    assert [u.reason for u in unsatisfied] == ["等了很久"] and unsatisfied[0].handled_at is None
    assert by_station[0].count == 2 and by_station[0].unsatisfied == 1
    assert by_item[0].label == "城乡居民养老保险参保登记"
    dec.mark_rating_handled(platform, bad.id, "已回访，增加窗口", "王科员", "")
    assert dec.rating_summaries(platform, "")[2][0].handled_by == "王科员"

    req = make_request(1)
    platform.store_item(t[0], ItemKind.REQUEST, req)
    with pytest.raises(dec.DecisionError):
        dec.triage_request(platform, req.id, "reply", "王科员", "", reply=" ")
    assert dec.triage_request(platform, req.id, "assign", "王科员", "", assignee="村委会") == (
        "assigned"
    )
    dec.triage_request(platform, req.id, "reply", "王科员", "", reply="已安排维修")
    assigned, update = dec.request_updates(platform, t[0], 0, 10)
    assert (assigned.state, assigned.reply) == ("assigned", "")  # 处理中 at the kiosk
    assert (update.request_id, update.state, update.reply) == (req.id, "replied", "已安排维修")
    assert dec.request_updates(platform, t[0], update.seq, 10) == []
    assert dec.request_updates(platform, "Tother", 0, 10) == []
    with pytest.raises(dec.NotInScopeError):
        dec.triage_request(platform, req.id, "close", "x", "330106")


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        check=False,
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_set_status_command_goes_through_the_same_rules(tmp_path: Path) -> None:
    path = tmp_path / "central.sqlite3"
    db = CentralDB(path)
    t = _terminal(db, "330102001", "龙井村便民服务站")
    item = make_application(n=1, code=t[1])
    db.store_item(t[0], ItemKind.APPLICATION, item)
    db.close()
    refused = _kiosk("central", "set-status", "--db", str(path), item.number, "needs_supplement")
    assert refused.returncode == 1 and "补正" in refused.stderr
    moved = _kiosk(
        "central",
        "set-status",
        "--db",
        str(path),
        item.number,
        "needs_supplement",
        "--missing",
        "居民户口簿",
        "--reason",
        "照片不清",
    )
    assert moved.returncode == 0, moved.stderr
    db = CentralDB(path)
    try:
        assert db.query("SELECT status, actor, from_state, missing FROM status_events") == [
            ("needs_supplement", "cli", "received", '["居民户口簿"]')
        ]
    finally:
        db.close()
