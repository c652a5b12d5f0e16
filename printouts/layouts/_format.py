"""Date and time formats used on every printout (the resident reads 2026年11月23日 best)."""

from __future__ import annotations

from datetime import date, datetime

from printouts.document import Align, Block, Text


def fmt_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_datetime(t: datetime) -> str:
    return f"{t.year}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def reprint_title(title: str, reprint: bool) -> str:
    """A slip printed again says so in its heading (受理回执（补打）), so nobody takes a second
    copy for a second filing; every reprintable slip marks itself here, and only here."""
    return f"{title}（补打）" if reprint else title


def reprint_note(what: str, reprint: bool) -> list[Block]:
    """The line at the foot of a reprint (本回执为补打件), for a slip whose heading was cut off."""
    return [Text(f"本{what}为补打件", Align.CENTER)] if reprint else []
