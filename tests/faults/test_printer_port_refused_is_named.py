"""A receipt printer port the kiosk may not open is named, not called a loose cable.

Like the card reader's (``test_card_reader_port_refused_is_named.py``): on a freshly
installed terminal a serial receipt printer (``escpos:/dev/ttyUSB1``) that never prints is
most often the ``dialout`` group, not the cable. The status bar, the 诊断 screen and the
doctor said 无法连接打印机，请检查连接线. The status stays ``disconnected`` (it travels to the
platform in the heartbeat, which needs no new value); the printer's ``problem`` says why.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import serial

from app.probes import in_app_report
from devices.printers.escpos_serial import EscPosPrinter
from devices.printers.simulator.server import PrinterSimulator
from devices.printers.status import PrinterProblem, PrinterStatus
from kiosk.core import KioskCore
from kiosk.diagnostics import PORT_DENIED, CheckKey, CheckStatus
from kiosk.paths import DataDir
from printouts.escpos.profile import PrinterProfile
from tests.faults.faulthelpers import kiosk_json
from ui.devices import CardReaderBridge, PrinterBridge

PORT = "/dev/ttyUSB9"


class RefusingThenGrantedPort:
    """Raises what pyserial raises when ``open()`` of the device node fails with EACCES
    (this suite runs as root, which the system never refuses), until ``grant`` is called;
    from then on it opens the real printer simulator's pseudo-terminal."""

    def __init__(self, simulator: PrinterSimulator) -> None:
        self.simulator = simulator
        self.granted = False
        self.attempts = 0

    def __call__(self, _url: str, **options: Any) -> serial.SerialBase:
        self.attempts += 1
        if not self.granted:
            raise serial.SerialException(
                errno.EACCES, f"could not open port {PORT}: [Errno 13] Permission denied"
            )
        return serial.serial_for_url(self.simulator.port, **options)


def _printer(opener: RefusingThenGrantedPort) -> EscPosPrinter:
    return EscPosPrinter(PORT, PrinterProfile(), status_timeout=0.5, open_port=opener)


def test_the_core_and_the_printer_agree_on_the_refusal_code() -> None:
    assert PrinterProblem.PORT_DENIED.value == PORT_DENIED


def test_the_printer_names_a_refused_port_and_forgets_it_once_it_opens() -> None:
    simulator = PrinterSimulator().start()
    opener = RefusingThenGrantedPort(simulator)
    printer = _printer(opener)
    try:
        assert printer.status() is PrinterStatus.DISCONNECTED
        assert printer.problem == PORT_DENIED
        opener.granted = True  # the technician added the user to dialout
        assert printer.status() is PrinterStatus.READY
        assert printer.problem == ""
    finally:
        printer.close()
        simulator.stop()


def test_a_refused_port_is_named_on_the_status_bar_and_the_diagnosis_screen(
    qtbot, tmp_path: Path
) -> None:
    from ui.status_bar import ConnectionSnapshot, StatusBar

    simulator = PrinterSimulator().start()
    opener = RefusingThenGrantedPort(simulator)
    data = DataDir(tmp_path).ensure()
    (tmp_path / "terminal.toml").write_text(
        f'[devices]\nreceipt_printer = "escpos:{PORT}"\n', encoding="utf-8"
    )
    core = KioskCore.open(data)
    bridge = PrinterBridge(_printer(opener), core, watch_interval_s=0.05)
    bar = StatusBar(lambda: ConnectionSnapshot("未连接", 0), bridge, CardReaderBridge(None))
    qtbot.addWidget(bar)
    bridge.start()
    try:
        qtbot.waitUntil(lambda: "无权限" in bar.printer_label.text(), timeout=5000)
        assert bar.printer_label.text() == "打印机：端口无权限，请联系技术人员"
        report = in_app_report(
            core,
            reader_status=lambda: None,
            printer_status=lambda: bridge.status.value,
            printer_problem=lambda: bridge.problem,
        )
        check = report.check(CheckKey.RECEIPT_PRINTER)
        assert check.status is CheckStatus.FAILED
        assert "没有权限" in check.detail and PORT in check.detail
        assert "dialout" in check.action
        assert "连接线" not in check.action  # not sent to re-plug hardware
        assert check.data["device_status"] == PrinterStatus.DISCONNECTED.value
        assert check.data["device_problem"] == PORT_DENIED
        # Fixed: the bar says so by itself, though the status went disconnected → ready only.
        opener.granted = True
        qtbot.waitUntil(lambda: bar.printer_label.text() == "打印机：打印机正常", timeout=5000)
        assert bridge.problem == ""
    finally:
        bar.timer.stop()
        bridge.close()
        core.close()
        simulator.stop()


def test_a_missing_printer_port_is_still_called_unplugged(tmp_path: Path) -> None:
    """The real doctor, the real pyserial open of a node that does not exist (ENOENT)."""
    (tmp_path / "terminal.toml").write_text(
        '[devices]\nreceipt_printer = "escpos:/dev/ttyNOPE-kiosk-test"\n', encoding="utf-8"
    )
    _code, report = kiosk_json("doctor", home=tmp_path)
    check = next(c for c in report["checks"] if c["key"] == "receipt_printer")
    assert check["status"] == "failed", json.dumps(check, ensure_ascii=False)
    assert check["detail"] == "无法连接打印机，请检查连接线"
    assert "连接线" in check["action"]
    assert check["data"]["device_problem"] == ""
