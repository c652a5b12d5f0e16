"""A card reader port the kiosk may not open is named, not called a loose cable.

On a freshly installed terminal the most common reason a serial reader never comes up is
not the cable: the kiosk's system user is not in the ``dialout`` group, and the system
refuses to open ``/dev/ttyUSB0``. The doctor and the 诊断 screen used to say 读卡器未连接 and
send the technician to re-plug and replace hardware. Now the refusal is told apart from an
absent port, and the check says what fixes it.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import serial

from app.probes import in_app_report
from devices.cards.events import ReaderError, ReaderErrorCode, ReaderStatus
from devices.cards.sam_reader import SamCardReader, SamTimings
from kiosk.core import KioskCore
from kiosk.diagnostics import PORT_DENIED, CheckKey, CheckStatus
from kiosk.paths import DataDir
from tests.faults.faulthelpers import kiosk_json
from ui.devices import CardReaderBridge

PORT = "/dev/ttyUSB7"


class RefusingPort:
    """Raises what pyserial raises when ``open()`` of the device node fails with EACCES
    (``serialposix.Serial.open``). This suite runs as root, which the system never refuses,
    so the refusal is raised here; everything after it is the real reader, bridge and check."""

    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self) -> serial.SerialBase:
        self.attempts += 1
        raise serial.SerialException(
            errno.EACCES, f"could not open port {PORT}: [Errno 13] Permission denied: '{PORT}'"
        )


def test_the_core_and_the_reader_agree_on_the_refusal_code() -> None:
    assert ReaderErrorCode.PORT_DENIED.value == PORT_DENIED


def test_a_refused_port_is_named_on_the_diagnosis_screen(qtbot, tmp_path: Path) -> None:
    port = RefusingPort()
    reader = SamCardReader(port, PORT, SamTimings(reconnect_interval=0.05))
    errors: list[ReaderError] = []
    reader.add_listener(lambda e: errors.append(e) if isinstance(e, ReaderError) else None)
    bridge = CardReaderBridge(reader)
    bridge.start()
    try:
        qtbot.waitUntil(lambda: bridge.problem == PORT_DENIED, timeout=5000)
        qtbot.waitUntil(lambda: port.attempts >= 3, timeout=5000)  # it keeps trying
        assert reader.status is ReaderStatus.DISCONNECTED
        assert [e.code for e in errors] == [ReaderErrorCode.PORT_DENIED]  # once, not per retry
        assert "EACCES" in errors[0].detail
        data = DataDir(tmp_path).ensure()
        (tmp_path / "terminal.toml").write_text(
            f'[devices]\ncard_reader = "sam:{PORT}"\n', encoding="utf-8"
        )
        core = KioskCore.open(data)
        try:
            report = in_app_report(
                core,
                reader_status=lambda: bridge.status.value,
                reader_problem=lambda: bridge.problem,
                printer_status=lambda: None,
            )
        finally:
            core.close()
    finally:
        bridge.stop()
    check = report.check(CheckKey.CARD_READER)
    assert check.status is CheckStatus.FAILED
    assert "没有权限" in check.detail and PORT in check.detail
    assert "dialout" in check.action
    assert "连接线" not in check.action  # not sent to re-plug hardware
    assert check.data["device_problem"] == PORT_DENIED


def test_the_status_bar_names_a_refused_port(qtbot) -> None:
    """Staff see the cause at the bottom of the screen, from the reader's thread to the bar."""
    from kiosk.settings import Settings
    from ui.devices import PrinterBridge
    from ui.status_bar import ConnectionSnapshot, StatusBar

    port = RefusingPort()
    bridge = CardReaderBridge(SamCardReader(port, PORT, SamTimings(reconnect_interval=0.05)))
    bar = StatusBar(
        lambda: ConnectionSnapshot("未连接", 0), PrinterBridge(None, Settings()), bridge
    )
    qtbot.addWidget(bar)
    assert bar.reader_label.text() == "读卡器：读卡器未连接"  # not yet tried
    bridge.start()
    try:
        qtbot.waitUntil(lambda: "无权限" in bar.reader_label.text(), timeout=5000)
        assert bar.reader_label.text() == "读卡器：端口无权限，请联系技术人员"
    finally:
        bar.timer.stop()
        bridge.stop()


def test_a_missing_port_is_still_called_unplugged(tmp_path: Path) -> None:
    """The real doctor, the real pyserial open of a node that does not exist (ENOENT)."""
    (tmp_path / "terminal.toml").write_text(
        '[devices]\ncard_reader = "sam:/dev/ttyNOPE-kiosk-test"\n', encoding="utf-8"
    )
    _code, report = kiosk_json("doctor", home=tmp_path)
    check = next(c for c in report["checks"] if c["key"] == "card_reader")
    assert check["status"] == "failed", json.dumps(check, ensure_ascii=False)
    assert check["detail"] == "读卡器未连接。"
    assert "连接线" in check["action"]
    assert check["data"]["device_problem"] == ReaderErrorCode.PORT_LOST.value
