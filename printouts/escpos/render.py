"""Document → ESC/POS bytes for a 58 mm or 80 mm Chinese thermal printer.

The output is one complete job: ``ESC @``, ``FS &`` (Chinese mode), the
blocks, and a ``GS V`` cut for every ``Cut`` block. Lines the printer's
encoding cannot carry are sent as ``GS v 0`` raster images instead, so a
resident called 𠮷 still gets a readable receipt on a GBK printer.
"""

from __future__ import annotations

from printouts.document import (
    Align,
    Blank,
    Block,
    Cut,
    Document,
    Field,
    Heading,
    ListItem,
    QrCode,
    Row,
    Rule,
    SignatureLine,
    Text,
)
from printouts.escpos import commands as cmd
from printouts.escpos import pyescpos
from printouts.escpos.profile import PrinterProfile
from printouts.raster_text import draw_line
from printouts.textwidth import pad_cells, split_widths, text_width, wrap

_ALIGN = {Align.LEFT: 0, Align.CENTER: 1, Align.RIGHT: 2}


def render_escpos(doc: Document, profile: PrinterProfile) -> bytes:
    """The bytes of one print job for ``profile``; pure and deterministic (golden-tested)."""
    out = _Writer(profile)
    out.raw(cmd.INIT + cmd.CHINESE_ON)
    for block in doc.blocks:
        _render_block(out, block)
    return bytes(out.buf)


class _Writer:
    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.buf = bytearray()
        self.align = Align.LEFT
        self.bold = False
        self.size = (1, 1)

    def raw(self, data: bytes) -> None:
        self.buf += data

    def style(
        self, align: Align = Align.LEFT, bold: bool = False, size: tuple[int, int] = (1, 1)
    ) -> None:
        if align is not self.align:
            self.raw(cmd.align(_ALIGN[align]))
            self.align = align
        if bold != self.bold:
            self.raw(cmd.bold(bold))
            self.bold = bold
        if size != self.size:
            self.raw(cmd.size(*size))
            self.size = size

    def line(self, text: str) -> None:
        """One printed line in the current style, or its raster image if it cannot be encoded.

        Text never carries a control character to the printer (see ``cmd.printable``).
        """
        text = cmd.printable(text)
        try:
            encoded = text.encode(self.profile.encoding.value)
        except UnicodeEncodeError:
            image = draw_line(text, self.profile.dots, self.align, self.bold, self.size[1])
            self.raw(pyescpos.raster(image))
            return
        self.raw(encoded + cmd.LF)

    def columns(self, width: int) -> int:
        return self.profile.columns // width

    def large_size(self, text: str) -> tuple[int, int]:
        """Double width and height when ``text`` fits one line so, else double height only.

        An application number split over two lines is easy to misread.
        """
        return (2, 2) if text_width(text) <= self.columns(2) else (1, 2)


def _render_block(out: _Writer, block: Block) -> None:  # noqa: PLR0912
    match block:
        case Heading(text=text, level=level):
            size = out.large_size(text) if level == 1 else (1, 1)
            out.style(Align.CENTER, True, size)
            for line in wrap(text, out.columns(size[0])):
                out.line(line)
        case Text(text=text, align=align, bold=bold, large=large):
            size = out.large_size(text) if large else (1, 1)
            out.style(align, bold, size)
            for line in wrap(text, out.columns(size[0])):
                out.line(line)
        case Field(label=label, value=value, large=large):
            size = out.large_size(f"{label}：{value}") if large else (1, 1)
            out.style(Align.LEFT, False, size)
            for line in _field_lines(label, value, out.columns(size[0])):
                out.line(line)
        case ListItem(marker=marker, text=text):
            out.style(Align.LEFT, False)
            for line in _hanging(f"{marker} ", text, out.columns(1)):
                out.line(line)
        case Row(cells=cells, weights=weights, bold=bold):
            out.style(Align.LEFT, bold)
            widths = split_widths(weights, out.columns(1))
            if len(cells) > 1 and text_width(cells[0]) > widths[0] - 1:
                # Too long for its column on this paper: own line(s), never cut short.
                for line in wrap(cells[0], out.columns(1)):
                    out.line(line)
                cells = ("", *cells[1:])
            out.line(pad_cells(cells, widths))
        case Rule(double=double):
            out.style(Align.LEFT, False)
            out.line(("=" if double else "-") * out.columns(1))
        case QrCode(payload=payload, caption=caption):
            out.style(Align.CENTER, False)
            p = out.profile
            if p.native_qr:
                out.raw(pyescpos.qr_native(payload, p.qr_module))
            else:
                out.raw(pyescpos.raster(pyescpos.qr_image(payload, p.qr_module, p.dots)))
            if caption:
                out.line(caption)
        case Blank(lines=lines):
            out.raw(cmd.LF * lines)
        case SignatureLine(label=label):
            out.style(Align.LEFT, False)
            out.raw(cmd.LF)
            prefix = f"{label}："
            out.line(prefix + "_" * (out.columns(1) - text_width(prefix)))
            out.line("日期：" + " " * 8 + "年" + " " * 4 + "月" + " " * 4 + "日")
        case Cut():
            out.style(Align.LEFT, False)
            out.raw(pyescpos.cut())


def _field_lines(label: str, value: str, columns: int) -> list[str]:
    """``label：value`` with continuation lines indented under the value when the label is short."""
    return _hanging(f"{label}：", value, columns)


def _hanging(prefix: str, value: str, columns: int) -> list[str]:
    indent = text_width(prefix)
    if indent > columns // 2:
        return wrap(prefix + value, columns)
    parts = wrap(value, columns - indent) if value else [""]
    return [prefix + parts[0]] + [" " * indent + p for p in parts[1:]]
