"""Draw what the simulated printer printed as a PNG, the way the slip would look."""

from __future__ import annotations

import qrcode
from PIL import Image, ImageDraw

from printouts.document import Align
from printouts.escpos.parse import (
    CutPaper,
    Event,
    Feed,
    PrintedLine,
    QrPrinted,
    RasterImage,
)
from printouts.raster_text import LINE_DOTS, draw_line

_MARGIN = 16


def render_job(events: list[Event], dots: int) -> Image.Image:
    """A greyscale image ``dots`` + margins wide of the printed events, top to bottom."""
    strips: list[Image.Image] = []
    for e in events:
        match e:
            case PrintedLine(text=text, align=align, bold=bold, width=w, height=h):
                strip = draw_line(text, dots // w, align, bold, 1)
                if w != 1 or h != 1:
                    strip = strip.resize((strip.width * w, strip.height * h))
                strips.append(strip)
            case RasterImage(image=image):
                strips.append(image)
            case QrPrinted(payload=payload, module=module, align=align):
                strips.append(_qr(payload, module, align, dots))
            case Feed(lines=lines):
                strips.append(Image.new("1", (dots, LINE_DOTS * lines), 1))
            case CutPaper():
                strips.append(_cut_mark(dots))
            case _:
                pass
    height = sum(s.height for s in strips) + 2 * _MARGIN
    page = Image.new("L", (dots + 2 * _MARGIN, max(height, 2 * _MARGIN + 1)), 255)
    y = _MARGIN
    for s in strips:
        page.paste(s.convert("L"), (_MARGIN, y))
        y += s.height
    return page


def _qr(payload: str, module: int, align: Align, dots: int) -> Image.Image:
    code = qrcode.QRCode(
        border=0, box_size=max(1, module), error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    img = code.make_image().get_image().convert("1")
    strip = Image.new("1", (dots, img.height + 8), 1)
    x = {Align.LEFT: 0, Align.CENTER: (dots - img.width) // 2, Align.RIGHT: dots - img.width}[align]
    strip.paste(img, (max(0, x), 4))
    return strip


def _cut_mark(dots: int) -> Image.Image:
    strip = Image.new("1", (dots, 16), 1)
    draw = ImageDraw.Draw(strip)
    for x in range(0, dots, 12):
        draw.line((x, 8, x + 6, 8), fill=0)
    return strip
