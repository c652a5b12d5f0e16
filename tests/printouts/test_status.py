"""DLE EOT answers → one status, from real byte values (Epson ESC/POS reference)."""

from __future__ import annotations

import pytest

from devices.printers.status import PrinterStatus, parse_status

OK = 0x12


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        ((OK, OK, OK, OK), PrinterStatus.READY),
        ((OK, OK, OK, 0x1E), PrinterStatus.PAPER_NEAR_END),  # n=4 bits 2,3
        (
            (0x1A, 0x32, OK, 0x72),
            PrinterStatus.NO_PAPER,
        ),  # offline, stopped at paper end, paper end
        ((0x1A, 0x16, OK, OK), PrinterStatus.COVER_OPEN),  # n=2 bit 2
        ((0x1A, 0x36, OK, 0x72), PrinterStatus.COVER_OPEN),  # cover open wins over paper
        ((0x1A, OK, OK, OK), PrinterStatus.OFFLINE),
        ((0x1A, 0x52, 0x1A, OK), PrinterStatus.ERROR),  # error, cutter error
        ((0xFF, OK, OK, OK), PrinterStatus.ERROR),  # not a status byte at all
    ],
)
def test_parse_status(answers: tuple[int, int, int, int], status: PrinterStatus) -> None:
    assert parse_status(*answers) is status
