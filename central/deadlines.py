"""The department's clock on the reference platform: 受理日 and 办结期限 (issue 14, item 12).

Acceptance (受理) is the department's act, so the platform, not the kiosk, dates it:
when a clerk sets ``accepted``, the platform records ``accepted_on`` = that day (China
time) and ``due_on`` = the item's time limit in working days counted from it, the day
itself not counted (行政许可法 arts. 42 and 82, 民法典 art. 201), with the same calendar
the kiosks ship (:mod:`kiosk.workdays`, not a copy).

A supplement (补正) stops the clock: ``needs_supplement`` after acceptance clears
``due_on`` and records the stop day. The next ``accepted`` restarts it: the full time
limit is counted again from the supplement (counting starts the day after it), and the
受理日 stays the original one. "Restarted, not extended" follows the practice cited in
``05-government-practice.md`` §6 (after a 补正 counting restarts from the day after the
supplement) and 行政许可法 art. 32 (an application counts as complete from the day its
materials are). The supplement's day is the day the platform received the supplementing
application (one whose ``supersedes`` names this one, filed at a kiosk) if one arrived
after the stop, else the day of the new ``accepted`` (materials handed in at the counter).
A supplementing application continues its original's case: before its own acceptance it
inherits the original's 受理日 and stopped clock.

``in_progress`` counts as ``accepted`` for this (办理中 implies 受理; resuming work after a
补正 restarts the clock); ``completed`` and ``rejected`` leave the dates as they are.
Without the item in the platform's catalogue there is no time limit: ``due_on`` stays null.

A ``needs_supplement`` before acceptance (行政许可法 art. 32: incomplete on arrival) starts
nothing: the clock starts at the acceptance that follows.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kiosk.chinatime import china_date
from kiosk.workdays import WorkCalendar
from sync.protocol import PlatformStatus

if TYPE_CHECKING:
    from central.dialect import Tx


@dataclass(frozen=True, slots=True)
class CaseClock:
    """One application's dates on the platform; ``due_on`` is None while stopped or unknown."""

    accepted_on: dt.date | None = None
    due_on: dt.date | None = None
    stopped_on: dt.date | None = None  # the 补正 that stopped the clock, until it restarts


def next_clock(
    clock: CaseClock,
    status: PlatformStatus,
    *,
    today: dt.date,
    time_limit_days: int | None,
    calendar: WorkCalendar,
    supplement_on: dt.date | None = None,
) -> CaseClock:
    """The clock after a clerk sets ``status`` on ``today`` (pure; the rules of the module doc)."""

    def due(start: dt.date) -> dt.date | None:
        return None if time_limit_days is None else calendar.due_date(start, time_limit_days)

    if status in (PlatformStatus.ACCEPTED, PlatformStatus.IN_PROGRESS):
        # 办理中 implies 受理, and resuming work after a 补正 restarts the clock like 受理 does.
        if clock.accepted_on is None:
            return CaseClock(accepted_on=today, due_on=due(today))
        if clock.stopped_on is not None:
            restart = today
            if supplement_on is not None and clock.stopped_on <= supplement_on <= today:
                restart = supplement_on
            return CaseClock(accepted_on=clock.accepted_on, due_on=due(restart))
        return clock
    if status is PlatformStatus.NEEDS_SUPPLEMENT:
        if clock.accepted_on is not None and clock.stopped_on is None:
            return replace(clock, due_on=None, stopped_on=today)
        return clock
    return clock


def advance_clock(
    conn: Tx,
    app_id: str,
    status: PlatformStatus,
    now: float,
    calendar: WorkCalendar,
) -> CaseClock:
    """Apply :func:`next_clock` to one stored application inside the caller's transaction."""
    row = conn.execute(
        "SELECT service_code, supersedes, accepted_on, due_on, clock_stopped_on, received_at"
        " FROM applications WHERE id = ?",
        (app_id,),
    ).fetchone()
    service_code, supersedes, accepted_on, due_on, stopped_on, received_at = row
    clock = CaseClock(_date(accepted_on), _date(due_on), _date(stopped_on))
    supplement_on: dt.date | None = None
    if clock.accepted_on is None and supersedes:
        # A supplement filed at a kiosk continues the case of the application it supplements.
        prior = conn.execute(
            "SELECT accepted_on, due_on, clock_stopped_on FROM applications WHERE id = ?",
            (supersedes,),
        ).fetchone()
        if prior is not None and prior[0]:
            clock = CaseClock(_date(prior[0]), _date(prior[1]), _date(prior[2]))
            supplement_on = _day(received_at)
    if supplement_on is None:
        (latest,) = conn.execute(
            "SELECT MAX(received_at) FROM applications WHERE supersedes = ?",
            (app_id,),
        ).fetchone()
        supplement_on = _day(latest) if latest is not None else None
    item = conn.execute("SELECT item FROM catalogue WHERE code = ?", (service_code,)).fetchone()
    limit = json.loads(item[0]).get("time_limit_days") if item is not None else None
    after = next_clock(
        clock,
        status,
        today=_day(now),
        time_limit_days=int(limit) if limit is not None else None,
        calendar=calendar,
        supplement_on=supplement_on,
    )
    conn.execute(
        "UPDATE applications SET accepted_on = ?, due_on = ?, clock_stopped_on = ? WHERE id = ?",
        (_iso(after.accepted_on), _iso(after.due_on), _iso(after.stopped_on), app_id),
    )
    return after


def _day(epoch_s: float) -> dt.date:
    return china_date(dt.datetime.fromtimestamp(epoch_s, dt.UTC))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None
