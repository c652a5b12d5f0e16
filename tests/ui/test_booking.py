"""预约窗口办理 / 上门服务 by taps on the real widgets, no camera (issue 13 item 4, "Must show"):
a home-visit request reaching the staff queue's 上门服务 tab, and a window booking whose slip is
decoded at the printer simulator. The offline booking confirmed after a sync is in
tests/sync/test_booking_sync.py (it needs the loopback platform)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kiosk.booking import BookingKind, BookingStatus
from kiosk.journey import BOOK_INSTEAD, Step
from kiosk.store import booking_queries
from tests.ui.taps import at, find, tap, tap_keys, text_of, wait_step

CARD = "resident-longterm"  # 李秀英, 130608195804123029, born 1958: 68, under 70
FULL_ID = "130608195804123029"


def _to_booking(qtbot, rig) -> None:
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "cjrz")
    tap(qtbot, rig, "item_CL-ZZ-001")  # 残疾人证申领: a photo of the person, nothing finishes it
    assert at(rig.journey) is Step.GUIDE
    assert BOOK_INSTEAD in text_of(rig, "counter_only")  # said plainly, with the way out
    tap(qtbot, rig, "book_instead")
    assert at(rig.journey) is Step.BOOKING


def _papers(qtbot, rig, count: int) -> list[str]:
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) >= count, timeout=15_000)
    return ["".join(job.lines).replace(" ", "") for job in rig.printer_sim.jobs]


def test_home_visit_request_by_taps_reaches_the_staff_queue(qtbot, rig):
    from kiosk.staff import Role
    from kiosk.usecases import staff_auth

    _to_booking(qtbot, rig)
    assert not rig.journey.home_visit_first  # 68 years old
    tap(qtbot, rig, "says_disabled")  # 我持有残疾人证: the home visit moves first
    assert rig.journey.home_visit_first
    assert "优先申请上门服务" in text_of(rig, "visit_priority")
    tap(qtbot, rig, "choose_visit")
    qtbot.mouseClick(find(rig, QLineEdit, "visit_phone"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "13812345678")
    tap(qtbot, rig, "request_home_visit")
    assert at(rig.journey) is Step.BOOKED, rig.journey.session.error
    number = text_of(rig, "booked_number").split()[-1]
    assert "工作人员将电话联系您" in text_of(rig, "booked_slot")
    slip = next(p for p in _papers(qtbot, rig, 1) if "上门服务申请凭条" in p)
    assert number in slip and "138****5678" in slip and FULL_ID not in slip
    tap(qtbot, rig, "booked_done")
    # Village staff sign in and find it under 上门服务, with the phone to call.
    staff_auth.add_staff(rig.core, "1001", "李小梅", Role.STAFF, "246813")
    tap(qtbot, rig, "open_staff")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_number"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "1001")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_pin"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "246813")
    tap(qtbot, rig, "sign_in")
    qtbot.waitUntil(lambda: rig.window.staff_session is not None, timeout=10_000)
    queue = rig.window.staff_console.queue
    button = queue.findChild(type(queue.summary_button), "filter_home_visits")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert queue.table.rowCount() == 1
    row = [queue.table.item(0, c).text() for c in range(6)]
    assert row[0] == number and row[1] == "残疾人证申领"
    assert row[2] == "李*英" and "优先" in row[3] and "13812345678" in row[4]
    queue.table.selectRow(0)
    assert "上门地址" in queue.detail.text()


def test_window_booking_by_taps_prints_a_pending_slip(qtbot, rig):
    _to_booking(qtbot, rig)
    tap(qtbot, rig, "choose_window")
    assert "时段待平台确认" in text_of(rig, "booking_centre")  # never synced: proposed
    tap(qtbot, rig, "slot_0")
    assert at(rig.journey) is Step.BOOKED, rig.journey.session.error
    assert "待确认" in text_of(rig, "booked_slot")
    number = text_of(rig, "booked_number").split()[-1]
    stored = booking_queries.booking_by_number(rig.core.store, number)
    assert stored is not None and stored.kind is BookingKind.WINDOW
    assert stored.status is BookingStatus.PENDING
    slip = next(p for p in _papers(qtbot, rig, 1) if "预约窗口办理凭条" in p)
    assert number in slip and "（待确认）" in slip and "请携带" in slip
    assert stored.requested_slot is not None
    day = stored.requested_slot.day
    assert f"{day.year}年{day.month}月{day.day}日" in slip
    assert FULL_ID not in slip and "李*英" in slip


def test_offline_booking_by_taps_is_confirmed_after_sync_in_my_applications(qtbot, rig, tmp_path):
    """Booked with no platform behind the kiosk (待确认), then a sync with the loopback
    reference platform confirms it, and 我的办件 (the card again) says 已确认."""
    from central.db import CentralDB
    from central.server import RunningPlatform
    from kiosk.settings import SyncSettings
    from kiosk.usecases.enrolment import adopt_terminal_code
    from sync.client import PlatformClient
    from sync.engine import SyncEngine
    from tests.sync.synchelpers import MovableClock, Platform

    _to_booking(qtbot, rig)
    tap(qtbot, rig, "choose_window")
    tap(qtbot, rig, "slot_0")
    assert at(rig.journey) is Step.BOOKED and "待确认" in text_of(rig, "booked_slot")
    number = text_of(rig, "booked_number").split()[-1]
    assert any("（待确认）" in p for p in _papers(qtbot, rig, 1))  # the slip is out first
    tap(qtbot, rig, "booked_done")
    rig.card_sim.remove()
    clock = MovableClock()
    db = CentralDB(tmp_path / "central.sqlite3", clock=clock)
    db.seed_catalogue_if_empty()
    platform = Platform(RunningPlatform(db, clock), clock)
    try:
        credentials = platform.enrol("130608001000")
        adopt_terminal_code(rig.core.store, platform.code_of(credentials))
        client = PlatformClient(platform.url, credentials)
        try:
            report = SyncEngine(rig.core.store, client, SyncSettings()).run_until_idle()
        finally:
            client.close()
    finally:
        platform.running.stop()
    assert report.ok and report.delivered == 1, report
    tap(qtbot, rig, "go_home")
    tap(qtbot, rig, "tile_my_applications")
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.MY_APPLICATIONS)
    assert text_of(rig, "bk_number_0") == f"预约编号：{number}"
    state = text_of(rig, "bk_state_0")
    assert "已确认" in state and "待确认" not in state
    assert "乡镇便民服务中心" in text_of(rig, "bk_place_0")
