"""Document → PDF bytes, on A4 pages or on a thermal-width strip.

Drawn directly on a reportlab canvas (no platypus): the blocks are few and
simple, and a strip's page height must be measured before drawing. Output is
deterministic (``invariant=1``) so tests and benchmarks can compare bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cache

import qrcode
from PIL import Image, ImageDraw
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

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
from printouts.pdf.fonts import CJK, LATIN, RunKind, register, run_width, runs, string_width
from printouts.raster_text import font as raster_font_at
from printouts.textwidth import wrap_by


class PageKind(Enum):
    A4 = "a4"
    THERMAL_58 = "58"
    THERMAL_80 = "80"


@dataclass(frozen=True, slots=True)
class _Geometry:
    width: float
    margin: float
    size: float  # body font size, pt
    qr: float  # QR side, pt
    label: float  # width of the label column of fields, pt (0: inline)


_GEOMETRY = {
    # 12 pt for elderly readers; the label column holds 8 Hanzi a line, longer labels wrap.
    PageKind.A4: _Geometry(210 * mm, 20 * mm, 12, 32 * mm, 40 * mm),
    PageKind.THERMAL_58: _Geometry(58 * mm, 4 * mm, 8, 30 * mm, 0),
    PageKind.THERMAL_80: _Geometry(80 * mm, 4 * mm, 8.5, 34 * mm, 0),
}
_A4_HEIGHT = 297 * mm
_CELL_PAD = 4.0  # pt between a table cell's ruling and its text


def render_pdf(doc: Document, page: PageKind = PageKind.A4) -> bytes:
    """The PDF of ``doc``; A4 paginates, thermal pages are one strip as long as the slip."""
    register()
    g = _GEOMETRY[page]
    if page is PageKind.A4:
        height = _A4_HEIGHT
    else:
        dry = _Writer(None, g, 0.0)
        dry.blocks(doc.blocks)
        height = dry.used + 2 * g.margin
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(g.width, height), invariant=1, pageCompression=1)
    canvas.setTitle(doc.title)
    canvas.setCreator("kiosk")
    writer = _Writer(canvas, g, height, paginate=page is PageKind.A4)
    writer.blocks(doc.blocks)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


class _Writer:
    """Draws blocks top-down; with ``canvas=None`` it only measures (``used``)."""

    def __init__(
        self, canvas: Canvas | None, g: _Geometry, height: float, *, paginate: bool = False
    ) -> None:
        self.c = canvas
        self.g = g
        self.height = height
        self.paginate = paginate
        self.y = height - g.margin
        self.used = 0.0
        self.inner = g.width - 2 * g.margin

    # -- primitives --------------------------------------------------------------------------

    def measure(self, size: float) -> Callable[[str], float]:
        """The width function ``wrap_by`` needs, at ``size`` points."""
        return lambda s: string_width(s, size)

    def _keep(self, height: float) -> None:
        """Start a new page unless ``height`` fits on this one, so a table row is not split.

        A block taller than a whole page is split anyway (from where it is).
        """
        if not self.paginate or self.c is None or self.y - height >= self.g.margin:
            return
        top = self.height - self.g.margin
        if height <= top - self.g.margin and self.y < top:
            self.c.showPage()
            self.y = top

    def _breaks(self, dy: float) -> bool:
        """Whether moving down by ``dy`` starts a new page."""
        return self.paginate and self.c is not None and self.y - dy < self.g.margin

    def _advance(self, dy: float) -> bool:
        """Move down by ``dy``, on a new page if it does not fit; True when a page began."""
        broke = self._breaks(dy)
        if broke:
            assert self.c is not None
            self.c.showPage()
            self.y = self.height - self.g.margin
        self.y -= dy
        self.used += dy
        return broke

    def text_line(
        self, text: str, size: float, x: float, align: Align = Align.LEFT, bold: bool = False
    ) -> None:
        """One line; ``x`` is the left edge of the box the line is aligned in."""
        self._advance(size * 1.45)
        if self.c is None:
            return
        box = self.g.margin + self.inner - x
        w = string_width(text, size)
        if align is Align.CENTER:
            x += (box - w) / 2
        elif align is Align.RIGHT:
            x += box - w
        self.draw_runs(text, x, self.y + size * 0.3, size, bold)

    def draw_runs(self, text: str, x: float, baseline: float, size: float, bold: bool) -> None:
        c = self.c
        assert c is not None
        for run in runs(text):
            if run.kind is RunKind.IMAGE:
                for ch in run.text:
                    c.drawImage(
                        ImageReader(_glyph_image(ch)), x, baseline - size * 0.15, size, size
                    )
                    x += size
                continue
            t = c.beginText(x, baseline)
            t.setFont(CJK if run.kind is RunKind.CJK else LATIN, size)
            # The CJK font has no bold face: fill and stroke the outline. The render
            # mode is graphics state and outlives the text object: set it back.
            if bold:
                c.setLineWidth(size / 30)
                t.setTextRenderMode(2)
            t.textOut(run.text)
            if bold:
                t.setTextRenderMode(0)
            c.drawText(t)
            x += run_width(run, size)

    def wrapped(
        self, text: str, size: float, x: float, align: Align = Align.LEFT, bold: bool = False
    ) -> None:
        limit = self.g.margin + self.inner - x
        for line in wrap_by(text, limit, self.measure(size)):
            self.text_line(line, size, x, align, bold)

    def rule(self, double: bool) -> None:
        self._advance(self.g.size * 0.8)
        if self.c is None:
            return
        c = self.c
        c.setLineWidth(0.6 if double else 0.4)
        left, right = self.g.margin, self.g.margin + self.inner
        c.line(left, self.y + self.g.size * 0.4, right, self.y + self.g.size * 0.4)
        if double:
            c.line(left, self.y + self.g.size * 0.4 - 2, right, self.y + self.g.size * 0.4 - 2)

    # -- blocks ------------------------------------------------------------------------------

    def blocks(self, blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            self.block(block)

    def block(self, block: Block) -> None:
        g, left = self.g, self.g.margin
        match block:
            case Heading(text=text, level=level):
                size = g.size * (1.8 if level == 1 else 1.3)
                self.wrapped(text, size, left, Align.CENTER, bold=True)
            case Text(text=text, align=align, bold=bold, large=large):
                size = g.size
                if large:  # as large as fits one line, up to 1.8×: numbers must not wrap
                    size = max(
                        g.size, min(g.size * 1.8, g.size * self.inner / string_width(text, g.size))
                    )
                self.wrapped(text, size, left, align, bold)
            case Field(label=label, value=value, large=large):
                self.field(label, value, g.size * (1.8 if large else 1))
            case ListItem(marker=marker, text=text):
                self.hanging(f"{marker} ", text, g.size)
            case Row(cells=cells, weights=weights, bold=bold):
                self.row(cells, weights, bold)
            case Rule(double=double):
                self.rule(double)
            case QrCode(payload=payload, caption=caption):
                self.qr(payload)
                if caption:
                    self.text_line(caption, g.size, left, Align.CENTER)
            case Blank(lines=lines):
                self._advance(g.size * 1.45 * lines)
            case SignatureLine(label=label):
                self.signature(label)
            case Cut():
                self._advance(g.size)

    def field(self, label: str, value: str, size: float) -> None:
        g = self.g
        if g.label == 0:  # thermal: hanging indent after the label
            self.hanging(f"{label}：", value, size)
            return
        # A4: a ruled two-column table row. Label and value each wrap inside their own
        # column, so a long label ("拟申请宅基地面积（平方米）") never runs into the value.
        measure = self.measure(size)
        labels = wrap_by(label, g.label - 2 * _CELL_PAD, measure)
        values = wrap_by(value or " ", self.inner - g.label - 2 * _CELL_PAD, measure)
        rows = max(len(labels), len(values))
        step = size * 1.8
        self._keep(rows * step)
        left, right = g.margin, g.margin + self.inner
        for i in range(rows):
            if i > 0 and self.c is not None and self._breaks(step):
                self.c.line(left, self.y, right, self.y)  # close the row at the page's foot
            broke = self._advance(step)
            if self.c is None:
                continue
            c = self.c
            base = self.y + size * 0.5
            if i < len(labels):
                self.draw_runs(labels[i], g.margin + _CELL_PAD, base, size, True)
            if i < len(values):
                self.draw_runs(values[i], g.margin + g.label + _CELL_PAD, base, size, False)
            # Ruled one line's slice at a time: a row taller than a page goes on over two.
            c.setLineWidth(0.4)
            top = self.y + step
            for x in (left, g.margin + g.label, right):
                c.line(x, self.y, x, top)
            if i == 0 or broke:
                c.line(left, top, right, top)
            if i == rows - 1:
                c.line(left, self.y, right, self.y)

    def hanging(self, prefix: str, value: str, size: float) -> None:
        """``prefix`` then ``value`` wrapped with its continuation lines under itself."""
        g = self.g
        indent = string_width(prefix, size)
        if indent > self.inner / 2:
            self.wrapped(prefix + value, size, g.margin)
            return
        lines = wrap_by(value or " ", self.inner - indent, self.measure(size))
        for i, line in enumerate(lines):
            self._advance(size * 1.45)
            if self.c is not None:
                base = self.y + size * 0.3
                if i == 0:
                    self.draw_runs(prefix, g.margin, base, size, False)
                self.draw_runs(line, g.margin + indent, base, size, False)

    def row(self, cells: tuple[str, ...], weights: tuple[int, ...], bold: bool) -> None:
        size = self.g.size
        self._advance(size * 1.45)
        if self.c is None:
            return
        total = sum(weights)
        x = self.g.margin
        for i, (cell, w) in enumerate(zip(cells, weights, strict=True)):
            box = self.inner * w / total
            text = cell
            while string_width(text, size) > box - size * 0.5 and len(text) > 1:
                text = text[:-2] + "…"
            cx = x + box - string_width(text, size) if i == len(cells) - 1 else x
            self.draw_runs(text, cx, self.y + size * 0.3, size, bold)
            x += box

    def qr(self, payload: str) -> None:
        side = self.g.qr
        self._advance(side + 4)
        if self.c is None:
            return
        matrix = _qr_matrix(payload)
        n = len(matrix)
        cell = side / n
        x0 = self.g.margin + (self.inner - side) / 2
        y0 = self.y + 2
        c = self.c
        c.setFillGray(0)
        for r, row in enumerate(matrix):
            for col, dark in enumerate(row):
                if dark:
                    c.rect(x0 + col * cell, y0 + side - (r + 1) * cell, cell, cell, 0, 1)

    def signature(self, label: str) -> None:
        size = self.g.size
        self._advance(size * 3)
        if self.c is None:
            return
        base = self.y + size * 0.3
        prefix = f"{label}："
        self.draw_runs(prefix, self.g.margin, base, size, True)
        x = self.g.margin + string_width(prefix, size)
        split = self.g.margin + self.inner * 0.6
        self.c.setLineWidth(0.5)
        self.c.line(x, base - 2, split - size, base - 2)
        self.draw_runs("日期：    年    月    日", split, base, size, False)


@cache
def _qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


@cache
def _glyph_image(ch: str) -> Image.Image:
    """A character no PDF font has, as a 96-px greyscale image on white."""
    f = raster_font_at(80)
    img = Image.new("L", (96, 96), 255)
    ImageDraw.Draw(img).text((8, 0), ch, font=f, fill=0)
    return img
