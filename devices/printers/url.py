"""Printer URLs, parsed once into typed values.

``escpos:/dev/ttyUSB0?baud=19200&width=58&encoding=gbk&qr=raster``, ``escpos:/dev/usb/lp0``,
``escpos:socket://host:9100``, ``escpos:sim``, ``cups:QUEUE``, ``pdf:PATH``
(optional ``?page=a4|58|80``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from devices.printers.errors import PrinterUrlError
from printouts.escpos.profile import PrinterProfile, TextEncoding

if TYPE_CHECKING:  # the PDF renderer (reportlab, qrcode) loads only for a pdf: URL
    from printouts.pdf.render import PageKind


@dataclass(frozen=True, slots=True)
class EscPosUrl:
    port: str  # a pyserial URL or device path, or "sim"
    baudrate: int
    profile: PrinterProfile


@dataclass(frozen=True, slots=True)
class CupsUrl:
    queue: str


@dataclass(frozen=True, slots=True)
class PdfUrl:
    path: Path
    page: PageKind


PrinterUrl = EscPosUrl | CupsUrl | PdfUrl


def _split_query(rest: str) -> tuple[str, dict[str, str]]:
    # socket://host:9100 has no '?'; a query is only ours when its keys are known.
    if "?" not in rest:
        return rest, {}
    base, query = rest.rsplit("?", 1)
    parsed = parse_qs(query, keep_blank_values=True, strict_parsing=False)
    return base, {k: v[-1] for k, v in parsed.items()}


def parse_printer_url(
    url: str, default_encoding: TextEncoding = TextEncoding.GB18030
) -> PrinterUrl:
    """Parse ``url``; raises ``PrinterUrlError`` naming what is wrong."""
    scheme, sep, rest = url.partition(":")
    if not sep or not rest:
        raise PrinterUrlError(f"打印机地址格式有误：{url!r}（应为 escpos:…、cups:… 或 pdf:…）")
    try:
        if scheme == "escpos":
            base, q = _split_query(rest)
            unknown = set(q) - {"baud", "width", "encoding", "qr"}
            if unknown:
                raise ValueError(f"unknown option(s) {sorted(unknown)}")
            qr = q.get("qr", "native")
            if qr not in ("native", "raster"):
                raise ValueError("qr is native or raster")
            profile = PrinterProfile(
                width_mm=int(q.get("width", "80")),
                encoding=TextEncoding(q.get("encoding", default_encoding.value)),
                native_qr=qr == "native",
            )
            return EscPosUrl(base, int(q.get("baud", "9600")), profile)
        if scheme == "cups":
            return CupsUrl(rest)
        if scheme == "pdf":
            # Here, not at the top: importing the renderer loads reportlab, qrcode and PIL,
            # which a kiosk with a receipt printer never needs (issue 16, goal 1).
            from printouts.pdf.render import PageKind

            base, q = _split_query(rest)
            return PdfUrl(Path(base), PageKind(q.get("page", "a4")))
    except ValueError as exc:
        raise PrinterUrlError(f"打印机地址 {url!r} 有误：{exc}") from exc
    raise PrinterUrlError(f"不支持的打印机类型：{scheme!r}")
