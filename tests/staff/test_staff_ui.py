"""Staff screens under pytest-qt (offscreen): sign-in and lockout, queue, resubmit, reprint,
daily summary, and a supplement round trip with the reference platform."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from staffhelpers import PHOTO_ITEM, RESIDENT, SIMPLE_ITEM, answers_for

from kiosk.application import Channel
from kiosk.cardholder import CardHolder, CardType
from kiosk.staff import Role
from kiosk.states import ApplicationState
from kiosk.store import NewAttachment
from kiosk.store.outbox import Outbox, OutboxKind
from kiosk.usecases import staff_auth
from kiosk.usecases.submit import submit_application
from sync.protocol import PlatformStatus
from ui.staff.console import StaffConsole
from ui.staff.sign_in_screen import SignInScreen
from ui.staff.supplement_screen import MAX_IMAGE_SIDE, load_attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _type_pin(qtbot, screen, number: str, pin: str) -> None:
    qtbot.mouseClick(screen.number, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(screen.number, number)  # a physical keyboard
    qtbot.mouseClick(screen.pin, Qt.MouseButton.LeftButton)
    for digit in pin:  # on the on-screen pad, as staff at a touch screen do
        qtbot.mouseClick(
            screen.pad.findChild(type(screen.sign_in_button), f"key_{digit}"),
            Qt.MouseButton.LeftButton,
        )
    qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)


def test_sign_in_with_pin_pad(qtbot, core, auth):
    staff_auth.add_staff(core, "1001", "李卫东", Role.STAFF, "246810", config=auth)
    screen = SignInScreen(core, auth)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.signed_in) as signal:
        _type_pin(qtbot, screen, "1001", "246810")
    assert signal.args[0].staff.number == "1001"
    assert screen.pin.text() == "" and screen.number.text() == ""


def test_wrong_pins_lock_the_screen_until_the_time_passes(qtbot, core, auth, clock):
    staff_auth.add_staff(core, "1001", "李卫东", Role.STAFF, "246810", config=auth)
    screen = SignInScreen(core, auth)
    qtbot.addWidget(screen)
    screen.show()
    _type_pin(qtbot, screen, "1001", "000999")
    assert "还可以再试 2 次" in screen.error.text()
    screen.number.clear()
    _type_pin(qtbot, screen, "1001", "000999")
    screen.number.clear()
    _type_pin(qtbot, screen, "1001", "000999")
    assert "已锁定" in screen.error.text() and "30 秒" in screen.error.text()
    assert not screen.sign_in_button.isEnabled()
    assert screen.lock_timer.isActive()
    clock.advance(20)
    screen.refresh_lock()
    assert "10 秒" in screen.error.text() and not screen.sign_in_button.isEnabled()
    clock.advance(10)
    screen.refresh_lock()
    assert screen.sign_in_button.isEnabled() and not screen.lock_timer.isActive()
    with qtbot.waitSignal(screen.signed_in):
        screen.pin.setText("246810")
        qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)


def test_staff_card_sign_in(qtbot, core, auth):
    staff_auth.add_staff(core, "1001", "李卫东", Role.STAFF, "246810", config=auth)
    staff_auth.bind_card(core, "1001", "330102198001011234")
    screen = SignInScreen(core, auth)
    qtbot.addWidget(screen)
    resident = CardHolder(CardType.RESIDENT, RESIDENT.name, RESIDENT.id_number)
    screen.card_presented(resident)
    assert "没有绑定" in screen.error.text()
    staff_card = CardHolder(CardType.RESIDENT, "李卫东", "330102198001011234")
    with qtbot.waitSignal(screen.signed_in):
        screen.card_presented(staff_card)


def _file(core, code=SIMPLE_ITEM, files=()):
    item = core.store.item(code)
    return submit_application(
        core,
        code,
        RESIDENT,
        answers_for(item),
        list(files),
        channel=Channel.ASSISTED,
        staff_id="1001",
        consent=True,
    )


def _console(qtbot, core, auth, printer) -> StaffConsole:
    staff_auth.add_staff(core, "1001", "李卫东", Role.STAFF, "246810", config=auth)
    console = StaffConsole(core, printer, auth)
    qtbot.addWidget(console)
    console.resize(1280, 800)
    console.show()
    console.open()
    console.sign_in.number.setText("1001")
    console.sign_in.pin.setText("246810")
    with qtbot.waitSignal(console.session_changed):
        qtbot.mouseClick(console.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    assert console.currentWidget() is console.queue
    return console


def test_queue_shows_reasons_and_resubmits_a_quarantined_application(
    qtbot, core, auth, pdf_printer
):
    ok = _file(core)
    stuck = _file(core)
    outbox = Outbox(core.store)
    claimed = outbox.claim(OutboxKind.APPLICATION, 10, now=1e12, lease_s=60)
    outbox.quarantine(next(e for e in claimed if e.item_id == stuck.id), "平台拒收：事项版本已停用")
    outbox.release([e for e in claimed if e.item_id != stuck.id])
    console = _console(qtbot, core, auth, pdf_printer)
    queue = console.queue
    assert "代办模式" in queue.banner.text() and "1001" in queue.banner.text()
    assert queue.table.rowCount() == 2
    texts = [queue.table.item(0, c).text() for c in range(6)]
    assert texts[0] == stuck.number and texts[4] == "平台拒收：事项版本已停用"
    assert RESIDENT.name not in texts[2]
    qtbot.mouseClick(
        queue.findChild(type(queue.summary_button), "filter_needs_action"),
        Qt.MouseButton.LeftButton,
    )
    assert queue.table.rowCount() == 1
    queue.select(stuck.number)
    assert queue.action_buttons[queue_care_action("resubmit")].isEnabled()
    assert not queue.action_buttons[queue_care_action("supplement")].isEnabled()
    qtbot.mouseClick(queue.action_buttons[queue_care_action("resubmit")], Qt.MouseButton.LeftButton)
    assert "已重新排队" in queue.message.text()
    assert core.store.application(stuck.id).state is ApplicationState.QUEUED
    assert queue.table.rowCount() == 0  # nothing needs action any more
    assert ok.id


def queue_care_action(name: str):
    from kiosk.usecases.queue_care import CareAction

    return CareAction(name)


def test_reprint_and_daily_summary(qtbot, core, auth, pdf_printer, tmp_path):
    app = _file(core)
    console = _console(qtbot, core, auth, pdf_printer)
    queue = console.queue
    queue.select(app.number)
    with qtbot.waitSignal(console.staff_printer.finished, timeout=10_000) as done:
        qtbot.mouseClick(
            queue.action_buttons[queue_care_action("reprint")], Qt.MouseButton.LeftButton
        )
    assert done.args[:2] == ["receipt", True]
    assert core.store.application(app.id).receipt_printed
    assert "回执已打印" in queue.message.text()
    with qtbot.waitSignal(console.staff_printer.finished, timeout=10_000) as done:
        qtbot.mouseClick(queue.summary_button, Qt.MouseButton.LeftButton)
    assert done.args[:2] == ["summary", True]
    assert (tmp_path / "printed.pdf").exists() or list(tmp_path.glob("printed*.pdf"))


def test_sign_out_returns_to_sign_in(qtbot, core, auth, pdf_printer):
    console = _console(qtbot, core, auth, pdf_printer)
    with qtbot.waitSignal(console.closed):
        qtbot.mouseClick(console.queue.sign_out_button, Qt.MouseButton.LeftButton)
    assert console.session is None and console.currentWidget() is console.sign_in


def test_photos_are_downscaled_to_jpeg(tmp_path: Path):
    image = QImage(4000, 3000, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    path = tmp_path / "户口簿.png"
    assert image.save(str(path))
    attachment = load_attachment("hukou_photo", path)
    assert attachment.mime_type == "image/jpeg" and attachment.filename == "户口簿.jpg"
    scaled = QImage.fromData(attachment.content)
    assert max(scaled.width(), scaled.height()) == MAX_IMAGE_SIDE


def test_supplement_round_trip_in_the_staff_console(
    qtbot, core, auth, pdf_printer, reference_platform, tmp_path
):
    """Platform asks for a missing paper → staff attaches it and resubmits → platform accepts."""
    original = _file(
        core, PHOTO_ITEM, [NewAttachment("hukou_photo", "户口簿.png", "image/png", PNG)]
    )
    reference_platform.sync()
    reference_platform.db.set_status(
        original.number,
        PlatformStatus.NEEDS_SUPPLEMENT,
        reason="户口簿照片不清晰，请重新拍摄",
        missing=["hukou_photo"],
    )
    reference_platform.sync()
    console = _console(qtbot, core, auth, pdf_printer)
    queue = console.queue
    queue.show_filter(queue_care_filter("needs_action"))
    queue.select(original.number)
    assert "户口簿照片不清晰" in queue.table.item(0, 4).text()
    qtbot.mouseClick(
        queue.action_buttons[queue_care_action("supplement")], Qt.MouseButton.LeftButton
    )
    screen = console.supplement
    assert console.currentWidget() is screen
    assert "户口簿照片不清晰" in screen.reason.text()
    photo = tmp_path / "新照片.png"
    image = QImage(800, 600, QImage.Format.Format_RGB32)
    image.fill(QColor("gray"))
    image.save(str(photo))
    screen.add_file("hukou_photo", photo)
    assert "新照片.jpg" in screen.chosen.text()
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    assert "同意代办" in screen.error.text()  # the resident must confirm first
    screen.consent.setChecked(True)
    with qtbot.waitSignal(screen.filed) as filed:
        qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    new_number = filed.args[0]
    assert console.currentWidget() is queue and new_number in queue.message.text()
    reference_platform.sync()
    reference_platform.db.set_status(new_number, PlatformStatus.ACCEPTED)
    reference_platform.sync()
    new = core.store.application(new_number)
    assert new.state is ApplicationState.ACCEPTED and new.supersedes == original.id
    assert core.store.application(original.id).state is ApplicationState.NEEDS_SUPPLEMENT
    queue.show_filter(queue_care_filter("needs_action"))
    assert queue.table.rowCount() == 0


def queue_care_filter(name: str):
    from kiosk.usecases.queue_care import QueueFilter

    return QueueFilter(name)


def test_import_paper_forms_from_the_queue_screen(qtbot, core, auth, pdf_printer, tmp_path):
    code = "MZ-TK-001"  # 特困人员救助供养申请: no phone question (see the report on YB-CB-001)
    answers = answers_for(core.store.item(code))
    header = ["service_code", "name", "id_number", "address", *answers]
    good = [code, RESIDENT.name, RESIDENT.id_number, RESIDENT.address, *answers.values()]
    bad = [code, "赵六", "110101195001011230", RESIDENT.address, *answers.values()]  # check digit
    csv_file = tmp_path / "上门收件.csv"
    csv_file.write_text(
        "\n".join(",".join(row) for row in (header, good, bad)) + "\n", encoding="utf-8-sig"
    )
    console = _console(qtbot, core, auth, pdf_printer)
    console.queue.import_csv(csv_file)
    assert "已导入 1 件" in console.queue.message.text()
    assert "第 3 行" in console.queue.error.text()
    [entry] = console.queue.entries
    assert entry.channel is Channel.PAPER and entry.staff_id == "1001"


def test_the_resident_confirms_assisted_filing(qtbot, core, auth):
    from ui.staff.consent_screen import AssistedConsentPage

    staff_auth.add_staff(core, "1001", "李卫东", Role.STAFF, "246810", config=auth)
    session = staff_auth.sign_in_with_pin(core, "1001", "246810", config=auth)
    screen = AssistedConsentPage()
    qtbot.addWidget(screen)
    screen.ask(session, "城乡居民基本医疗保险参保登记")
    assert "李卫东" in screen.text.text() and "1001" in screen.text.text()
    with qtbot.waitSignal(screen.confirmed):
        qtbot.mouseClick(screen.confirm_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.declined):
        qtbot.mouseClick(screen.decline_button, Qt.MouseButton.LeftButton)
    assert "代您办理" in screen.read_aloud_text()
