"""Three dates, not one: 提交时间, 受理日, 办结期限 (issue 14, item 12).

- **提交时间** is when the resident filed at the kiosk (its clock, China time).
- **受理日** is an act of the department: only the platform knows it, and reports it with
  the status updates (``Application.accepted_on``).
- **办结期限** is the item's time limit in working days counted from the 受理日, that day
  not counted (行政许可法 arts. 42 and 82, 民法典 art. 201), also reported by the platform
  (``Application.due_on``); a 补正 stops the clock (``due_on`` None) until the supplement.

Before acceptance the kiosk can only estimate: **预计办结** is
:meth:`kiosk.workdays.WorkCalendar.estimated_completion` of the filing day (stored as
``promised_date``). Every place that shows a date (我的办件, receipts and reprints, the
staff queue) asks :func:`deadline_of`, so they always agree on which date to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kiosk.application import Application
from kiosk.chinatime import CHINA_TZ
from kiosk.states import ApplicationState

FILED_LABEL = "提交时间"
ACCEPTED_LABEL = "受理日"
DUE_LABEL = "办结期限"
ESTIMATE_LABEL = "预计办结"

CLOCK_STOPPED_TEXT = "补正期间暂停计时，补正后重新计算"
AFTER_SUPPLEMENT_TEXT = "材料补齐、部门受理后起算"
DUE_UNKNOWN_TEXT = "以受理部门通知为准"


class DeadlineKind(StrEnum):
    ESTIMATE = "estimate"  # not accepted yet: the kiosk's 预计办结
    DUE = "due"  # accepted: the department's 办结期限
    CLOCK_STOPPED = "clock_stopped"  # accepted, then a 补正 stopped the clock
    DUE_UNKNOWN = "due_unknown"  # accepted, but the platform sent no 办结期限
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # 补正 asked before acceptance: no date yet
    NONE = "none"  # decided without dates (不予受理, or 办结 reported without dates)


@dataclass(frozen=True, slots=True)
class Deadline:
    """Which date an application shows, and its value (``date`` None when there is none)."""

    kind: DeadlineKind
    accepted_on: dt.date | None
    date: dt.date | None

    @property
    def label(self) -> str:
        return ESTIMATE_LABEL if self.kind is DeadlineKind.ESTIMATE else DUE_LABEL

    @property
    def text(self) -> str:
        """``2026年12月7日前``, or why there is no date."""
        if self.date is not None:
            return f"{fmt_day(self.date)}前"
        if self.kind is DeadlineKind.CLOCK_STOPPED:
            return CLOCK_STOPPED_TEXT
        if self.kind is DeadlineKind.AWAITING_SUPPLEMENT:
            return AFTER_SUPPLEMENT_TEXT
        if self.kind is DeadlineKind.DUE_UNKNOWN:
            return DUE_UNKNOWN_TEXT
        return ""


def fmt_day(day: dt.date) -> str:
    """``2026年12月7日``, as receipts print dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def deadline_of(app: Application) -> Deadline:
    """The one rule every screen and printout follows (see the module doc)."""
    if app.accepted_on is not None and app.due_on is not None:
        return Deadline(DeadlineKind.DUE, app.accepted_on, app.due_on)
    if app.state.is_final:
        return Deadline(DeadlineKind.NONE, app.accepted_on, None)
    if app.accepted_on is not None:
        kind = (
            DeadlineKind.CLOCK_STOPPED
            if app.state is ApplicationState.NEEDS_SUPPLEMENT
            else DeadlineKind.DUE_UNKNOWN
        )
        return Deadline(kind, app.accepted_on, None)
    if app.state is ApplicationState.NEEDS_SUPPLEMENT:
        return Deadline(DeadlineKind.AWAITING_SUPPLEMENT, None, None)
    return Deadline(DeadlineKind.ESTIMATE, None, app.promised_date)


def date_lines(app: Application) -> list[tuple[str, str]]:
    """(label, text) of the three dates as residents and staff read them, in order."""
    filed = app.created_at.astimezone(CHINA_TZ)
    lines = [(FILED_LABEL, f"{fmt_day(filed.date())} {filed:%H:%M}")]
    deadline = deadline_of(app)
    if deadline.accepted_on is not None:
        lines.append((ACCEPTED_LABEL, fmt_day(deadline.accepted_on)))
    if deadline.kind is not DeadlineKind.NONE:
        lines.append((deadline.label, deadline.text))
    return lines
