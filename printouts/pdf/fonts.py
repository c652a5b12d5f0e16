"""Font set-up for reportlab, with per-character fallback.

The embedded CJK font (see ``printouts.fonts``) lacks a few characters that
residents' names use: the middle dot ``·`` of minority names is taken from
Helvetica (a standard PDF font, WinAnsi covers it), and anything in neither
(𠮷, U+20BB7) is drawn as a small image rendered with Noto Sans CJK, the same
idea as the ESC/POS raster fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from printouts.fonts import pdf_font

CJK = "KioskCJK"
LATIN = "Helvetica"


class RunKind(Enum):
    CJK = "cjk"
    LATIN = "latin"
    IMAGE = "image"


@dataclass(frozen=True, slots=True)
class Run:
    kind: RunKind
    text: str


@cache
def register() -> frozenset[int]:
    """Register the CJK font once per process; returns the code points it covers."""
    f = pdf_font()
    font = TTFont(CJK, str(f.path), subfontIndex=f.index)
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph)


def _latin_ok(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def runs(text: str) -> list[Run]:
    """Split ``text`` into runs drawn with the CJK font, Helvetica, or as images."""
    covered = register()
    out: list[Run] = []
    for ch in text:
        if ord(ch) in covered:
            kind = RunKind.CJK
        elif _latin_ok(ch):
            kind = RunKind.LATIN
        else:
            kind = RunKind.IMAGE
        if out and out[-1].kind is kind and kind is not RunKind.IMAGE:
            out[-1] = Run(kind, out[-1].text + ch)
        else:
            out.append(Run(kind, ch))
    return out


def run_width(run: Run, size: float) -> float:
    if run.kind is RunKind.IMAGE:
        return size * len(run.text)
    name = CJK if run.kind is RunKind.CJK else LATIN
    return float(pdfmetrics.stringWidth(run.text, name, size))


def string_width(text: str, size: float) -> float:
    """Width in points of ``text`` drawn with fallbacks at ``size``."""
    return sum(run_width(r, size) for r in runs(text))
