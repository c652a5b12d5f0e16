"""Decode a whole ESC/POS job into plain facts, for tests and for ``kiosk print`` diagnostics."""

from __future__ import annotations

from dataclasses import dataclass

from printouts.escpos.parse import (
    CutPaper,
    EscPosParser,
    Event,
    PrintedLine,
    QrPrinted,
    RasterImage,
)
from printouts.escpos.profile import TextEncoding


@dataclass(frozen=True, slots=True)
class DecodedJob:
    events: tuple[Event, ...]

    @property
    def lines(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, PrintedLine)]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def qr_payloads(self) -> list[str]:
        return [e.payload for e in self.events if isinstance(e, QrPrinted)]

    @property
    def cuts(self) -> int:
        return sum(1 for e in self.events if isinstance(e, CutPaper))

    @property
    def rasters(self) -> list[RasterImage]:
        return [e for e in self.events if isinstance(e, RasterImage)]


def decode(data: bytes, encoding: TextEncoding = TextEncoding.GB18030) -> DecodedJob:
    parser = EscPosParser(encoding=encoding)
    events = parser.feed(data) + parser.flush()
    return DecodedJob(tuple(events))
