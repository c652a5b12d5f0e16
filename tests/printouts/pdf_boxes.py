"""Text fragments of a PDF with their positions and boxes, read back with pypdf.

The PDF renderer draws each run of one font as its own text object, so every
fragment pypdf reports starts at a known x. Widths come from the same font
metrics the renderer used (``printouts.pdf.fonts.string_width``); a fragment's
box spans the em box of its characters (0.12 em below the baseline to 0.88 em
above), which is where the glyphs of a CJK font are drawn.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass

from pypdf import PdfReader

from printouts.pdf.fonts import string_width


@dataclass(frozen=True, slots=True)
class Fragment:
    """One text object: its text, page, baseline origin and font size (points)."""

    text: str
    page: int
    x: float
    y: float
    size: float

    @property
    def right(self) -> float:
        return self.x + string_width(self.text, self.size)

    @property
    def bottom(self) -> float:
        return self.y - 0.12 * self.size

    @property
    def top(self) -> float:
        return self.y + 0.88 * self.size

    def overlaps(self, other: Fragment, tolerance: float = 0.01) -> bool:
        """Whether the two boxes share area (touching edges do not count)."""
        return (
            self.page == other.page
            and self.x < other.right - tolerance
            and other.x < self.right - tolerance
            and self.bottom < other.top - tolerance
            and other.bottom < self.top - tolerance
        )


def fragments(pdf: bytes) -> list[Fragment]:
    """Every non-blank text fragment of every page, in drawing order."""
    reader = PdfReader(io.BytesIO(pdf))
    out: list[Fragment] = []
    for number, page in enumerate(reader.pages):

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            number: int = number,
        ) -> None:
            if not text.strip():
                return
            # Text space → user space: tm then cm (both plain scale + translate here).
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            out.append(Fragment(text, number, x, y, size * tm[0] * cm[0]))

        page.extract_text(visitor_text=visit)
    return out


def lines(pdf: bytes) -> list[list[Fragment]]:
    """Fragments grouped by page and baseline, each group sorted left to right."""
    groups: dict[tuple[int, float], list[Fragment]] = defaultdict(list)
    for f in fragments(pdf):
        groups[(f.page, round(f.y, 1))].append(f)
    return [
        sorted(group, key=lambda f: f.x)
        for _, group in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
    ]
