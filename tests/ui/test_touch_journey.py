"""The whole resident journey, offscreen, through taps on the real widgets and real simulators."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from kiosk.journey import Step
from kiosk.states import ApplicationState
from kiosk.store.outbox import Outbox
from tests.ui.taps import at, find, tap, tap_keys, text_of, wait_step

CARD = "resident-longterm"  # 李秀英, 130608195804123029


def choose_pension(qtbot, rig) -> None:
    """Search by pinyin initials on the on-screen keyboard, tap the item."""
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "ylbx")
    tap(qtbot, rig, "item_RS-YL-001")


def fill_pension_to_review(qtbot, rig) -> None:
    """Card on the reader → 养老保险参保登记 → every question answered → the review."""
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    choose_pension(qtbot, rig)
    assert at(rig.journey) is Step.GUIDE
    assert "一次性告知" in text_of(rig, "materials")
    tap(qtbot, rig, "begin_form")
    # name, ID number: pre-filled from the card, the resident only checks them
    assert find(rig, QLineEdit, "answer").text() == "李秀英"
    tap(qtbot, rig, "next")
    tap(qtbot, rig, "next")
    # phone: typed on the number pad
    tap_keys(qtbot, rig, "13812345678")
    tap(qtbot, rig, "next")
    tap(qtbot, rig, "next")  # address from the card
    tap(qtbot, rig, "option_0")  # 缴费档次
    tap(qtbot, rig, "option_0")  # 特殊群体
    assert at(rig.journey) is Step.REVIEW


def file_pension_application(qtbot, rig) -> str:
    """Card on the reader → 养老保险参保登记 → form → review → submit; returns the number."""
    fill_pension_to_review(qtbot, rig)
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.SUBMITTED
    return text_of(rig, "application_number")


def test_card_item_form_submit_receipt_rating(qtbot, rig):
    number = file_pension_application(qtbot, rig)
    stored = rig.core.store.application(number)
    assert stored is not None and stored.state is ApplicationState.QUEUED
    # The receipt reaches the printer simulator as ESC/POS bytes, parsed back into lines.
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) >= 1, timeout=10_000)
    lines = rig.printer_sim.jobs[0].lines
    assert "受理回执" in "".join(lines)
    assert any(number in line for line in lines)
    assert not any("130608195804123029" in line for line in lines)  # masked on paper
    qtbot.waitUntil(lambda: "已打印" in text_of(rig, "receipt_status"), timeout=10_000)
    qtbot.waitUntil(lambda: rig.core.store.application(number).receipt_printed, timeout=5_000)
    tap(qtbot, rig, "to_rating")
    tap(qtbot, rig, "rate_5")
    assert at(rig.journey) is Step.END
    assert rig.core.store.rating_for(number) is not None
    assert rig.journey.session.applicant is None


def test_screens_are_read_aloud(qtbot, rig):
    voice = rig.kiosk.voice
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    assert "您要办理什么事" in voice.last_text
    choose_pension(qtbot, rig)
    tap(qtbot, rig, "nav_read")
    assert "城乡居民养老保险参保登记" in voice.last_text


def test_typed_id_with_bad_check_digit_shows_the_message_next_to_the_field(qtbot, rig):
    tap(qtbot, rig, "tile_apply")
    tap(qtbot, rig, "type_id")
    tap_keys(qtbot, rig, "130608195804123028")
    tap(qtbot, rig, "confirm")
    assert at(rig.journey) is Step.TYPE_ID
    message = find(rig, QLabel, "field_error").text()
    assert "校验码" in message and message.startswith("✕")
    assert text_of(rig, "id_number") == "130608195804123028"  # nothing lost
    tap(qtbot, rig, "key_backspace")
    tap_keys(qtbot, rig, "9")
    tap(qtbot, rig, "confirm")
    assert at(rig.journey) is Step.TYPE_NAME
    tap_keys(qtbot, rig, "li")
    tap(qtbot, rig, "candidate_0")
    assert text_of(rig, "name") != ""
    tap(qtbot, rig, "confirm")
    assert at(rig.journey) is Step.FIND_ITEM


def test_idle_timeout_wipes_screen_and_memory(qtbot, rig):
    rig.window.idle.set_durations(idle_ms=50, countdown_s=3, tick_ms=20)
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    choose_pension(qtbot, rig)
    tap(qtbot, rig, "begin_form")
    with qtbot.waitSignal(rig.window.idle.countdown_started, timeout=5_000):
        pass
    assert rig.window.banner.isVisible()
    assert "秒后将退出" in rig.window.banner.text.text()
    tap(qtbot, rig, "keep_using")  # 继续使用
    assert not rig.window.banner.isVisible()
    assert at(rig.journey) is Step.FORM
    # Taking the card away during the countdown loses nothing.
    rig.card_sim.remove()
    with qtbot.waitSignal(rig.window.idle.countdown_started, timeout=5_000):
        pass
    assert rig.journey.session.applicant is not None
    with qtbot.waitSignal(rig.window.idle.expired, timeout=5_000):
        pass
    assert at(rig.journey) is Step.HOME
    assert rig.journey.session.applicant is None and not rig.journey.session.answers
    assert "李秀英" not in rig.kiosk.voice.last_text
    # No screen, shown or not, still holds what the resident typed or the card said.
    for screen in rig.window.router.screens.values():
        for widget in screen.findChildren(QLineEdit) + screen.findChildren(QLabel):
            assert "李秀英" not in widget.text(), screen.objectName()
            assert "13812345678" not in widget.text(), screen.objectName()


def test_draft_survives_and_is_offered_back_to_the_same_card(qtbot, rig):
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    choose_pension(qtbot, rig)
    tap(qtbot, rig, "begin_form")
    tap(qtbot, rig, "next")
    tap(qtbot, rig, "next")
    tap_keys(qtbot, rig, "13812345678")
    tap(qtbot, rig, "next")
    tap(qtbot, rig, "nav_home")  # leaves; the draft stays on disk (encrypted)
    tap(qtbot, rig, "go_home")
    rig.card_sim.remove()
    qtbot.waitUntil(lambda: rig.kiosk.reader.status.value == "no_card", timeout=5_000)
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.DRAFT_OFFER)
    tap(qtbot, rig, "resume_draft")
    assert rig.journey.current_field().key == "grade"


def test_my_applications_after_a_status_change_from_the_platform(qtbot, rig):
    number = file_pension_application(qtbot, rig)
    tap(qtbot, rig, "to_rating")
    tap(qtbot, rig, "skip_rating")
    tap(qtbot, rig, "go_home")
    # The platform decides; the sync engine records what it pulled through the outbox
    # (the loopback platform and the real engine do this in test_demo_mode.py).
    store = rig.core.store
    app_id = store.application(number).id
    for state in (ApplicationState.SENDING, ApplicationState.ACKNOWLEDGED):
        store.set_state(app_id, state)
    assert Outbox(store).apply_platform_status(
        app_id,
        ApplicationState.COMPLETED,
        "",
        dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC),
        result_notice="经审核，您已参保，请按年缴费。",
    )
    tap(qtbot, rig, "tile_my_applications")
    tap(qtbot, rig, "lookup_number")
    tap_keys(qtbot, rig, number.replace("-", ""))  # as printed, hyphens optional
    tap(qtbot, rig, "confirm")
    assert at(rig.journey) is Step.MY_APPLICATIONS
    assert text_of(rig, "app_number_0") == f"办件编号：{number}"
    assert "已办结" in text_of(rig, "app_state_0")
    assert text_of(rig, "app_as_of_0") == "截至 2026年11月25日 10:30 的状态"
    assert "请按年缴费" in text_of(rig, "app_notice_0")
    jobs = len(rig.printer_sim.jobs)
    tap(qtbot, rig, "reprint_0")
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) > jobs, timeout=10_000)
    assert "受理回执（补打）" in "".join(rig.printer_sim.jobs[-1].lines)
    tap(qtbot, rig, "print_result_0")
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) > jobs + 1, timeout=10_000)
    assert "请按年缴费" in "".join(rig.printer_sim.jobs[-1].lines)


def test_paper_out_keeps_the_application_and_says_so(qtbot, rig):
    rig.printer_sim.control("paper-out")
    number = file_pension_application(qtbot, rig)
    qtbot.waitUntil(lambda: "没有打印出来" in text_of(rig, "receipt_status"), timeout=10_000)
    assert rig.core.store.application(number).state is ApplicationState.QUEUED
    assert not rig.core.store.application(number).receipt_printed


def test_request_through_taps(qtbot, rig):
    tap(qtbot, rig, "tile_request")
    tap(qtbot, rig, "kind_suggestion")
    tap(qtbot, rig, "send_request")
    assert "具体" in text_of(rig, "content_error")
    for syllable in ("lu", "deng", "huai", "le", "hen", "jiu"):
        tap_keys(qtbot, rig, syllable)
        tap(qtbot, rig, "candidate_0")
    tap(qtbot, rig, "send_request")
    assert at(rig.journey) is Step.REQUEST_DONE


def test_assisted_filing_records_the_staff_member_and_the_residents_consent(qtbot, rig):
    from kiosk.application import Channel
    from kiosk.staff import Role
    from kiosk.usecases import staff_auth

    staff_auth.add_staff(rig.core, "1001", "李小梅", Role.STAFF, "246813")
    tap(qtbot, rig, "open_staff")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_number"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "1001")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_pin"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "246813")
    tap(qtbot, rig, "sign_in")
    qtbot.waitUntil(lambda: rig.window.staff_session is not None, timeout=10_000)
    tap(qtbot, rig, "staff_to_resident")
    assert "李小梅" in find(rig, QLabel, "AssistedBar").text()  # the session says it is assisted
    fill_pension_to_review(qtbot, rig)
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.CONSENT
    tap(qtbot, rig, "confirm")  # the resident's own tap
    assert at(rig.journey) is Step.SUBMITTED
    filed = rig.core.store.application(text_of(rig, "application_number"))
    assert filed.channel is Channel.ASSISTED
    assert filed.staff_id == "1001" and filed.consent


def test_declining_assistance_files_it_as_the_residents_own(qtbot, rig):
    from kiosk.application import Channel

    rig.journey.set_assisting("1001")
    fill_pension_to_review(qtbot, rig)
    tap(qtbot, rig, "submit")
    tap(qtbot, rig, "decline")
    assert at(rig.journey) is Step.REVIEW
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.SUBMITTED
    filed = rig.core.store.application(text_of(rig, "application_number"))
    assert filed.channel is Channel.SELF_SERVICE and filed.staff_id is None


def test_larger_text_lasts_one_visit(qtbot, rig):
    from ui.theme import Theme

    tap(qtbot, rig, "toggle_large")
    assert rig.window.ctx.theme.large
    assert "已开启" in find(rig, QPushButton, "toggle_large").text()  # words, not only colour
    tap(qtbot, rig, "tile_apply")
    assert find(rig, QLabel, "title").font().pixelSize() == Theme(large=True).title_px
    tap(qtbot, rig, "nav_home")  # 结束办理
    qtbot.waitUntil(lambda: not rig.window.ctx.theme.large, timeout=5_000)
    tap(qtbot, rig, "go_home")
    assert "已关闭" in find(rig, QPushButton, "toggle_large").text()


def test_larger_text_after_a_visit_does_not_restyle_the_screens_it_drops(qtbot, rig):
    """长辈模式 after the last resident's visit: the screens that visit built are rebuilt in
    the new size when next shown, so they are deleted before the new style sheet is applied
    (which re-polishes every widget that exists: it took 160 ms with ~600 of them)."""
    import shiboken6

    from kiosk.journey import Step

    file_pension_application(qtbot, rig)
    tap(qtbot, rig, "nav_home")  # 结束办理
    tap(qtbot, rig, "go_home")  # the next resident: the visit's screens are still built
    qtbot.waitUntil(lambda: rig.journey.step is Step.HOME, timeout=5_000)
    router = rig.window.router
    home = router.screens[Step.HOME]
    others = [s for s in router.screens.built() if s is not home]
    assert len(others) >= 5
    restyled: list[str] = []
    app = QApplication.instance()
    original = app.setStyleSheet

    def counting(sheet: str) -> None:  # what still exists when the new sheet goes in
        restyled.extend(s.objectName() for s in others if shiboken6.isValid(s))
        original(sheet)

    app.setStyleSheet = counting  # type: ignore[method-assign]
    try:
        tap(qtbot, rig, "toggle_large")
    finally:
        del app.setStyleSheet
    assert rig.window.ctx.theme.large
    assert restyled == []  # every other screen was already gone
    assert not any(shiboken6.isValid(s) for s in others)
    assert "已开启" in find(rig, QPushButton, "toggle_large").text()
    tap(qtbot, rig, "tile_apply")  # a dropped screen comes back, in the large size
    from ui.theme import Theme

    assert find(rig, QLabel, "title").font().pixelSize() == Theme(large=True).title_px


def test_card_and_printer_events_reach_the_journey_on_the_gui_thread(qtbot, rig):
    import threading

    threads: set[str] = set()
    rig.journey.subscribe(lambda step: threads.add(threading.current_thread().name))
    rig.kiosk.printer.job_finished.connect(
        lambda *args: threads.add(threading.current_thread().name)
    )
    file_pension_application(qtbot, rig)  # card read on the reader's thread
    qtbot.waitUntil(lambda: "已打印" in text_of(rig, "receipt_status"), timeout=10_000)
    assert threads == {threading.main_thread().name}


def test_a_receipt_number_ending_in_x_can_be_typed_on_the_lookup_pad(qtbot, rig):
    """One receipt in eleven ends with the check character X: the lookup pad must have it."""
    from kiosk.ids import application_number

    day = dt.date(2026, 11, 23)
    number = next(
        n
        for n in (application_number("330102", day, seq) for seq in range(1, 100))
        if n.endswith("X")
    )
    tap(qtbot, rig, "tile_my_applications")
    tap(qtbot, rig, "lookup_number")
    tap_keys(qtbot, rig, number.replace("-", ""))
    assert find(rig, QLineEdit, "number").text() == number.replace("-", "")
    tap(qtbot, rig, "confirm")  # a valid number of no application here: said plainly
    assert at(rig.journey) is Step.LOOKUP
    assert rig.journey.session.error.message == "没有找到这个办件编号，请核对回执上的编号。"
