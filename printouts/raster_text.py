"""Draw a line of text as a 1-bit image with a CJK font.

Used by the ESC/POS renderer when a printer's encoding cannot carry a
character (𠮷 on GBK, 喆 on GB2312) and by the simulator to draw what it printed.
"""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw, ImageFont

from printouts.document import Align
from printouts.fonts import raster_font
from printouts.textwidth import char_width, text_width

#: Height of one text line in dots: a 24-dot glyph plus the 6-dot default gap (ESC 2 = 30 dots).
LINE_DOTS = 30
GLYPH_DOTS = 24


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    f = raster_font(bold)
    return ImageFont.truetype(str(f.path), size, index=f.index)


def draw_line(
    text: str, width_dots: int, align: Align = Align.LEFT, bold: bool = False, scale: int = 1
) -> Image.Image:
    """``text`` on a white strip ``width_dots`` wide and one (scaled) line high, black = 0.

    Characters sit in the printer's fixed cells (12 dots for ASCII, 24 for the
    rest) so columns line up exactly as on paper.
    """
    height = LINE_DOTS * scale
    img = Image.new("1", (width_dots, height), 1)
    f = font(GLYPH_DOTS * scale, bold)
    draw = ImageDraw.Draw(img)
    cell = 12 * scale
    w = text_width(text) * cell
    x = 0
    if align is Align.CENTER:
        x = max(0, (width_dots - w) // 2)
    elif align is Align.RIGHT:
        x = max(0, width_dots - w)
    # CJK glyphs sit on a baseline 0.88 em below the top of the em box; placing
    # it so keeps descenders (_, g, y) inside the line as on paper.
    baseline = (height - GLYPH_DOTS * scale) // 2 + round(0.88 * GLYPH_DOTS * scale)
    for ch in text:
        cw = char_width(ch) * cell
        if not ch.isspace():
            gx = x + (cw - draw.textlength(ch, font=f)) / 2
            draw.text((gx, baseline), ch, font=f, fill=0, anchor="ls")
        x += cw
    return img
