"""Printer URLs and the factory that turns them into printers."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.printers.cups import CupsPrinter
from devices.printers.errors import PrinterUrlError
from devices.printers.escpos_serial import EscPosPrinter
from devices.printers.factory import open_printer
from devices.printers.pdf_file import PdfFilePrinter
from devices.printers.protocol import A4Printer, ReceiptPrinter
from devices.printers.status import PrinterStatus
from devices.printers.url import CupsUrl, EscPosUrl, PdfUrl, parse_printer_url
from printouts.escpos.profile import PrinterProfile, TextEncoding
from printouts.pdf.render import PageKind
from tests.printouts.conftest import sample_documents


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("escpos:/dev/ttyUSB0", EscPosUrl("/dev/ttyUSB0", 9600, PrinterProfile())),
        (
            "escpos:/dev/ttyUSB0?baud=19200&width=58",
            EscPosUrl("/dev/ttyUSB0", 19200, PrinterProfile(width_mm=58)),
        ),
        (
            "escpos:socket://10.0.0.5:9100?encoding=gb2312&qr=raster",
            EscPosUrl(
                "socket://10.0.0.5:9100",
                9600,
                PrinterProfile(encoding=TextEncoding.GB2312, native_qr=False),
            ),
        ),
        ("escpos:sim", EscPosUrl("sim", 9600, PrinterProfile())),
        ("cups:Office_A4", CupsUrl("Office_A4")),
        ("pdf:/tmp/x.pdf", PdfUrl(Path("/tmp/x.pdf"), PageKind.A4)),
        ("pdf:/tmp/x.pdf?page=58", PdfUrl(Path("/tmp/x.pdf"), PageKind.THERMAL_58)),
    ],
)
def test_parse_printer_url(url: str, expected: object) -> None:
    assert parse_printer_url(url) == expected


def test_configured_encoding_is_the_default() -> None:
    parsed = parse_printer_url("escpos:/dev/ttyS0", TextEncoding.GBK)
    assert isinstance(parsed, EscPosUrl) and parsed.profile.encoding is TextEncoding.GBK


@pytest.mark.parametrize(
    "url",
    [
        "",
        "escpos",
        "lpt:/dev/lp0",
        "escpos:/dev/ttyUSB0?width=76",
        "escpos:/dev/x?speed=1",
        "pdf:/x?page=a5",
    ],
)
def test_bad_urls_are_refused_with_a_message(url: str) -> None:
    with pytest.raises(PrinterUrlError):
        parse_printer_url(url)


def test_factory_builds_each_kind(tmp_path: Path) -> None:
    assert isinstance(open_printer("escpos:/dev/ttyUSB9?width=58"), EscPosPrinter)
    assert isinstance(open_printer("escpos:/dev/ttyUSB9"), ReceiptPrinter)
    cups = open_printer("cups:PDF")
    assert isinstance(cups, CupsPrinter) and isinstance(cups, A4Printer)
    assert isinstance(open_printer(f"pdf:{tmp_path / 'a.pdf'}"), PdfFilePrinter)


def test_pdf_file_printer_writes_the_pdf(tmp_path: Path) -> None:
    printer = open_printer(f"pdf:{tmp_path / 'out.pdf'}?page=80")
    assert printer.status() is PrinterStatus.READY
    outcome = printer.print_document(sample_documents()["receipt"])
    assert outcome.reference == str(tmp_path / "out.pdf")
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.tmp"))


def test_escpos_sim_starts_a_simulator_with_a_control_socket(tmp_path: Path) -> None:
    printer = open_printer("escpos:sim?width=58", run_dir=tmp_path)
    try:
        assert printer.status() is PrinterStatus.READY
        printer.print_document(sample_documents()["test-page"])
        assert (tmp_path / "printer-sim.sock").exists()
        assert list((tmp_path / "printer-sim-jobs").glob("job-*.png"))
    finally:
        printer.close()
