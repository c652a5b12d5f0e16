"""Working days for 限时办结: the department's 办结期限 and the kiosk's 预计办结.

办结期限 is counted from the 受理日 (:meth:`WorkCalendar.due_date`, used by the platform);
before acceptance the kiosk can only estimate (:meth:`WorkCalendar.estimated_completion`).

Working days in China are not Monday to Friday: public holidays are extended
with make-up workdays (调休) on weekends, published each year by the State
Council. The calendar is therefore data (config/holidays/YEAR.json, replaceable
by the platform), never code; a year with no calendar falls back to plain
weekends and says so, so a promised date is never silently wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class YearCalendar:
    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]  # weekend days that are make-up workdays (调休上班)
    provisional: bool
    source: str


def calendar_from_dict(data: dict[str, Any]) -> YearCalendar:
    return YearCalendar(
        year=int(data["year"]),
        holidays=frozenset(dt.date.fromisoformat(d) for d in data["holidays"]),
        workdays=frozenset(dt.date.fromisoformat(d) for d in data["workdays"]),
        provisional=bool(data.get("provisional", False)),
        source=str(data.get("source", "")),
    )


class WorkCalendar:
    """Answers "is this a working day" across years; knows which years it is unsure of."""

    def __init__(self, years: Iterable[YearCalendar]) -> None:
        self._years = {calendar.year: calendar for calendar in years}

    def is_workday(self, day: dt.date) -> bool:
        calendar = self._years.get(day.year)
        if calendar is not None:
            if day in calendar.holidays:
                return False
            if day in calendar.workdays:
                return True
        return day.weekday() < 5

    def is_certain(self, day: dt.date) -> bool:
        """False when the date lies in a year without an official calendar."""
        calendar = self._years.get(day.year)
        return calendar is not None and not calendar.provisional

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start``; ``start`` itself does not count.

        A time limit of 0 means "on the spot" (即办): the same day.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        current = day
        while not self.is_workday(current):
            current += dt.timedelta(days=1)
        return current

    def due_date(self, accepted_on: dt.date, days: int) -> dt.date:
        """办结期限: ``days`` working days counted from the day of acceptance, that day not counted.

        行政许可法 arts. 42 and 82 (working days, from acceptance) and 民法典 art. 201 (the
        start day does not count). The platform uses this when a department accepts.
        """
        return self.add_workdays(accepted_on, days)

    def estimated_completion(self, filed_on: dt.date, days: int) -> dt.date:
        """预计办结: what the kiosk can promise before the department has accepted.

        Acceptance is the department's act and cannot happen before the next working day,
        so the count starts from the filing day when that is a working day, else from the
        next working day (counting from a Saturday or a holiday itself would promise a day
        or more too early); the start day is not counted. 即办 (0 days) on a holiday is
        therefore the next working day.
        """
        return self.add_workdays(self.next_workday(filed_on), days)

    def replace_year(self, calendar: YearCalendar) -> None:
        """Install a calendar sent by the platform (e.g. when the State Council publishes the next year)."""
        self._years[calendar.year] = calendar

    @property
    def years(self) -> dict[int, YearCalendar]:
        return dict(self._years)


def shipped_calendar() -> WorkCalendar:
    """The calendars shipped in config/holidays/."""
    folder = resources.files("config").joinpath("holidays")
    years = [
        calendar_from_dict(json.loads(entry.read_text(encoding="utf-8")))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    ]
    return WorkCalendar(years)
