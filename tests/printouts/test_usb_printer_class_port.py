"""``escpos:/dev/usb/lp0``: a USB printer-class receipt printer is driven, not called unplugged.

Most Chinese thermal printers plug in as USB printer-class devices (``usblp``), whose
``/dev/usb/lpN`` is a character device but not a terminal: pyserial cannot configure it, so
the kiosk reported "disconnected" (check the cable) for a printer that was fine. The raw
device port (``devices/printers/usblp.py``) writes and reads the device file as it is.

No usblp device exists on a test machine. The port class runs here against the printer
simulator's pseudo-terminal, the real ESC/POS byte protocol both ways; the choice of port
runs against real character devices: ``/dev/null`` (not a terminal: the raw port; it takes
every byte and never answers) and the simulator's pty (a terminal: pyserial).
"""

from __future__ import annotations

import serial

from devices.printers.escpos_serial import EscPosPrinter
from devices.printers.simulator.server import PrinterSimulator
from devices.printers.status import PrinterStatus
from devices.printers.usblp import UsbLpPort, is_raw_device, open_escpos_port
from kiosk.diagnostics import PORT_DENIED, CheckStatus, DeviceFact, check_receipt_printer
from printouts import samples
from printouts.escpos.profile import PrinterProfile
from printouts.layouts import layout_receipt


def _through_raw_port(url: str, **options: float) -> UsbLpPort:
    return UsbLpPort(url, timeout=options["timeout"], write_timeout=options["write_timeout"])


def test_a_receipt_prints_through_the_raw_device_port_with_status_both_ways(
    simulator: PrinterSimulator,
) -> None:
    printer = EscPosPrinter(
        simulator.port, PrinterProfile(width_mm=58), status_timeout=0.3, open_port=_through_raw_port
    )
    try:
        assert printer.status() is PrinterStatus.READY  # DLE EOT out, four answers back
        outcome = printer.print_document(layout_receipt(samples.receipt()))
        assert outcome.status_before is outcome.status_after is PrinterStatus.READY
        (job,) = simulator.wait_for_jobs(1, timeout=10)
        assert job.complete and samples.APPLICATION_NUMBER in job.lines
        assert job.qr_payloads == [samples.QR_PAYLOAD]
        simulator.control("paper-out")
        assert printer.status() is PrinterStatus.NO_PAPER  # the answers still come back
    finally:
        printer.close()


def test_a_character_device_that_is_not_a_terminal_gets_the_raw_port() -> None:
    assert is_raw_device("/dev/null")
    port = open_escpos_port("/dev/null", timeout=0.05)
    try:
        assert isinstance(port, UsbLpPort)
        assert port.write(b"\x10\x04\x01") == 3
        assert port.read(1) == b""  # nothing answers: a timeout, not an error
    finally:
        port.close()


def test_a_printer_that_takes_bytes_but_never_answers_is_no_answer_not_disconnected() -> None:
    """Before: pyserial's ENOTTY made every raw device "disconnected" (检查连接线)."""
    printer = EscPosPrinter("/dev/null", PrinterProfile(), status_timeout=0.05)
    try:
        assert printer.status() is PrinterStatus.NO_ANSWER
        assert printer.problem == ""
    finally:
        printer.close()


def test_a_terminal_still_gets_pyserial(simulator: PrinterSimulator) -> None:
    assert not is_raw_device(simulator.port)
    assert not is_raw_device("/dev/usb/lp-kiosk-test-missing")  # pyserial says why
    port = open_escpos_port(simulator.port, timeout=0.05)
    try:
        assert isinstance(port, serial.Serial)
    finally:
        port.close()


def test_a_refused_usb_printer_port_names_the_lp_group() -> None:
    fact = DeviceFact(
        True, "escpos:/dev/usb/lp0", PrinterStatus.DISCONNECTED.value, False, problem=PORT_DENIED
    )
    check = check_receipt_printer(fact)
    assert check.status is CheckStatus.FAILED
    assert "lp 组" in check.action and "dialout" not in check.action
    serial_fact = DeviceFact(
        True, "escpos:/dev/ttyUSB0", PrinterStatus.DISCONNECTED.value, False, problem=PORT_DENIED
    )
    assert "dialout" in check_receipt_printer(serial_fact).action


def test_a_udev_name_for_a_usb_printer_names_the_lp_group(tmp_path) -> None:
    """deploy/udev gives the printer a stable name (/dev/kiosk-printer) pointing at usb/lp0."""
    stable = tmp_path / "kiosk-printer"
    stable.symlink_to("/dev/usb/lp0")  # the device need not exist for the name to be read
    fact = DeviceFact(
        True, f"escpos:{stable}", PrinterStatus.DISCONNECTED.value, False, problem=PORT_DENIED
    )
    assert "lp 组" in check_receipt_printer(fact).action
