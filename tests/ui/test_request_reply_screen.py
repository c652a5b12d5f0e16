"""A clerk's reply to a 诉求 reaches the screen a resident uses (issue 12 item 4), by taps.

我要反映 on the real widgets gives the resident a look-up number; a sync with the loopback
reference platform delivers the request; a clerk replies on the platform (the function the
web console calls); the next sync brings the reply down; 查进度 with that number (typed on
the lookup screen's number pad) shows 已答复 and the reply text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPlainTextEdit

from kiosk.journey import Step
from tests.ui.taps import at, find, tap, tap_keys, text_of, wait_step

REPLY = "已安排电工明天上午维修村口路灯"


def _sync_with(platform, rig) -> None:
    from kiosk.settings import SyncSettings
    from sync.client import PlatformClient
    from sync.engine import SyncEngine

    credentials = platform.credentials
    client = PlatformClient(platform.url, credentials)
    try:
        report = SyncEngine(rig.core.store, client, SyncSettings()).run_until_idle()
    finally:
        client.close()
    assert report.ok, report


def test_a_clerk_reply_to_a_request_is_shown_in_my_applications(qtbot, rig, tmp_path: Path):
    from central import decisions as dec
    from central.db import CentralDB
    from central.server import RunningPlatform
    from kiosk.usecases.enrolment import adopt_terminal_code
    from tests.sync.synchelpers import MovableClock, Platform

    tap(qtbot, rig, "tile_request")
    wait_step(qtbot, rig, Step.REQUEST)
    tap(qtbot, rig, "kind_complaint")
    find(rig, QPlainTextEdit, "content").setPlainText("村口路灯坏了三天，晚上看不见路")
    tap(qtbot, rig, "send_request")
    wait_step(qtbot, rig, Step.REQUEST_DONE)
    shown = text_of(rig, "request_number")
    number = shown.split("：", 1)[1].split()[0]
    assert number.startswith("F") and len(number) == 11, shown
    tap(qtbot, rig, "finish")

    clock = MovableClock()
    db = CentralDB(tmp_path / "central.sqlite3", clock=clock)
    db.seed_catalogue_if_empty()
    platform = Platform(RunningPlatform(db, clock), clock)
    try:
        platform.credentials = platform.enrol("130608001000")  # type: ignore[attr-defined]
        adopt_terminal_code(rig.core.store, platform.code_of(platform.credentials))
        _sync_with(platform, rig)
        (row,) = db.query("SELECT id FROM requests")
        dec.triage_request(db, str(row[0]), "reply", "王科员（u1）", "", reply=REPLY)
        _sync_with(platform, rig)
    finally:
        platform.running.stop()

    tap(qtbot, rig, "go_home")
    tap(qtbot, rig, "tile_my_applications")
    wait_step(qtbot, rig, Step.IDENTIFY)
    tap(qtbot, rig, "lookup_number")
    assert at(rig.journey) is Step.LOOKUP
    tap_keys(qtbot, rig, number.removeprefix("F"))  # the pad has no letters: F is optional
    tap(qtbot, rig, "confirm")
    wait_step(qtbot, rig, Step.MY_APPLICATIONS)
    assert text_of(rig, "rq_name_0") == "我要反映：投诉"
    assert text_of(rig, "rq_number_0") == f"反映编号：{number}"
    assert text_of(rig, "rq_state_0") == "状态：已答复"
    assert text_of(rig, "rq_reply_0") == f"答复：{REPLY}"
