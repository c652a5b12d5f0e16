"""A clerk's decisions on the platform: applications, 不满意 ratings and requests (issue 12.4).

One home for deciding an application: :func:`decide` is what ``kiosk central set-status``
and the web console (``central/console/clerk.py``) both call, so the rules below cannot drift
between a shell and a browser. It checks the move against an explicit state machine, checks
the reasons the law asks for, and records the decision through
:meth:`central.db.CentralDB.record_status` in the same transaction — which also starts or
stops the case's clock (:mod:`central.deadlines`) and writes the ``status_events`` row the
terminal pulls at its next sync, exactly as the command always did.

The state machine (``06-console.md`` §b), never NULL (``received`` is explicit):

- ``received`` (待受理) → 受理 ``accepted``, 补正 ``needs_supplement``, 不予受理 ``rejected``;
- ``accepted`` / ``in_progress`` → ``in_progress``, 补正 (审查中补充: the clock stops),
  办结 ``completed``;
- ``needs_supplement`` → ``accepted`` / ``in_progress`` (materials handed in at the counter;
  a supplement filed at a kiosk is a new application that supersedes this one), or
  ``rejected`` (the supplement never came);
- ``completed`` and ``rejected`` are final and locked. A correction is a separate
  :func:`reopen` with a mandatory reason, recorded in ``reopenings`` and sent to the terminal
  as a status event marked ``reopened`` (the kiosk leaves a final state only on such an
  event: ``kiosk.states.check_reopen``), so the resident sees the case open again and every
  decision after it.

Promised materials (容缺 / 告知承诺, issue 13 item 3): :func:`mark_material_received` records
that a promised material was handed in (once per material) and queues a status event that
carries ``materials_received`` and changes no state; the kiosk marks the promise received.

Reasons (pitfall 1 of ``06-console.md``): 补正 needs the list of missing materials and a
reason (行政许可法 art. 32: 一次性告知全部内容); 不予受理 needs a reason and the resident's
appeal rights, which travel as the printable notice; 办结 needs the result text, which
becomes the result notice the kiosk prints.

Clocks: a ``received`` application must be answered (受理 / 补正 / 不予受理) within
``ANSWER_WORKDAYS`` working days of its arrival (art. 32; working days per art. 82);
an accepted one is due on its 办结期限 (``due_on``, :mod:`central.deadlines`).

Scope: every function that reads or changes an application, a rating or a request takes
``scope`` (a region-code prefix; ``""`` is the whole platform) and filters in SQL, so a
region-scoped clerk cannot reach another region's item by guessing its id (default deny).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from central.db import CentralError
from central.migrations import blob_context, payload_context
from kiosk.chinatime import CHINA_TZ, china_date, china_day_bounds_utc
from sync.protocol import PlatformStatus

if TYPE_CHECKING:
    from central.db import CentralDB
    from central.dialect import Tx

RECEIVED = "received"

STATE_LABELS: dict[str, str] = {
    RECEIVED: "待受理",
    PlatformStatus.ACCEPTED.value: "已受理",
    PlatformStatus.IN_PROGRESS.value: "办理中",
    PlatformStatus.NEEDS_SUPPLEMENT.value: "待补正",
    PlatformStatus.COMPLETED.value: "已办结",
    PlatformStatus.REJECTED.value: "不予受理",
}
"""What a clerk reads for each stored state."""

_S = PlatformStatus
ALLOWED: dict[str, frozenset[PlatformStatus]] = {
    RECEIVED: frozenset({_S.ACCEPTED, _S.NEEDS_SUPPLEMENT, _S.REJECTED}),
    _S.ACCEPTED.value: frozenset({_S.IN_PROGRESS, _S.NEEDS_SUPPLEMENT, _S.COMPLETED}),
    _S.IN_PROGRESS.value: frozenset({_S.NEEDS_SUPPLEMENT, _S.COMPLETED}),
    _S.NEEDS_SUPPLEMENT.value: frozenset({_S.ACCEPTED, _S.IN_PROGRESS, _S.REJECTED}),
    _S.COMPLETED.value: frozenset(),
    _S.REJECTED.value: frozenset(),
}
"""The platform's moves; a subset of the kiosk's ``kiosk/states.py`` (stricter, never looser)."""
del _S

FINAL = frozenset({PlatformStatus.COMPLETED.value, PlatformStatus.REJECTED.value})

ANSWER_WORKDAYS = 5
"""行政许可法 art. 32: 补正 (or 受理 / 不予受理) within 5 days of receipt; days are working days
(art. 82). Past it an incomplete application counts as accepted from the day it arrived."""

DUE_SOON_DAYS = 2
"""A clock with this many calendar days or fewer left is listed as 临期."""

DEFAULT_APPEAL_RIGHTS = (
    "如对本决定不服，可以自收到本决定之日起六十日内依法申请行政复议，"
    "或者自知道本决定之日起六个月内依法向人民法院提起行政诉讼。"
)
"""The appeal rights printed on a 不予受理 notice (行政复议法 art. 20, 行政诉讼法 art. 46);
the clerk may edit them but not leave them out."""

UNSATISFIED_LEVEL = 2
"""Ratings at this level or below (不满意, 非常不满意) need 整改 follow-up."""

RATING_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

REQUEST_STATES: dict[str, str] = {
    "open": "待处理",
    "assigned": "已分派",
    "replied": "已答复",
    "closed": "已关闭",
}
REQUEST_KINDS = {"complaint": "投诉", "suggestion": "建议", "help": "求助", "consultation": "咨询"}


class DecisionError(CentralError):
    """A decision refused by the rules; the message (Chinese) is shown to the clerk as is."""


class NotInScopeError(DecisionError):
    """No such item in the caller's region (also when it exists elsewhere: default deny)."""


@dataclass(frozen=True, slots=True)
class Decided:
    """What a decision did, for the audit line and the page that follows."""

    application_id: str
    number: str
    from_state: str
    to_state: str


def check_decision(
    current: str,
    state: PlatformStatus,
    *,
    reason: str,
    missing: list[str],
    result_notice: str,
    appeal: str,
) -> None:
    """Refuse a move the state machine does not allow, or one without its required reasons."""
    if current in FINAL:
        raise DecisionError(
            f"该件状态为“{STATE_LABELS[current]}”，结论已锁定；"
            "如需更正，请由管理员办理“重新打开”并写明原因"
        )
    if state not in ALLOWED.get(current, frozenset()):
        raise DecisionError(
            f"不能从“{STATE_LABELS.get(current, current)}”改为“{STATE_LABELS[state.value]}”"
        )
    if state is PlatformStatus.NEEDS_SUPPLEMENT:
        if not missing:
            raise DecisionError("补正须列明需补交的全部材料（一次性告知）")
        if not reason:
            raise DecisionError("补正须写明原因")
    if state is PlatformStatus.REJECTED:
        if not reason:
            raise DecisionError("不予受理须写明理由")
        if not appeal:
            raise DecisionError("不予受理须告知申请人依法申请行政复议或者提起行政诉讼的权利")
    if state is PlatformStatus.COMPLETED and not result_notice:
        raise DecisionError("办结须填写办理结果（将作为办理结果通知书在终端打印）")


def decide(  # noqa: PLR0917
    db: CentralDB,
    number_or_id: str,
    state: PlatformStatus,
    reason: str = "",
    result_notice: str = "",
    missing: list[str] | None = None,
    actor: str = "cli",
    *,
    appeal: str = DEFAULT_APPEAL_RIGHTS,
    scope: str = "",
) -> Decided:
    """Decide one application (by id, number or provisional number); the one way to do it.

    Raises :class:`DecisionError` (or :class:`NotInScopeError`) and changes nothing when the
    move or its reasons are refused; :class:`CentralError` for a number nobody holds.
    """
    reason = reason.strip()
    result_notice = result_notice.strip()
    appeal = appeal.strip()
    items = [m.strip() for m in (missing or []) if m.strip()]
    with db.backend.transaction(serialise="status_events") as tx:
        app_id, terminal_id, number, current = _locate(db, tx, number_or_id, scope)
        check_decision(
            current,
            state,
            reason=reason,
            missing=items,
            result_notice=result_notice,
            appeal=appeal,
        )
        notice = result_notice
        if state is PlatformStatus.REJECTED:
            # The written 不予受理 decision: the reason and the appeal rights, printable at
            # the kiosk like a result notice.
            notice = f"不予受理理由：{reason}\n{appeal}"
        db.record_status(
            tx,
            app_id,
            terminal_id,
            number,
            state,
            reason,
            items if state is PlatformStatus.NEEDS_SUPPLEMENT else [],
            notice,
            actor=actor,
            from_state=current,
        )
    return Decided(app_id, number, current, state.value)


def reopen(db: CentralDB, application_id: str, reason: str, actor: str, *, scope: str = "") -> str:
    """Unlock a final decision for a correction; returns the state it goes back to.

    Back to ``accepted`` if the department had accepted it (its 受理日 stays), else
    ``received``. Recorded in ``reopenings`` with who, when and why, and queued for the
    terminal as a status event with ``reopened`` set (the kiosk's only way out of a final
    state), carrying the case's dates and a fixed sentence, never the internal reason.
    """
    reason = reason.strip()
    if not reason:
        raise DecisionError("重新打开须写明更正原因")
    with db.backend.transaction(serialise="status_events") as tx:
        app_id, terminal_id, number, current = _locate(db, tx, application_id, scope)
        if current not in FINAL:
            raise DecisionError("该件尚未办结或不予受理，无须重新打开")
        accepted_on, due_on = tx.execute(
            "SELECT accepted_on, due_on FROM applications WHERE id = ?", (app_id,)
        ).fetchone()
        back = PlatformStatus.ACCEPTED.value if accepted_on else RECEIVED
        now = db._clock()
        tx.execute(
            "UPDATE applications SET status = ?, status_reason = ?, status_changed_at = ?"
            " WHERE id = ?",
            (back, "", now, app_id),
        )
        tx.execute(
            "INSERT INTO reopenings(application_id, at, actor, reason, from_state, to_state)"
            " VALUES (?,?,?,?,?,?)",
            (app_id, now, actor, reason, current, back),
        )
        tx.execute(
            "INSERT INTO status_events(application_id, terminal_id, number, status, reason,"
            " missing, result_notice, changed_at, accepted_on, due_on, actor, from_state,"
            " reopened) VALUES (?,?,?,?,?,'[]','',?,?,?,?,?,1)",
            (
                app_id,
                terminal_id,
                number,
                back,
                REOPENED_REASON,
                now,
                accepted_on if back != RECEIVED else None,
                due_on if back != RECEIVED else None,
                actor,
                current,
            ),
        )
    return back


REOPENED_REASON = "原办理结论已由受理部门重新打开更正，请以新的结论为准"
"""What the resident reads after a reopening (the clerk's own reason stays on the platform)."""


def mark_material_received(
    db: CentralDB, application_id: str, material: str, actor: str, scope: str = ""
) -> dt.date:
    """Record that a promised material (容缺 / 告知承诺) was handed in today; returns the day.

    Only a material the application promised (its ``materials`` at filing), and only once
    (``material_receipts``' key). Queues a status event carrying ``materials_received``
    for the terminal, which sets the promise's ``received_on`` so its staff queue and
    我的办件 stop showing it outstanding or lapsed. The state does not change. Who and when
    stay in ``material_receipts`` and the activity feed (:func:`history`).
    """
    material = material.strip()
    if not material:
        raise DecisionError("请写明收到的材料名称")
    with db.backend.transaction(serialise="status_events") as tx:
        app_id, terminal_id, number, current = _locate(db, tx, application_id, scope)
        sealed, reason = tx.execute(
            "SELECT payload, status_reason FROM applications WHERE id = ?", (app_id,)
        ).fetchone()
        payload = json.loads(db.cipher.open(sealed, payload_context("applications", app_id)))
        promised = {
            str(m.get("name"))
            for m in payload.get("materials") or []
            if m.get("status") == "promised"
        }
        if material not in promised:
            raise DecisionError(f"该件没有承诺后补的材料“{material}”")
        today = china_today(db)
        now = db._clock()
        done = tx.execute(
            "INSERT INTO material_receipts(application_id, material, received_on, at, actor)"
            " VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
            (app_id, material, today.isoformat(), now, actor),
        ).rowcount
        if done != 1:
            raise DecisionError(f"“{material}”已标记为收到")
        tx.execute(
            "INSERT INTO status_events(application_id, terminal_id, number, status, reason,"
            " missing, result_notice, changed_at, actor, from_state, materials_received)"
            " VALUES (?,?,?,?,?,'[]','',?,?,?,?)",
            (
                app_id,
                terminal_id,
                number,
                current,
                reason or "",
                now,
                actor,
                current,
                json.dumps(
                    [{"name": material, "received_on": today.isoformat()}], ensure_ascii=False
                ),
            ),
        )
    return today


def received_materials(db: CentralDB, application_id: str) -> dict[str, str]:
    """Promised materials of one application already marked received: name → ISO day."""
    return {
        str(r[0]): str(r[1])
        for r in db.query(
            "SELECT material, received_on FROM material_receipts WHERE application_id = ?",
            (application_id,),
        )
    }


def _locate(db: CentralDB, tx: Tx, typed: str, scope: str) -> tuple[str, str, str, str]:
    """(id, terminal id, number, state) of one application in ``scope``."""
    row = tx.execute("SELECT id FROM applications WHERE id = ?", (typed.strip(),)).fetchone()
    app_id = str(row[0]) if row is not None else db.resolve_number(tx, typed)[0]
    found = tx.execute(
        "SELECT a.id, a.terminal_id, a.number, a.status FROM applications a"
        " JOIN terminals t ON t.terminal_id = a.terminal_id"
        " WHERE a.id = ? AND t.region_code LIKE ?",
        (app_id, _prefix(scope)),
    ).fetchone()
    if found is None:
        raise NotInScopeError("没有这件申请，或不在您的辖区")
    return str(found[0]), str(found[1]), str(found[2]), str(found[3])


def _prefix(scope: str) -> str:
    if scope and not scope.isdigit():
        raise NotInScopeError("辖区代码无效")
    return scope + "%"


# --- clocks --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clock:
    """What a clerk must do by when: ``kind`` 受理答复 / 办结 / None (stopped or done)."""

    kind: str
    due_on: dt.date | None
    overdue: bool
    due_soon: bool

    @property
    def label(self) -> str:
        if self.due_on is None:
            return self.kind
        flag = "（已超期）" if self.overdue else "（临期）" if self.due_soon else ""
        return f"{self.kind}期限 {self.due_on.isoformat()}{flag}"


def case_clock(
    db: CentralDB, status: str, received_at: float, due_on: str | None, today: dt.date
) -> Clock:
    """The running clock of one application in ``status`` (see the module doc)."""
    if status == RECEIVED:
        arrived = china_date(dt.datetime.fromtimestamp(received_at, dt.UTC))
        due = db.calendar.add_workdays(arrived, ANSWER_WORKDAYS)
        kind = "受理答复"
    elif status in (PlatformStatus.ACCEPTED.value, PlatformStatus.IN_PROGRESS.value):
        if due_on is None:
            return Clock("办结（无承诺时限）", None, overdue=False, due_soon=False)
        due, kind = dt.date.fromisoformat(due_on), "办结"
    elif status == PlatformStatus.NEEDS_SUPPLEMENT.value:
        return Clock("等待补正（计时暂停）", None, overdue=False, due_soon=False)
    else:
        return Clock("已结束", None, overdue=False, due_soon=False)
    left = (due - today).days
    return Clock(kind, due, overdue=left < 0, due_soon=0 <= left <= DUE_SOON_DAYS)


def china_today(db: CentralDB) -> dt.date:
    return china_date(dt.datetime.fromtimestamp(db._clock(), dt.UTC))


def local_time(epoch_s: float | None) -> str:
    """A stored UTC time as a clerk reads it, zone named (pitfall 9 of ``06-console.md``)."""
    if epoch_s is None:
        return "—"
    return dt.datetime.fromtimestamp(epoch_s, CHINA_TZ).strftime("%Y-%m-%d %H:%M 北京时间")


# --- the applications list and one application ---------------------------------------------


@dataclass(frozen=True, slots=True)
class ListFilter:
    """The list's filters, kept in the URL as plain GET parameters."""

    state: str = ""
    service_code: str = ""
    terminal_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    clock: str = ""  # "" | "overdue" | "due"


@dataclass(frozen=True, slots=True)
class ListedApplication:
    """A row of the list: no personal data (the applicant is decrypted only on its own page)."""

    id: str
    number: str
    service_code: str
    service_name: str
    station_name: str
    region_code: str
    status: str
    received_at: float
    clock: Clock
    supersedes: str | None
    attachments_pending: bool

    @property
    def status_label(self) -> str:
        return STATE_LABELS.get(self.status, self.status)


def list_applications(
    db: CentralDB, scope: str, flt: ListFilter, limit: int = 200
) -> list[ListedApplication]:
    """Applications in ``scope`` matching ``flt``, oldest first (the queue a clerk works down)."""
    sql = [
        "SELECT a.id, a.number, a.service_code, t.station_name, t.region_code, a.status,"
        " a.received_at, a.due_on, a.supersedes,"
        " (SELECT COUNT(*) FROM expected_attachments e JOIN uploads u ON u.sha256 = e.sha256"
        "  AND u.terminal_id = a.terminal_id WHERE e.application_id = a.id AND u.complete = 0)"
        " FROM applications a JOIN terminals t ON t.terminal_id = a.terminal_id"
        " WHERE t.region_code LIKE ?"
    ]
    params: list[Any] = [_prefix(scope)]
    if flt.state:
        sql.append(" AND a.status = ?")
        params.append(flt.state)
    if flt.service_code:
        sql.append(" AND a.service_code = ?")
        params.append(flt.service_code)
    if flt.terminal_id:
        sql.append(" AND a.terminal_id = ?")
        params.append(flt.terminal_id)
    if flt.date_from is not None:
        sql.append(" AND a.received_at >= ?")
        params.append(china_day_bounds_utc(flt.date_from)[0].timestamp())
    if flt.date_to is not None:
        sql.append(" AND a.received_at < ?")
        params.append(china_day_bounds_utc(flt.date_to)[1].timestamp())
    sql.append(" ORDER BY a.received_at, a.id LIMIT ?")
    params.append(limit if not flt.clock else limit * 10)
    names = service_names(db)
    today = china_today(db)
    out: list[ListedApplication] = []
    for r in db.query("".join(sql), params):
        clock = case_clock(db, str(r[5]), float(r[6]), r[7], today)
        if flt.clock == "overdue" and not clock.overdue:
            continue
        if flt.clock == "due" and not (clock.overdue or clock.due_soon):
            continue
        out.append(
            ListedApplication(
                id=str(r[0]),
                number=str(r[1]),
                service_code=str(r[2]),
                service_name=names.get(str(r[2]), str(r[2])),
                station_name=str(r[3]),
                region_code=str(r[4]),
                status=str(r[5]),
                received_at=float(r[6]),
                clock=clock,
                supersedes=r[8],
                attachments_pending=int(r[9]) > 0,
            )
        )
    return out[:limit]


def service_names(db: CentralDB) -> dict[str, str]:
    """Item code → name, from the platform's catalogue."""
    return {
        str(code): str(json.loads(item).get("name", code))
        for code, item in db.query("SELECT code, item FROM catalogue")
    }


def stations(db: CentralDB, scope: str) -> list[tuple[str, str, str]]:
    """(terminal id, station name, region) of the terminals in scope, for the station filter."""
    return [
        (str(r[0]), str(r[1]), str(r[2]))
        for r in db.query(
            "SELECT terminal_id, station_name, region_code FROM terminals"
            " WHERE region_code LIKE ? ORDER BY region_code, station_name",
            (_prefix(scope),),
        )
    ]


@dataclass
class ApplicationView:
    """One application with its personal data decrypted: only for its own page (audited)."""

    id: str
    number: str
    service_code: str
    service_name: str
    station_name: str
    region_code: str
    terminal_id: str
    status: str
    status_reason: str
    received_at: float
    accepted_on: str | None
    clock: Clock
    supersedes: str | None
    superseded_by: list[tuple[str, str]]
    payload: dict[str, Any]
    attachments: list[dict[str, Any]]
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATE_LABELS.get(self.status, self.status)

    @property
    def final(self) -> bool:
        return self.status in FINAL

    @property
    def allowed(self) -> list[str]:
        return sorted(s.value for s in ALLOWED.get(self.status, frozenset()))


def application(db: CentralDB, application_id: str, scope: str) -> ApplicationView:
    """One application in scope, decrypted; :class:`NotInScopeError` otherwise."""
    rows = db.query(
        "SELECT a.id, a.number, a.service_code, t.station_name, t.region_code, a.terminal_id,"
        " a.status, a.status_reason, a.received_at, a.accepted_on, a.due_on, a.supersedes,"
        " a.payload FROM applications a JOIN terminals t ON t.terminal_id = a.terminal_id"
        " WHERE a.id = ? AND t.region_code LIKE ?",
        (application_id, _prefix(scope)),
    )
    if not rows:
        raise NotInScopeError("没有这件申请，或不在您的辖区")
    r = rows[0]
    payload = json.loads(db.cipher.open(r[12], payload_context("applications", str(r[0]))))
    attachments = [
        {
            "sha256": a[0],
            "size": int(a[1]),
            "name": a[2],
            "media_type": a[3],
            "complete": bool(a[4]),
            "image": str(a[3]).startswith("image/"),
        }
        for a in db.query(
            "SELECT e.sha256, e.size, e.name, e.media_type, u.complete"
            " FROM expected_attachments e JOIN uploads u"
            " ON u.sha256 = e.sha256 AND u.terminal_id = ?"
            " WHERE e.application_id = ? ORDER BY e.name, e.sha256",
            (r[5], r[0]),
        )
    ]
    superseded_by = [
        (str(s[0]), str(s[1]))
        for s in db.query(
            "SELECT id, number FROM applications WHERE supersedes = ? ORDER BY received_at",
            (r[0],),
        )
    ]
    view = ApplicationView(
        id=str(r[0]),
        number=str(r[1]),
        service_code=str(r[2]),
        service_name=service_names(db).get(str(r[2]), str(r[2])),
        station_name=str(r[3]),
        region_code=str(r[4]),
        terminal_id=str(r[5]),
        status=str(r[6]),
        status_reason=str(r[7]),
        received_at=float(r[8]),
        accepted_on=r[9],
        clock=case_clock(db, str(r[6]), float(r[8]), r[10], china_today(db)),
        supersedes=r[11],
        superseded_by=superseded_by,
        payload=payload,
        attachments=attachments,
    )
    view.history = history(db, view.id)
    return view


def history(db: CentralDB, application_id: str) -> list[dict[str, Any]]:
    """The activity feed: every decision (who, from, to, reasons) and every reopening."""
    feed: list[dict[str, Any]] = [
        {
            "at": float(r[0]),
            "when": local_time(float(r[0])),
            "actor": r[1] or "—",
            "what": f"{STATE_LABELS.get(r[2], r[2] or '—')} → {STATE_LABELS.get(r[3], r[3])}",
            "reason": r[4],
            "missing": json.loads(r[5]),
            "notice": r[6],
        }
        for r in db.query(
            "SELECT changed_at, actor, from_state, status, reason, missing, result_notice"
            " FROM status_events WHERE application_id = ? AND reopened = 0"
            " AND materials_received IS NULL ORDER BY seq",
            (application_id,),
        )
    ]
    feed += [
        {
            "at": float(r[0]),
            "when": local_time(float(r[0])),
            "actor": r[1],
            "what": "收到承诺后补材料：" + "、".join(m["name"] for m in json.loads(r[2])),
            "reason": "",
            "missing": [],
            "notice": "",
        }
        for r in db.query(
            "SELECT changed_at, actor, materials_received FROM status_events"
            " WHERE application_id = ? AND materials_received IS NOT NULL ORDER BY seq",
            (application_id,),
        )
    ]
    feed += [
        {
            "at": float(r[0]),
            "when": local_time(float(r[0])),
            "actor": r[1],
            "what": f"重新打开：{STATE_LABELS.get(r[2], r[2])} → {STATE_LABELS.get(r[3], r[3])}",
            "reason": r[4],
            "missing": [],
            "notice": "",
        }
        for r in db.query(
            "SELECT at, actor, from_state, to_state, reason FROM reopenings"
            " WHERE application_id = ? ORDER BY id",
            (application_id,),
        )
    ]
    feed.sort(key=lambda e: e["at"])
    return feed


def attachment(
    db: CentralDB, application_id: str, sha256: str, scope: str
) -> tuple[bytes, str] | None:
    """(bytes, media type) of one attachment this application declared, if in scope and here."""
    rows = db.query(
        "SELECT e.media_type FROM expected_attachments e"
        " JOIN applications a ON a.id = e.application_id"
        " JOIN terminals t ON t.terminal_id = a.terminal_id"
        " JOIN uploads u ON u.sha256 = e.sha256 AND u.terminal_id = a.terminal_id"
        " WHERE e.application_id = ? AND e.sha256 = ? AND u.complete = 1"
        " AND t.region_code LIKE ?",
        (application_id, sha256, _prefix(scope)),
    )
    if not rows:
        return None
    data = db.query("SELECT data FROM blobs WHERE sha256 = ?", (sha256,))
    if not data:
        return None
    return db.cipher.open_bytes(data[0][0], blob_context(sha256)), str(rows[0][0])


# --- ratings (好差评) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """Counts of one item or one station; ``unsatisfied`` = 不满意 and 非常不满意."""

    key: str
    label: str
    count: int
    average: float
    unsatisfied: int


@dataclass(frozen=True, slots=True)
class UnsatisfiedRating:
    id: str
    level: int
    level_label: str
    reason: str
    number: str
    service_name: str
    station_name: str
    created_at: str
    handled_at: float | None
    handled_by: str
    note: str


def _ratings_in_scope(db: CentralDB, scope: str) -> list[dict[str, Any]]:
    names = service_names(db)
    out: list[dict[str, Any]] = []
    for r in db.query(
        "SELECT r.id, r.payload, t.station_name, f.handled_at, f.handled_by, f.note"
        " FROM ratings r JOIN terminals t ON t.terminal_id = r.terminal_id"
        " LEFT JOIN rating_followups f ON f.rating_id = r.id"
        " WHERE t.region_code LIKE ? ORDER BY r.received_at, r.id",
        (_prefix(scope),),
    ):
        payload = json.loads(db.cipher.open(r[1], payload_context("ratings", str(r[0]))))
        out.append(
            {
                "id": str(r[0]),
                "payload": payload,
                "station_name": str(r[2]),
                "handled_at": r[3],
                "handled_by": r[4] or "",
                "note": r[5] or "",
            }
        )
    # The rating names its application by number (the payload is sealed): item looked up here.
    numbers = {o["payload"]["application_number"] for o in out}
    codes: dict[str, str] = {}
    for number in numbers:
        found = db.query(
            "SELECT service_code FROM applications WHERE number = ? OR provisional_number = ?",
            (number, number),
        )
        if found:
            codes[number] = str(found[0][0])
    for o in out:
        code = codes.get(o["payload"]["application_number"], "")
        o["service_code"] = code
        o["service_name"] = names.get(code, code or "（未知事项）")
    return out


def rating_summaries(
    db: CentralDB, scope: str
) -> tuple[list[RatingSummary], list[RatingSummary], list[UnsatisfiedRating]]:
    """(per item, per station, every 不满意 rating oldest first) in scope."""
    rows = _ratings_in_scope(db, scope)

    def summarise(key_of: str, label_of: str) -> list[RatingSummary]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for o in rows:
            groups.setdefault(str(o[key_of]), []).append(o)
        return sorted(
            (
                RatingSummary(
                    key=k,
                    label=str(g[0][label_of]),
                    count=len(g),
                    average=round(sum(int(o["payload"]["level"]) for o in g) / len(g), 2),
                    unsatisfied=sum(
                        1 for o in g if int(o["payload"]["level"]) <= UNSATISFIED_LEVEL
                    ),
                )
                for k, g in groups.items()
            ),
            key=lambda s: (-s.unsatisfied, s.average, s.label),
        )

    unsatisfied = [
        UnsatisfiedRating(
            id=o["id"],
            level=int(o["payload"]["level"]),
            level_label=RATING_LABELS[int(o["payload"]["level"])],
            reason=str(o["payload"]["reason"]),
            number=str(o["payload"]["application_number"]),
            service_name=str(o["service_name"]),
            station_name=str(o["station_name"]),
            created_at=str(o["payload"]["created_at"]),
            handled_at=o["handled_at"],
            handled_by=str(o["handled_by"]),
            note=str(o["note"]),
        )
        for o in rows
        if int(o["payload"]["level"]) <= UNSATISFIED_LEVEL
    ]
    return (
        summarise("service_code", "service_name"),
        summarise("station_name", "station_name"),
        (unsatisfied),
    )


def mark_rating_handled(db: CentralDB, rating_id: str, note: str, actor: str, scope: str) -> None:
    """Record the 整改 of one 不满意 rating (what was done, by whom); once per rating."""
    note = note.strip()
    if not note:
        raise DecisionError("请填写整改情况")
    with db.backend.transaction() as tx:
        row = tx.execute(
            "SELECT r.id FROM ratings r JOIN terminals t ON t.terminal_id = r.terminal_id"
            " WHERE r.id = ? AND t.region_code LIKE ?",
            (rating_id, _prefix(scope)),
        ).fetchone()
        if row is None:
            raise NotInScopeError("没有这条评价，或不在您的辖区")
        done = tx.execute(
            "INSERT INTO rating_followups(rating_id, handled_at, handled_by, note)"
            " VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
            (rating_id, db._clock(), actor, note),
        ).rowcount
        if done != 1:
            raise DecisionError("这条评价已标记为整改完成")


# --- requests (诉求) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TriagedRequest:
    id: str
    kind: str
    kind_label: str
    content: str
    contact_name: str
    contact_phone: str
    station_name: str
    created_at: str
    state: str
    assignee: str
    reply: str
    updated_at: float | None

    @property
    def state_label(self) -> str:
        return REQUEST_STATES.get(self.state, self.state)


def requests(db: CentralDB, scope: str, state: str = "") -> list[TriagedRequest]:
    """Requests in scope, open ones first, oldest first (a request is new until triaged)."""
    out: list[TriagedRequest] = []
    for r in db.query(
        "SELECT q.id, q.payload, t.station_name, COALESCE(g.state, 'open'),"
        " COALESCE(g.assignee, ''), COALESCE(g.reply, ''), g.updated_at"
        " FROM requests q JOIN terminals t ON t.terminal_id = q.terminal_id"
        " LEFT JOIN request_triage g ON g.request_id = q.id"
        " WHERE t.region_code LIKE ? ORDER BY q.received_at, q.id",
        (_prefix(scope),),
    ):
        if state and r[3] != state:
            continue
        payload = json.loads(db.cipher.open(r[1], payload_context("requests", str(r[0]))))
        out.append(
            TriagedRequest(
                id=str(r[0]),
                kind=str(payload["kind"]),
                kind_label=REQUEST_KINDS.get(str(payload["kind"]), str(payload["kind"])),
                content=str(payload["content"]),
                contact_name=str(payload["name"]),
                contact_phone=str(payload["phone"]),
                station_name=str(r[2]),
                created_at=str(payload["created_at"]),
                state=str(r[3]),
                assignee=str(r[4]),
                reply=str(r[5]),
                updated_at=r[6],
            )
        )
    order = {"open": 0, "assigned": 1, "replied": 2, "closed": 3}
    out.sort(key=lambda q: order.get(q.state, 9))
    return out


def triage_request(
    db: CentralDB,
    request_id: str,
    action: str,
    actor: str,
    scope: str,
    *,
    assignee: str = "",
    reply: str = "",
) -> str:
    """``assign`` (to a named person or department), ``reply`` or ``close``; the new state.

    Each is queued in ``request_events`` for the terminal that took the request (the new
    state and the reply so far, never the assignee), the way a decision is queued in
    ``status_events``; the terminal pulls them from ``GET /v1/request-updates``.
    """
    assignee, reply = assignee.strip(), reply.strip()
    if action == "assign" and not assignee:
        raise DecisionError("请填写承办人或承办部门")
    if action == "reply" and not reply:
        raise DecisionError("答复内容不能为空")
    if action not in ("assign", "reply", "close"):
        raise DecisionError("未知的操作")
    with db.backend.transaction(serialise="request_events") as tx:
        row = tx.execute(
            "SELECT q.terminal_id, COALESCE(g.state, 'open'), COALESCE(g.assignee, ''),"
            " COALESCE(g.reply, '') FROM requests q"
            " JOIN terminals t ON t.terminal_id = q.terminal_id"
            " LEFT JOIN request_triage g ON g.request_id = q.id"
            " WHERE q.id = ? AND t.region_code LIKE ?",
            (request_id, _prefix(scope)),
        ).fetchone()
        if row is None:
            raise NotInScopeError("没有这条诉求，或不在您的辖区")
        terminal_id, current, old_assignee, old_reply = (str(v) for v in row)
        if current == "closed":
            raise DecisionError("该诉求已关闭")
        state = {"assign": "assigned", "reply": "replied", "close": "closed"}[action]
        new_assignee = assignee if action == "assign" else old_assignee
        new_reply = reply if action == "reply" else old_reply
        now = db._clock()
        tx.execute(
            "INSERT INTO request_triage(request_id, state, assignee, reply, updated_at, updated_by)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT(request_id) DO UPDATE SET state = excluded.state,"
            " assignee = excluded.assignee, reply = excluded.reply,"
            " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (request_id, state, new_assignee, new_reply, now, actor),
        )
        # Every step reaches the terminal (GET /v1/request-updates): 处理中 once assigned,
        # then the reply, then 已办结; the assignee's name stays on the platform.
        tx.execute(
            "INSERT INTO request_events(request_id, terminal_id, state, reply, changed_at)"
            " VALUES (?,?,?,?,?)",
            (request_id, terminal_id, state, new_reply, now),
        )
    return state


@dataclass(frozen=True, slots=True)
class RequestUpdate:
    """A reply or closing of one request, queued for the terminal that took it."""

    seq: int
    request_id: str
    state: str
    reply: str
    changed_at: float


def request_updates(
    db: CentralDB, terminal_id: str, cursor: int, limit: int
) -> list[RequestUpdate]:
    """This terminal's request replies after ``cursor``, in order (the shape of
    :meth:`central.db.CentralDB.status_updates`, ready for a ``/v1/request-updates`` pull)."""
    return [
        RequestUpdate(int(r[0]), str(r[1]), str(r[2]), str(r[3]), float(r[4]))
        for r in db.query(
            "SELECT seq, request_id, state, reply, changed_at FROM request_events"
            " WHERE terminal_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (terminal_id, cursor, limit),
        )
    ]
