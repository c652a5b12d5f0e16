"""Date and time formats used on every printout (the resident reads 2026年11月23日 best)."""

from __future__ import annotations

from datetime import date, datetime


def fmt_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_datetime(t: datetime) -> str:
    return f"{t.year}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"
