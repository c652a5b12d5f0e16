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


#: 避头: never at the start of a line. Closing brackets and quotes, pauses and stops, the
#: ellipsis, dash, middle dot and per cent sign, in ASCII and full-width forms. A line that
#: begins with "）" or "，" reads as a printing fault and makes the reader lose the sentence.
NO_LINE_START = frozenset(
    "，。、；：？！）》」』】〕〉｝］〗〙〛｠｣”’…—·%‰℃～"
    "．％＞"  # full-width forms of ASCII ones not already above
    ",.;:?!)]}>"
)

#: 避尾: never at the end of a line. Opening brackets and quotes, ASCII and full-width.
NO_LINE_END = frozenset("（《「『【〔〈｛［〖〘〚｟｢“‘＜([{<")


def wrap_by(text: str, limit: float, measure: Callable[[str], float]) -> list[str]:
    """Break ``text`` into lines no wider than ``limit``, following the 避头尾 rules.

    This is the one line breaker of every printout (ESC/POS and PDF alike), so
    the rules hold on every paper. Chinese has no spaces to break at, so a line
    may break between any two characters, except:

    * no line starts with a character of ``NO_LINE_START`` and none ends with one
      of ``NO_LINE_END``: the break moves back, pulling the last characters of
      the line down with the punctuation (no hanging punctuation: a thermal
      head has no margin to hang it in);
    * a run of ASCII characters without spaces (an application number such as
      330102001-20261123-0007, a URL) is kept whole when it fits on a line of its own;
    * spaces at a break are dropped.

    Only a text with no permitted break within one line (a URL longer than the
    line, a row of closing brackets) is broken elsewhere, first still obeying
    避头尾, then anywhere: every line fits ``limit`` whatever the text, except a
    single character wider than it. ``measure`` gives a string's width in the
    unit of ``limit`` (columns on thermal printers, points in PDFs); widths are
    taken as additive over characters, which holds for both (no kerning).
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, limit, measure))
    return lines


def _word_char(ch: str) -> bool:
    """Part of an ASCII run kept whole: 330102001-20261123-0007 and URLs are one word each."""
    return ch.isascii() and ch.isprintable() and not ch.isspace()


def _break_rank(text: str, i: int) -> int:
    """How acceptable a line break before ``text[i]`` is, best first.

    3: a good break; 2: inside an ASCII run, after its punctuation (330102001- /
    20261123); 1: elsewhere inside an ASCII run; 0: breaks 避头尾; -1: no break
    at all (it would leave only spaces on one side, or split a combining mark).
    Spaces around a break are dropped, so the rules look at the nearest
    non-space characters on either side.
    """
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    k = i
    while k > 0 and text[k - 1] == " ":
        k -= 1
    if j == len(text) or k == 0 or unicodedata.combining(text[j]):
        return -1
    if text[j] in NO_LINE_START or text[k - 1] in NO_LINE_END:
        return 0
    if i == j == k and _word_char(text[i - 1]) and _word_char(text[i]):
        return 1 if text[i - 1].isalnum() else 2
    return 3


def _wrap_paragraph(text: str, limit: float, measure: Callable[[str], float]) -> list[str]:
    n = len(text)
    # right[i]: width of text[:i] (widths are additive); kept[i]: text[:i] without trailing spaces.
    right = [0.0]
    kept = [0]
    for i, ch in enumerate(text, 1):
        right.append(right[-1] + measure(ch))
        kept.append(kept[-1] if ch == " " else i)
    lines: list[str] = []
    start = 0
    while True:
        if right[kept[n]] - right[start] <= limit:
            lines.append(text[start : kept[n]])
            return lines
        # Candidate breaks that keep the line within the limit; the furthest of the best rank wins.
        fits: list[int] = []
        for i in range(start + 1, n):
            if right[kept[i]] - right[start] > limit:
                break
            fits.append(i)
        end = start + 1  # not even one character fits: it goes on a line of its own
        for wanted in (3, 2, 1, 0):
            ok = [i for i in fits if _break_rank(text, i) >= wanted]
            if ok:
                end = ok[-1]
                break
        lines.append(text[start : kept[end]])
        start = end
        while start < n and text[start] == " ":
            start += 1  # spaces at a break are dropped
        if start == n:
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
