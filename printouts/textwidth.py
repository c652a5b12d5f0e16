"""Column arithmetic for fixed-pitch thermal printers.

On ESC/POS printers in Chinese mode a Hanzi takes two columns of the 12×24
ASCII font (a 24×24 glyph), so a 58 mm head (384 dots) holds 32 ASCII or 16
Chinese characters per line and an 80 mm head (576 dots) 48 or 24.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable


def char_width(ch: str) -> int:
    """1 for ASCII, 2 for everything else.

    Not East Asian Width: in Chinese mode every GB double-byte character,
    ambiguous ones like ``·`` and ``…`` included, prints 24 dots wide.
    """
    if unicodedata.combining(ch):
        return 0
    return 1 if ord(ch) < 0x80 else 2


def text_width(text: str) -> int:
    """Width of ``text`` in printer columns."""
    return sum(char_width(ch) for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break ``text`` into lines of at most ``columns`` printer columns (see ``wrap_by``)."""
    return wrap_by(text, columns, text_width)


def wrap_by(text: str, limit: float, measure: Callable[[str], float]) -> list[str]:
    """Break ``text`` into lines no wider than ``limit``.

    Chinese has no spaces to break at, so this breaks anywhere, except that a
    run of ASCII letters and digits (an application number, a URL) is kept
    whole when it fits on a line of its own. ``measure`` gives a string's width
    in the unit of ``limit`` (columns on thermal printers, points in PDFs).
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, limit, measure))
    return lines


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and ch.isalnum():
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(ch)
    if word:
        tokens.append(word)
    return tokens


#: Never at the start of a line (closing punctuation) / never at its end (opening).
_NO_START = frozenset("，。、；：！？）》」』】…,.;:!?)")
_NO_END = frozenset("（《「『【(")


def _wrap_paragraph(text: str, columns: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    current = ""
    width = 0.0
    for token in _tokens(text):
        tw = measure(token)
        if width + tw > columns and current:
            carry = ""
            # 避头尾: pull the last character down with closing punctuation, or an
            # opening bracket down with what it opens.
            if (
                len(current) > 1
                and (token in _NO_START or current[-1] in _NO_END)
                and measure(current[-1]) + tw <= columns
            ):
                current, carry = current[:-1], current[-1]
            lines.append(current.rstrip())
            current, width = carry, measure(carry) if carry else 0.0
            if token.isspace():
                continue
        if tw > columns:
            for ch in token:
                cw = measure(ch)
                if width + cw > columns and current:
                    lines.append(current)
                    current, width = "", 0.0
                current += ch
                width += cw
            continue
        current += token
        width += tw
    lines.append(current.rstrip())
    return lines


def pad_cells(cells: tuple[str, ...], widths: tuple[int, ...]) -> str:
    """Lay cells out on one line: each left-aligned in its width, the last right-aligned.

    A cell too long for its width is cut with ``…`` so a table never wraps.
    """
    out = []
    last = len(cells) - 1
    for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
        c = _fit(cell, w if i == last else w - 1)  # keep a space between cells
        pad = " " * (w - text_width(c))
        out.append(pad + c if i == last and last > 0 else c + pad)
    return "".join(out).rstrip()


def _fit(text: str, width: int) -> str:
    if text_width(text) <= width:
        return text
    out, w = "", 0
    for ch in text:
        cw = char_width(ch)
        if w + cw > width - char_width("…"):
            break
        out += ch
        w += cw
    return out + "…"


def split_widths(weights: tuple[int, ...], columns: int) -> tuple[int, ...]:
    """Share ``columns`` between cells by ``weights``; the last cell takes the rest."""
    total = sum(weights)
    widths = [columns * w // total for w in weights[:-1]]
    widths.append(columns - sum(widths))
    return tuple(widths)
