"""A small document model between layouts and renderers.

Layouts say *what* is printed (a heading, a field, a QR code, a cut); the
ESC/POS and PDF renderers decide *how* for their medium. Keeping the model this
small is what lets one layout serve 58 mm, 80 mm and A4.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Align(Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Heading:
    """A title printed double size (ESC/POS ``GS !`` 0x11) or in a large font (PDF)."""

    text: str
    level: int = 1


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph, wrapped to the paper width."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    large: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """``label：value`` with the value wrapped under itself (hanging indent)."""

    label: str
    value: str
    large: bool = False


@dataclass(frozen=True, slots=True)
class ListItem:
    """``1. text`` with continuation lines indented under the text."""

    marker: str
    text: str


@dataclass(frozen=True, slots=True)
class Row:
    """A table row; ``weights`` share the width between cells, the last cell is right-aligned."""

    cells: tuple[str, ...]
    weights: tuple[int, ...]
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal separator line."""

    double: bool = False


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR code, centred, with an optional caption under it."""

    payload: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Blank:
    """Vertical space, in lines."""

    lines: int = 1


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """A label followed by a blank line to sign on (forms) and a date."""

    label: str


@dataclass(frozen=True, slots=True)
class Cut:
    """End of a slip: feed past the tear bar and cut (``GS V``); a page end in PDFs."""


Block = Heading | Text | Field | ListItem | Row | Rule | QrCode | Blank | SignatureLine | Cut


@dataclass(frozen=True, slots=True)
class Document:
    """A titled sequence of blocks; ``title`` also names the PDF and the CUPS job."""

    title: str
    blocks: tuple[Block, ...]
