"""What one receipt printer can do: paper width, text encoding, native QR."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TextEncoding(StrEnum):
    """The double-byte encoding a printer's Chinese mode understands.

    Cheap models know only GB2312 (no 喆, 堃, 珺 or ``·``); most know GBK;
    newer ones GB18030 with four-byte sequences (𠮷).
    """

    GB18030 = "gb18030"
    GBK = "gbk"
    GB2312 = "gb2312"


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    """Paper and capabilities of one printer model; a per-printer setting."""

    width_mm: int = 80
    encoding: TextEncoding = TextEncoding.GB18030
    native_qr: bool = True
    qr_module: int = 6

    def __post_init__(self) -> None:
        if self.width_mm not in (58, 80):
            raise ValueError("width_mm must be 58 or 80")

    @property
    def dots(self) -> int:
        """Printable dots per line at 203 dpi: 384 on 58 mm paper, 576 on 80 mm."""
        return 384 if self.width_mm == 58 else 576

    @property
    def columns(self) -> int:
        """ASCII columns of the 12×24 font; a Hanzi takes two."""
        return self.dots // 12
