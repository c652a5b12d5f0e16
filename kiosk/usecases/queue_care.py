"""Queue care (办件队列): what staff do with the terminal's applications.

Every application with its sync and platform state and the reason staff must
read; a supplement (补正) is a *new* application linked to the old one through
``supersedes`` — what was sent is never edited; a quarantined application is
sent again under its own id (still idempotent); receipts are reprinted; the
daily summary counts applications per item and state.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from enum import StrEnum

from kiosk.application import Application, Channel
from kiosk.chinatime import china_date
from kiosk.core import KioskCore
from kiosk.deadlines import date_lines
from kiosk.errors import KioskError, ValidationError
from kiosk.materials import MaterialStatus, PromiseStatus, promise_due
from kiosk.staff import StaffSession
from kiosk.states import ApplicationState
from kiosk.store import NewAttachment
from kiosk.store import staff_queries as q
from kiosk.store.outbox import Outbox, OutboxEntry
from kiosk.usecases.queue_view import masked_applicant, masked_id_number
from kiosk.usecases.submit import submit_application

log = logging.getLogger(__name__)


class CareAction(StrEnum):
    SUPPLEMENT = "supplement"  # 补正: file a linked new version
    RESUBMIT = "resubmit"  # 重新提交: send a quarantined application again
    REPRINT = "reprint"  # 补打回执

    @property
    def label(self) -> str:
        return {"supplement": "补正材料", "resubmit": "重新提交", "reprint": "补打回执"}[self.value]


class QueueFilter(StrEnum):
    """The tabs of the staff queue screen."""

    ALL = "all"
    WAITING = "waiting"  # not yet delivered
    NEEDS_ACTION = "needs_action"  # quarantined or needs supplement
    DELIVERED = "delivered"
    FINISHED = "finished"  # completed or rejected
    PROMISES = "promises"  # materials promised (容缺受理) still outstanding, due soon or lapsed

    @property
    def label(self) -> str:
        return {
            "all": "全部",
            "waiting": "待发送",
            "needs_action": "需处理",
            "delivered": "已送达",
            "finished": "已办结",
            "promises": "承诺待补",
        }[self.value]


_WAITING = frozenset(
    {
        ApplicationState.QUEUED,
        ApplicationState.SENDING,
        ApplicationState.ACKNOWLEDGED,
        ApplicationState.ATTACHMENTS_PENDING,
    }
)
_NEEDS_ACTION = frozenset({ApplicationState.QUARANTINED, ApplicationState.NEEDS_SUPPLEMENT})
_FINISHED = frozenset({ApplicationState.COMPLETED, ApplicationState.REJECTED})


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One row of the staff queue; names and ID numbers masked."""

    id: str
    number: str
    service_code: str
    service_name: str
    applicant: str
    id_number: str
    channel: Channel
    staff_id: str | None
    state: ApplicationState
    reason: str  # quarantine / supplement / rejection reason from the platform or the sync engine
    attempts: int
    last_error: str
    created_at: dt.datetime
    promised_date: dt.date
    status_as_of: dt.datetime | None
    receipt_printed: bool
    supersedes: str | None
    superseded_by: str | None
    actions: tuple[CareAction, ...] = field(default=())
    # The department's dates once the platform reported them (promised_date is the estimate),
    # and the (label, text) lines staff read: 提交时间, 受理日/办结期限 or 预计办结.
    accepted_on: dt.date | None = None
    due_on: dt.date | None = None
    dates: tuple[tuple[str, str], ...] = field(default=())
    # Materials promised at filing and not yet received: (name, due date, status). A promise
    # due within two working days is the staff's reminder; a lapsed one is shown as such.
    promises: tuple[PromisedMaterial, ...] = field(default=())

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def promise_note(self) -> str:
        """``承诺补交：居民户口簿 12月17日前（即将到期）``; empty when nothing is outstanding."""
        return "；".join(p.text for p in self.promises)

    def matches(self, wanted: QueueFilter) -> bool:
        if wanted is QueueFilter.WAITING:
            return self.state in _WAITING
        if wanted is QueueFilter.NEEDS_ACTION:
            return self.state in _NEEDS_ACTION and self.superseded_by is None
        if wanted is QueueFilter.FINISHED:
            return self.state in _FINISHED
        if wanted is QueueFilter.DELIVERED:
            return self.state.is_delivered and self.state not in _FINISHED
        if wanted is QueueFilter.PROMISES:
            return bool(self.promises)
        return True


@dataclass(frozen=True, slots=True)
class PromisedMaterial:
    """One promised material still outstanding on an application (staff queue)."""

    name: str
    due_on: dt.date
    status: PromiseStatus

    @property
    def text(self) -> str:
        return f"承诺补交：{self.name} {self.due_on.month}月{self.due_on.day}日前（{self.status.label}）"


def promised_outstanding(
    core: KioskCore, app: Application, today: dt.date
) -> tuple[PromisedMaterial, ...]:
    """The application's promised materials not yet received, with their status today.

    Once the department accepted, the due date counts from the 受理日 (never beyond the
    item's time limit), not from the estimate made at filing. A decided application has
    nothing outstanding.
    """
    if app.state.is_final or not app.materials:
        return ()
    item = core.store.item(app.service_code, app.service_version)
    out: list[PromisedMaterial] = []
    for state in app.materials:
        if state.status is not MaterialStatus.PROMISED or state.due_on is None:
            continue
        due = state.due_on
        if app.accepted_on is not None and item is not None:
            try:
                material = item.material(state.name)
            except KeyError:
                material = None
            if material is not None and material.promise_days:
                filed_on = china_date(app.created_at)
                due = promise_due(core.calendar, item, material, filed_on, app.accepted_on)
        status = dataclass_replace(state, due_on=due).promise_status(today, core.calendar)
        if status is not None and status is not PromiseStatus.RECEIVED:
            out.append(PromisedMaterial(state.name, due, status))
    return tuple(out)


def actions_for(app: Application, superseded_by: str | None) -> tuple[CareAction, ...]:
    actions: list[CareAction] = []
    if app.state is ApplicationState.NEEDS_SUPPLEMENT and superseded_by is None and not app.purged:
        actions.append(CareAction.SUPPLEMENT)
    if app.unreadable:
        return ()  # nothing can be sent or printed from data that cannot be read
    if app.state is ApplicationState.QUARANTINED:
        actions.append(CareAction.RESUBMIT)
    if not app.purged:
        actions.append(CareAction.REPRINT)
    return tuple(actions)


def queue_entries(
    core: KioskCore, wanted: QueueFilter = QueueFilter.ALL, *, limit: int = 500
) -> list[QueueEntry]:
    """The terminal's applications, newest first, with what staff can do with each."""
    pending = {e.item_id: e for e in Outbox(core.store).entries()}
    links = q.supplements(core.store.conn)
    today = china_date(core.clock())
    entries = [
        _entry(
            app,
            pending.get(app.id),
            links.get(app.id),
            promised_outstanding(core, app, today),
        )
        for app in core.store.applications(limit=limit)
    ]
    return [e for e in entries if e.matches(wanted)]


def _entry(
    app: Application,
    pending: OutboxEntry | None,
    superseded_by: str | None,
    promises: tuple[PromisedMaterial, ...] = (),
) -> QueueEntry:
    return QueueEntry(
        id=app.id,
        number=app.number,
        service_code=app.service_code,
        service_name=app.service_name,
        applicant=masked_applicant(app),
        id_number=masked_id_number(app),
        channel=app.channel,
        staff_id=app.staff_id,
        state=app.state,
        reason=app.state_reason,
        attempts=pending.attempts if pending else 0,
        last_error=pending.last_error if pending else "",
        created_at=app.created_at,
        promised_date=app.promised_date,
        status_as_of=app.status_as_of,
        receipt_printed=app.receipt_printed,
        supersedes=app.supersedes,
        superseded_by=superseded_by,
        actions=actions_for(app, superseded_by),
        accepted_on=app.accepted_on,
        due_on=app.due_on,
        dates=tuple(date_lines(app)),
        promises=promises,
    )


def _application(core: KioskCore, key: str) -> Application:
    app = core.store.application(key)
    if app is None:
        raise KioskError("找不到这件申请。")
    return app


def supplement(
    core: KioskCore,
    session: StaffSession,
    original_key: str,
    answers: Mapping[str, str] | None = None,
    attachments: Sequence[NewAttachment] = (),
    *,
    consent: bool,
) -> Application:
    """File the supplement (补正) of an application the platform sent back.

    The new application copies the original's applicant, answers and files,
    replaces the answers given and the files of the fields given, and points to
    the original with ``supersedes``. The original row is not touched.
    """
    original = _application(core, original_key)
    if original.state is not ApplicationState.NEEDS_SUPPLEMENT:
        raise KioskError(f"这件申请当前状态为“{original.state.label}”，不需要补正。")
    if original.purged:
        raise KioskError("这件申请的个人信息已按规定清除，请重新办理。")
    if q.supplements(core.store.conn).get(original.id):
        raise KioskError("这件申请已经补正过，请在队列中查看新的申请。")
    form = {**original.form, **(answers or {})}
    replaced = {a.field_key for a in attachments}
    carried = [
        NewAttachment(
            ref.field_key, ref.filename, ref.mime_type, core.store.attachment_content(ref.sha256)
        )
        for ref in original.attachments
        if ref.field_key not in replaced
    ]
    new = submit_application(
        core,
        original.service_code,
        original.applicant,
        form,
        [*carried, *attachments],
        channel=Channel.ASSISTED,
        staff_id=session.staff.number,
        consent=consent,
        supersedes=original.id,
    )
    log.info(
        "supplement filed",
        extra={
            "application": new.number,
            "supersedes": original.number,
            "staff_number": session.staff.number,
        },
    )
    return new


def resubmit(core: KioskCore, session: StaffSession, key: str) -> Application:
    """Send a quarantined application again, under its own id (the platform stays idempotent)."""
    app = _application(core, key)
    if app.state is not ApplicationState.QUARANTINED:
        raise KioskError(f"这件申请当前状态为“{app.state.label}”，无需重新提交。")
    core.store.requeue(app.id)
    log.info(
        "quarantined application requeued",
        extra={"application": app.number, "staff_number": session.staff.number},
    )
    return _application(core, app.id)


def application_for_reprint(core: KioskCore, key: str) -> Application:
    """The application whose receipt is to be printed again (by id or number)."""
    app = _application(core, key)
    if app.purged:
        raise KioskError("这件申请的个人信息已按规定清除，无法补打回执，可打印办件进度。")
    return app


def mark_receipt_printed(core: KioskCore, application_id: str) -> None:
    """Call after the printer confirmed the job."""
    core.store.set_receipt_printed(application_id, True)


@dataclass(frozen=True, slots=True)
class SummaryLine:
    service_code: str
    service_name: str
    counts: dict[ApplicationState, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class DailySummary:
    day: dt.date
    lines: tuple[SummaryLine, ...]

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    def by_state(self) -> dict[ApplicationState, int]:
        totals: dict[ApplicationState, int] = {}
        for line in self.lines:
            for state, n in line.counts.items():
                totals[state] = totals.get(state, 0) + n
        return totals

    def rows(self) -> Iterable[tuple[str, ApplicationState, int]]:
        """(service name, state, count), for the printed summary."""
        for line in self.lines:
            for state, n in line.counts.items():
                yield line.service_name, state, n


def daily_summary(core: KioskCore, day: dt.date | None = None) -> DailySummary:
    """Counts per service item and state of the applications filed on ``day`` (China time; today)."""
    wanted = day or china_date(core.clock())
    lines: dict[str, SummaryLine] = {}
    for code, name, state, count in core.store.daily_summary(wanted):
        line = lines.setdefault(code, SummaryLine(code, name, {}))
        line.counts[state] = line.counts.get(state, 0) + count
    return DailySummary(wanted, tuple(lines.values()))


def require_consent(consent: bool) -> None:
    if not consent:
        raise ValidationError("请先请申请人本人确认同意代办。", field="consent")
