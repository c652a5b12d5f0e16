"""Every slip can be printed again, not only the receipt (issue 13): the 告知承诺书 of a filing
with promised materials and the slip of a window booking or a home-visit request, from the
resident's 我的办件 and from the staff queue, through the one function per document in
``printouts.jobs``. Each reprint is decoded at the ESC/POS printer simulator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from kiosk.journey import Step
from kiosk.materials import MaterialChoice
from kiosk.staff import Role
from kiosk.usecases import staff_auth
from tests.ui.taps import find, tap, tap_keys, wait_step
from ui.tour import SAMPLE_PHONE, reach

CARD = "resident-longterm"  # 李秀英, 130608195804123029: the tour's sample holder
FULL_ID = "130608195804123029"


def _slips(qtbot, rig, count: int) -> list[str]:
    """The decoded text of every job the simulator printed, once ``count`` have arrived."""
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) >= count, timeout=15_000)
    return ["".join(job.lines).replace(" ", "") for job in rig.printer_sim.jobs]


def _file_everything(qtbot, rig) -> tuple[str, str, str]:
    """A filing with a promised 户口簿, a window booking and a home-visit request, all of the
    tour's sample holder (the journey's own taps, as the tour makes them)."""
    journey = rig.journey
    reach(journey, Step.PROMISE)
    assert {c for c in journey.session.choices.values()} == {MaterialChoice.PROMISE}
    journey.promise()
    while journey.step is Step.FORM:
        field = journey.current_field()
        if field.options:
            journey.answer(field.options[0])
        elif field.key == "bank_account":
            journey.answer("6228480402564890018")
        else:
            journey.answer(journey.session.answers.get(field.key, "") or SAMPLE_PHONE)
    journey.submit()
    assert journey.step is Step.SUBMITTED, journey.session.error
    number = journey.session.application.number
    reach(journey, Step.BOOKED)  # a window slot
    window = journey.session.booking.number
    reach(journey, Step.BOOKING)
    journey.request_home_visit(SAMPLE_PHONE)
    assert journey.step is Step.BOOKED, journey.session.error
    visit = journey.session.booking.number
    journey.home()
    # receipt + commitment at filing, then the two booking slips
    papers = _slips(qtbot, rig, 4)
    assert sum("告知承诺书" in p for p in papers) == 1
    assert not any("补打" in p for p in papers)  # first prints are not marked
    return number, window, visit


def test_resident_reprints_the_commitment_and_both_booking_slips_from_my_applications(qtbot, rig):
    number, window, visit = _file_everything(qtbot, rig)
    before = len(rig.printer_sim.jobs)
    tap(qtbot, rig, "tile_my_applications")
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.MY_APPLICATIONS)
    assert [a.number for a in rig.journey.session.applications] == [number]
    assert {b.number for b in rig.journey.session.bookings} == {window, visit}

    tap(qtbot, rig, "reprint_commitment_0")
    slip = _slips(qtbot, rig, before + 1)[-1]
    assert "告知承诺书" in slip and number in slip and "居民户口簿" in slip
    assert FULL_ID not in slip and "李*英" in slip
    assert "告知承诺书（补打）" in slip and "本承诺书为补打件" in slip  # as the receipt is marked

    for index, booking in enumerate(rig.journey.session.bookings):
        _show_row(qtbot, rig, f"reprint_booking_{index}")
        tap(qtbot, rig, f"reprint_booking_{index}")
        slip = _slips(qtbot, rig, before + 2 + index)[-1]
        title = "预约窗口办理凭条" if booking.number == window else "上门服务申请凭条"
        assert title in slip and booking.number in slip and FULL_ID not in slip
        assert f"{title}（补打）" in slip and "本凭条为补打件" in slip
    status = rig.window.router.current.print_status
    qtbot.waitUntil(lambda: "凭条已补打" in status.text(), timeout=15_000)


def _show_row(qtbot, rig, name: str) -> None:
    """Turn the pages of 我的办件 until the button ``name`` is on the one shown."""
    screen = rig.window.router.current
    for _ in range(10):
        for widget in screen.findChildren(QPushButton, name):
            if widget.isVisible():
                return
        tap(qtbot, rig, "applications_next")
    raise AssertionError(f"{name} on no page")


def test_staff_reprint_commitment_and_home_visit_slip_from_the_queue(qtbot, rig):
    number, _window, visit = _file_everything(qtbot, rig)
    before = len(rig.printer_sim.jobs)
    staff_auth.add_staff(rig.core, "1001", "李小梅", Role.STAFF, "246813")
    tap(qtbot, rig, "open_staff")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_number"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "1001")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_pin"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "246813")
    tap(qtbot, rig, "sign_in")
    qtbot.waitUntil(lambda: rig.window.staff_session is not None, timeout=10_000)
    queue = rig.window.staff_console.queue
    printer = rig.window.staff_console.staff_printer

    queue.select(number)
    assert queue.reprint_commitment_button.isEnabled()
    assert not queue.reprint_slip_button.isEnabled()
    with qtbot.waitSignal(printer.finished, timeout=15_000) as done:
        qtbot.mouseClick(queue.reprint_commitment_button, Qt.MouseButton.LeftButton)
    assert done.args[:2] == ["commitment", True], done.args
    slip = _slips(qtbot, rig, before + 1)[-1]
    assert "告知承诺书" in slip and number in slip and FULL_ID not in slip
    assert "告知承诺书（补打）" in slip and "本承诺书为补打件" in slip
    assert "告知承诺书已打印" in queue.message.text()

    with qtbot.waitSignal(printer.finished, timeout=15_000) as done:
        qtbot.mouseClick(queue.action_buttons[_reprint()], Qt.MouseButton.LeftButton)
    assert done.args[:2] == ["receipt", True], done.args
    receipt = _slips(qtbot, rig, before + 2)[-1]
    assert "受理回执" in receipt and "补打" in receipt and number in receipt

    qtbot.mouseClick(queue.findChild(QPushButton, "filter_home_visits"), Qt.MouseButton.LeftButton)
    queue.table.selectRow(0)
    assert queue.reprint_slip_button.isEnabled()
    assert not queue.reprint_commitment_button.isEnabled()
    with qtbot.waitSignal(printer.finished, timeout=15_000) as done:
        qtbot.mouseClick(queue.reprint_slip_button, Qt.MouseButton.LeftButton)
    assert done.args[:2] == ["booking", True], done.args
    slip = _slips(qtbot, rig, before + 3)[-1]
    assert "上门服务申请凭条" in slip and visit in slip and "138****5678" in slip
    assert "上门服务申请凭条（补打）" in slip and "本凭条为补打件" in slip
    assert FULL_ID not in slip and SAMPLE_PHONE not in slip


def test_staff_commitment_reprint_of_a_filing_without_promise_is_refused_plainly(qtbot, rig):
    from ui.staff.printing import StaffPrinter

    journey = rig.journey
    reach(journey, Step.SUBMITTED)  # nothing promised
    number = journey.session.application.number
    journey.home()
    printer = StaffPrinter(rig.core, rig.kiosk.printer)
    with qtbot.waitSignal(printer.finished, timeout=5_000) as done:
        printer.reprint_commitment(number)
    assert done.args[0] == "commitment" and done.args[1] is False
    assert "没有告知承诺书" in done.args[2]


def _reprint():  # type: ignore[no-untyped-def]
    from kiosk.usecases.queue_care import CareAction

    return CareAction.REPRINT
