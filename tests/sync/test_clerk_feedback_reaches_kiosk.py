"""What a clerk does on the platform reaches the kiosk (issues 12 item 4 and 13 item 3).

A real reference platform on 127.0.0.1 (SQLite and PostgreSQL), a real kiosk store, the
real sync engine: a reply to a request (诉求) comes down through the signed
``GET /v1/request-updates``; a promised material marked received (the console's function
and the ``kiosk central material-received`` command) clears the promise in the staff
queue's 承诺待补 tab and in 我的办件; a final decision reopened on the platform opens again
at the kiosk.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from central import decisions as dec
from kiosk.application import Application
from kiosk.chinatime import CHINA_TZ
from kiosk.core import KioskCore
from kiosk.feedback import RequestKind
from kiosk.paths import DataDir
from kiosk.request_progress import PlatformRequestState
from kiosk.states import ApplicationState
from kiosk.store import request_queries
from kiosk.store.outbox import Outbox
from kiosk.usecases.feedback import file_request
from kiosk.usecases.queue_care import QueueFilter, queue_entries
from sync.protocol import ItemKind, PlatformStatus
from tests.core.test_journey import HOLDER
from tests.core.test_promise_queue import HUKOU, _file_with_promise
from tests.sync.conftest import (  # noqa: F401  # fixtures
    PlatformDatabase,
    both_engines,
    platform_database,
    platform_engine,
    postgres_server,
)
from tests.sync.synchelpers import Platform, make_application

REPO = Path(__file__).resolve().parents[2]

pytest_generate_tests = both_engines


def _request_id(platform: Platform) -> str:
    (row,) = platform.db.query("SELECT id FROM requests")
    return str(row[0])


def test_a_clerk_reply_to_a_request_reaches_the_kiosk(
    platform: Platform, kiosk_store, make_engine, tmp_path: Path
) -> None:
    core = KioskCore.open(DataDir(tmp_path / "kiosk"))
    try:
        request = file_request(
            core,
            RequestKind.HELP,
            "村口路灯坏了三天了",
            name="张三",
            id_number=HOLDER.id_number,
        )
    finally:
        core.close()
    engine = make_engine()
    assert engine.run_until_idle().ok
    (progress,) = request_queries.requests_of(kiosk_store, HOLDER.id_number)
    assert progress.state_label == "已受理" and progress.reply == ""  # delivered, not triaged

    request_id = _request_id(platform)
    assert request_id == request.id
    dec.triage_request(platform.db, request_id, "assign", "王科员", "", assignee="村委会")
    assert engine.run_until_idle().ok
    found = request_queries.request_progress(kiosk_store, progress.number)
    assert found is not None and found.state_label == "处理中"

    reply = "已安排电工明天上午维修"
    dec.triage_request(platform.db, request_id, "reply", "王科员", "", reply=reply)
    assert engine.run_until_idle().ok
    (progress,) = request_queries.requests_of(kiosk_store, HOLDER.id_number)
    assert (progress.state_label, progress.reply) == ("已答复", reply)
    (raw,) = kiosk_store.conn.query("SELECT reply FROM requests WHERE id = ?", (request.id,))
    assert reply.encode() not in bytes(raw["reply"])  # personal text: encrypted at rest

    dec.triage_request(platform.db, request_id, "close", "王科员", "")
    assert engine.run_until_idle().ok
    (progress,) = request_queries.requests_of(kiosk_store, HOLDER.id_number)
    assert (progress.platform_state, progress.reply) == (PlatformRequestState.CLOSED, reply)
    assert progress.state_label == "已办结"
    assert Outbox(kiosk_store).get_cursor("request-updates") == str(
        platform.db.query("SELECT MAX(seq) FROM request_events")[0][0]
    )


def test_an_unsigned_request_to_request_updates_is_refused(platform: Platform) -> None:
    credentials = platform.enrol()
    item = make_application(n=1, code=platform.code_of(credentials))
    platform.db.store_item(credentials.terminal_id, ItemKind.APPLICATION, item)
    answer = httpx.get(f"{platform.url}/v1/request-updates?cursor=0", timeout=10)
    assert answer.status_code == 401
    assert "X-Kiosk-Signature" not in answer.headers  # an unauthenticated refusal is not signed
    assert answer.json()["error"] in ("bad_signature", "unknown_terminal")
    forged = httpx.get(
        f"{platform.url}/v1/request-updates?cursor=0",
        headers={
            "X-Kiosk-Terminal": credentials.terminal_id,
            "X-Kiosk-Timestamp": str(int(platform.clock())),
            "X-Kiosk-Nonce": "a" * 32,
            "X-Kiosk-Signature": "0" * 64,
        },
        timeout=10,
    )
    assert forged.status_code == 401 and forged.json()["error"] == "bad_signature"
    assert "X-Kiosk-Signature" not in forged.headers
    assert "request-updates" in answer.request.url.path  # the route exists: not a 404


def _promised_at_kiosk(tmp_path: Path, make_engine) -> tuple[Application, object]:
    core = KioskCore.open(DataDir(tmp_path / "kiosk"))
    try:
        filed = _file_with_promise(core)
    finally:
        core.close()
    engine = make_engine()
    assert engine.run_until_idle().ok
    return filed, engine


def _after_due(tmp_path: Path, filed: Application) -> KioskCore:
    """The kiosk a week after the promise's due date: the promise shows as lapsed."""
    due = next(m.due_on for m in filed.materials if m.name == HUKOU)
    assert due is not None
    later = dt.datetime.combine(due + dt.timedelta(days=7), dt.time(10), CHINA_TZ)
    return KioskCore.open(DataDir(tmp_path / "kiosk"), clock=lambda: later.astimezone(dt.UTC))


def _promise_notes(core: KioskCore) -> list[str]:
    return [e.promise_note for e in queue_entries(core, QueueFilter.PROMISES)]


def _my_promise_lines(core: KioskCore, filed: Application) -> str:
    from ui.screens.my_applications_screen import promise_lines  # what 我的办件 shows

    (mine,) = core.store.applications_of(HOLDER.id_number)
    assert mine.id == filed.id
    return promise_lines(mine, dt.date(2027, 6, 1))


def test_material_received_on_the_console_clears_a_lapsed_promise_at_the_kiosk(
    platform: Platform, tmp_path: Path, make_engine
) -> None:
    filed, engine = _promised_at_kiosk(tmp_path, make_engine)
    core = _after_due(tmp_path, filed)
    try:
        assert any("已逾期" in note for note in _promise_notes(core))  # lapsed before
        assert "已逾期" in _my_promise_lines(core, filed)
        day = dec.mark_material_received(platform.db, filed.id, HUKOU, "王科员（u1）", "")
        with pytest.raises(dec.DecisionError, match="已标记为收到"):
            dec.mark_material_received(platform.db, filed.id, HUKOU, "王科员（u1）", "")
        with pytest.raises(dec.DecisionError, match="没有承诺后补"):
            dec.mark_material_received(platform.db, filed.id, "结婚证", "王科员（u1）", "")
        with pytest.raises(dec.NotInScopeError):
            dec.mark_material_received(platform.db, filed.id, HUKOU, "x", "110101")
        assert engine.run_until_idle().ok
        assert _promise_notes(core) == []  # gone from the staff 承诺待补 tab
        lines = _my_promise_lines(core, filed)
        assert "已逾期" not in lines and "已补交" in lines
        stored = core.store.application(filed.id)
        assert stored is not None
        assert stored.state is ApplicationState.DONE  # no state change, only the material
        assert next(m.received_on for m in stored.materials if m.name == HUKOU) == day
        view = dec.application(platform.db, filed.id, "")
        assert any("收到承诺后补材料" in e["what"] for e in view.history)
    finally:
        core.close()


def _kiosk_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        check=False,
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_material_received_by_the_cli_clears_the_promise_at_the_kiosk(
    platform: Platform,
    platform_database: PlatformDatabase,  # noqa: F811
    tmp_path: Path,
    make_engine,
) -> None:
    filed, engine = _promised_at_kiosk(tmp_path, make_engine)
    db = ["--db", platform_database.spec]
    done = _kiosk_cli("central", "material-received", *db, filed.number, HUKOU)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{filed.number} {HUKOU} received 20")
    again = _kiosk_cli("central", "material-received", *db, filed.number, HUKOU)
    assert again.returncode == 1 and "已标记为收到" in again.stderr
    unknown = _kiosk_cli("central", "material-received", *db, "999999-000000-0000-0", HUKOU)
    assert unknown.returncode == 1
    assert engine.run_until_idle().ok
    core = _after_due(tmp_path, filed)
    try:
        assert _promise_notes(core) == []
        assert "已补交" in _my_promise_lines(core, filed)
    finally:
        core.close()


def test_a_reopen_after_completion_reaches_the_kiosk(
    platform: Platform, kiosk_store, make_engine, tmp_path: Path
) -> None:
    core = KioskCore.open(DataDir(tmp_path / "kiosk"))
    try:
        filed = _file_with_promise(core)
    finally:
        core.close()
    engine = make_engine()
    assert engine.run_until_idle().ok
    dec.decide(platform.db, filed.id, PlatformStatus.ACCEPTED, actor="王科员")
    dec.decide(
        platform.db, filed.id, PlatformStatus.COMPLETED, result_notice="准予发放。", actor="王科员"
    )
    assert engine.run_until_idle().ok
    done = kiosk_store.application(filed.id)
    assert done.state is ApplicationState.COMPLETED and done.result_notice == "准予发放。"
    accepted_on = done.accepted_on
    assert accepted_on is not None

    assert dec.reopen(platform.db, filed.id, "结果通知书金额写错", "李主任") == "accepted"
    assert engine.run_until_idle().ok
    reopened = kiosk_store.application(filed.id)
    assert reopened.state is ApplicationState.ACCEPTED  # open again, as on the platform
    assert reopened.result_notice == ""  # the old notice no longer stands
    assert reopened.accepted_on == accepted_on  # its 受理日 stays
    assert "重新打开" in reopened.state_reason and "金额" not in reopened.state_reason

    dec.decide(
        platform.db, filed.id, PlatformStatus.COMPLETED, result_notice="准予发放，每月200元。"
    )
    assert engine.run_until_idle().ok
    final = kiosk_store.application(filed.id)
    assert (final.state, final.result_notice) == (
        ApplicationState.COMPLETED,
        "准予发放，每月200元。",
    )


def test_a_reopen_of_a_rejection_before_acceptance_goes_back_to_waiting(
    platform: Platform, kiosk_store, make_engine, tmp_path: Path
) -> None:
    core = KioskCore.open(DataDir(tmp_path / "kiosk"))
    try:
        filed = _file_with_promise(core)
    finally:
        core.close()
    engine = make_engine()
    assert engine.run_until_idle().ok
    dec.decide(platform.db, filed.id, PlatformStatus.REJECTED, reason="不属于本部门", actor="x")
    assert engine.run_until_idle().ok
    assert kiosk_store.application(filed.id).state is ApplicationState.REJECTED
    assert dec.reopen(platform.db, filed.id, "误退回", "李主任") == "received"
    assert engine.run_until_idle().ok
    back = kiosk_store.application(filed.id)
    assert back.state is ApplicationState.DONE and back.state.label == "已提交，等待受理"
    assert back.accepted_on is None
