"""Technician screens under pytest-qt: maintenance unlock with lockout, diagnostics, log export,
the provisioning wizard against the reference platform, and the shortcut lockdown."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget
from staffhelpers import START

from app.logs import export_logs, setup_logging
from central.db import CentralDB
from central.server import RunningPlatform
from kiosk.cardholder import CardHolder, CardType
from kiosk.diagnostics import (
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
from kiosk.staff import Role
from kiosk.usecases import staff_auth
from ui.devices import CardReaderBridge
from ui.staff.printing import StaffPrinter
from ui.technician.console import TechnicianConsole
from ui.technician.lockdown import ShortcutBlocker, is_escape_shortcut, lock_down, release
from ui.technician.wizard import ProvisioningWizard, provision_with


def _report(**overrides):
    facts = {
        "card_reader": DeviceFact(True, "sam:sim", "no_card", True, False, "读卡器正常"),
        "receipt_printer": DeviceFact(True, "escpos:sim", "no_paper", False, False, "打印机缺纸"),
        "a4_printer": DeviceFact(False),
        "network": NetworkFact(True, True),
        "sync": SyncFact(True, START - dt.timedelta(minutes=3)),
        "queue": QueueFact(0, None, 0),
        "disk": DiskFact(10 * 1024**3, 64 * 1024**3),
        "database": DatabaseFact(True),
        "clock": ClockFact(2.0),
        "versions": VersionFact("0.1.0", 34, "5"),
    }
    facts.update(overrides)
    return diagnose(Probes(**{k: (lambda v=v: v) for k, v in facts.items()}), START)


def _console(qtbot, core, auth, **kw) -> TechnicianConsole:
    staff_auth.add_staff(core, "9001", "陈技术", Role.TECHNICIAN, "135790", config=auth)
    staff_auth.add_staff(core, "1001", "李卫东", Role.STAFF, "246810", config=auth)
    console = TechnicianConsole(core, kw.pop("report", _report), auth=auth, **kw)
    qtbot.addWidget(console)
    console.resize(1280, 800)
    console.show()
    console.open()
    return console


def _enter(qtbot, console, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(
            console.unlock.pad.findChild(QWidget, f"key_{digit}"), Qt.MouseButton.LeftButton
        )
    qtbot.mouseClick(console.unlock.unlock_button, Qt.MouseButton.LeftButton)


def test_maintenance_unlocks_only_with_a_technician_pin_and_locks_out(qtbot, core, auth, clock):
    console = _console(qtbot, core, auth)
    _enter(qtbot, console, "246810")  # a staff PIN
    assert console.currentWidget() is console.unlock
    assert "密码不正确" in console.unlock.error.text()
    _enter(qtbot, console, "000999")
    _enter(qtbot, console, "000999")
    assert "已锁定" in console.unlock.error.text()
    assert not console.unlock.unlock_button.isEnabled()
    clock.advance(30)
    console.unlock.refresh_lock()
    assert console.unlock.unlock_button.isEnabled()
    with qtbot.waitSignal(console.maintenance_changed) as changed:
        _enter(qtbot, console, "135790")
    assert changed.args == [True]
    assert console.currentWidget() is console.menu
    assert "9001" in console.who.text()
    with qtbot.waitSignal(console.closed):
        qtbot.mouseClick(console.menu.findChild(QWidget, "lock"), Qt.MouseButton.LeftButton)
    assert console.currentWidget() is console.unlock


def test_diagnostics_screen_shows_each_check_with_what_to_do(qtbot, core, auth):
    console = _console(qtbot, core, auth)
    _enter(qtbot, console, "135790")
    with qtbot.waitSignal(console.diagnostics.report_ready, timeout=10_000):
        qtbot.mouseClick(
            console.menu.findChild(QWidget, "open_diagnostics"), Qt.MouseButton.LeftButton
        )
    screen = console.diagnostics
    assert screen.overall.text() == "结论：✕ 故障"
    printer = screen.findChild(QWidget, "check_receipt_printer")
    assert printer.text().startswith("✕ 故障 · 回执打印机：打印机缺纸")
    assert "更换" in printer.text() or "纸卷" in printer.text()
    assert screen.findChild(QWidget, "check_card_reader").text().startswith("✓ 正常")
    assert screen.findChild(QWidget, "check_a4_printer") is None


def test_a_diagnostics_provider_that_crashes_is_reported(qtbot, core, auth):
    def broken():
        raise RuntimeError("boom")

    console = _console(qtbot, core, auth, report=broken)
    _enter(qtbot, console, "135790")
    console.open_diagnostics()
    qtbot.waitUntil(console.diagnostics.run_button.isEnabled)
    assert "RuntimeError" in console.diagnostics.error.text()


def test_log_export_from_the_diagnostics_screen(qtbot, core, auth, tmp_path):
    logs = tmp_path / "home-logs"
    installed = setup_logging(logs, stderr_level=None)
    try:
        logging.getLogger("kiosk.test.export").info("printer ready")
    finally:
        installed.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    console = _console(
        qtbot,
        core,
        auth,
        export_logs=lambda folder: export_logs(logs, folder, terminal_code="330102", now=now),
    )
    console.diagnostics.export_to(usb)
    assert "日志已导出" in console.diagnostics.message.text()
    [written] = list(usb.iterdir())
    assert (
        json.loads(written.read_text(encoding="utf-8").splitlines()[0])["message"]
        == "printer ready"
    )
    console.diagnostics.export_to(tmp_path / "no-usb")
    assert "导出失败" in console.diagnostics.error.text()


def test_provisioning_wizard_against_the_reference_platform(
    qtbot, core, auth, pdf_printer, tmp_path
):
    db = CentralDB(tmp_path / "central.sqlite3", clock=time.time)
    platform = RunningPlatform(db, time.time)
    reader = CardReaderBridge(None)
    try:
        code = db.new_enrol_code("330102001000")
        wizard = ProvisioningWizard(
            core,
            provision_with(core),
            reader=reader,
            printer=StaffPrinter(core, pdf_printer),
            auth=auth,
        )
        qtbot.addWidget(wizard)
        wizard.resize(1280, 800)
        wizard.show()
        wizard.url.setText("ftp://nope")
        qtbot.mouseClick(wizard.enrol_button, Qt.MouseButton.LeftButton)
        assert "https://" in wizard.platform_error.text()
        wizard.url.setText(platform.url)
        wizard.code.setText("WRONG-CODE")
        wizard.region.setText("330102001000")
        wizard.station.setText("石马村便民服务站")
        qtbot.mouseClick(wizard.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(wizard.enrol_button.isEnabled, timeout=10_000)
        assert "注册码无效" in wizard.platform_error.text()
        wizard.code.setText(code)
        qtbot.mouseClick(wizard.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.currentWidget() is wizard.technician_page, timeout=10_000)
        assert core.settings.platform.url == platform.url
        assert core.settings.terminal.station_name == "石马村便民服务站"
        assert db.terminal(core.settings.platform.terminal_id) is not None

        wizard.tech_number.setText("9001")
        wizard.tech_name.setText("陈技术")
        wizard.tech_pin.setText("135790")
        wizard.tech_pin2.setText("135791")
        qtbot.mouseClick(
            wizard.technician_page.findChild(QWidget, "create_technician"),
            Qt.MouseButton.LeftButton,
        )
        assert "不一致" in wizard.tech_error.text()
        wizard.tech_pin.setText("135790")
        wizard.tech_pin2.setText("135790")
        qtbot.mouseClick(
            wizard.technician_page.findChild(QWidget, "create_technician"),
            Qt.MouseButton.LeftButton,
        )
        assert wizard.currentWidget() is wizard.devices_page
        assert not staff_auth.needs_first_technician(core)

        qtbot.mouseClick(
            wizard.devices_page.findChild(QWidget, "test_reader"), Qt.MouseButton.LeftButton
        )
        assert "请将身份证" in wizard.reader_state.text()
        reader.card_inserted.emit(CardHolder(CardType.RESIDENT, "王秀兰", "110101195001011239"))
        assert (
            wizard.reader_state.text().startswith("✓")
            and "王秀兰" not in wizard.reader_state.text()
        )
        with qtbot.waitSignal(wizard.printer.finished, timeout=10_000):
            qtbot.mouseClick(
                wizard.devices_page.findChild(QWidget, "test_printer"), Qt.MouseButton.LeftButton
            )
        assert wizard.printer_state.text().startswith("✓")
        qtbot.mouseClick(wizard.finish_devices, Qt.MouseButton.LeftButton)
        assert wizard.currentWidget() is wizard.done_page
        assert "石马村便民服务站" in wizard.done_summary.text()
        with qtbot.waitSignal(wizard.finished):
            qtbot.mouseClick(
                wizard.done_page.findChild(QWidget, "lock_kiosk"), Qt.MouseButton.LeftButton
            )
    finally:
        platform.stop()


def test_wizard_insists_once_when_a_device_test_did_not_pass(qtbot, core, auth):
    wizard = ProvisioningWizard(core, lambda r: None, reader=None, printer=None, auth=auth)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(wizard)
    wizard.setCurrentWidget(wizard.devices_page)
    qtbot.mouseClick(
        wizard.devices_page.findChild(QWidget, "test_printer"), Qt.MouseButton.LeftButton
    )
    assert "未配置" in wizard.printer_state.text()
    wizard._to_done()
    assert wizard.currentWidget() is wizard.devices_page
    assert "仍要继续" in wizard.devices_error.text()
    wizard._to_done()
    assert wizard.currentWidget() is wizard.done_page


def _key(key, modifiers=Qt.KeyboardModifier.NoModifier):
    return QKeyEvent(QEvent.Type.KeyPress, key, modifiers)


def test_lockdown_swallows_the_shortcuts_that_lead_out(qtbot):
    alt = Qt.KeyboardModifier.AltModifier
    ctrl = Qt.KeyboardModifier.ControlModifier
    assert is_escape_shortcut(_key(Qt.Key.Key_F4, alt))
    assert is_escape_shortcut(_key(Qt.Key.Key_Tab, alt))
    assert is_escape_shortcut(_key(Qt.Key.Key_Q, ctrl))
    assert is_escape_shortcut(_key(Qt.Key.Key_Backspace, ctrl | alt))
    assert is_escape_shortcut(_key(Qt.Key.Key_Super_L))
    assert is_escape_shortcut(_key(Qt.Key.Key_F2, ctrl | alt))  # virtual terminal switch
    assert not is_escape_shortcut(_key(Qt.Key.Key_5))
    assert not is_escape_shortcut(_key(Qt.Key.Key_Backspace))  # typing still works
    window = QWidget()
    qtbot.addWidget(window)
    blocker = ShortcutBlocker()
    lock_down(window, blocker)
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not window.close()  # refuses to close while locked
    assert blocker.eventFilter(window, _key(Qt.Key.Key_F4, alt))
    release(window, blocker)
    assert not blocker.eventFilter(window, _key(Qt.Key.Key_F4, alt))
    assert window.close()
