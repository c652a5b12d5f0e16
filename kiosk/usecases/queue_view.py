"""The terminal's applications as staff and technicians see them (``kiosk queue``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.application import Application
from kiosk.core import KioskCore
from kiosk.deadlines import DeadlineKind, deadline_of
from kiosk.identity import mask_id_number, mask_name
from kiosk.store.outbox import Outbox


@dataclass(frozen=True, slots=True)
class QueueRow:
    number: str
    service_code: str
    service_name: str
    applicant: str  # masked: staff see enough to recognise, not to copy
    id_number: str  # masked
    channel: str
    state: str
    state_label: str
    reason: str
    attempts: int
    last_error: str
    created_at: str
    promised_date: str
    status_as_of: str | None
    receipt_printed: bool
    accepted_on: str | None = None  # 受理日 from the platform (ISO date)
    due_on: str | None = None  # 办结期限 from the platform; null before acceptance or while stopped
    deadline: str = ""  # what is shown: 办结期限 …, 预计办结 … (kiosk.deadlines)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "service_code": self.service_code,
            "service_name": self.service_name,
            "applicant": self.applicant,
            "id_number": self.id_number,
            "channel": self.channel,
            "state": self.state,
            "state_label": self.state_label,
            "reason": self.reason,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": self.created_at,
            "promised_date": self.promised_date,
            "status_as_of": self.status_as_of,
            "receipt_printed": self.receipt_printed,
            "accepted_on": self.accepted_on,
            "due_on": self.due_on,
            "deadline": self.deadline,
        }


def queue_rows(core: KioskCore, *, limit: int = 200) -> list[QueueRow]:
    pending = {entry.item_id: entry for entry in Outbox(core.store).entries()}
    return [_row(app, pending.get(app.id)) for app in core.store.applications(limit=limit)]


def _row(app: Application, entry: Any) -> QueueRow:
    return QueueRow(
        number=app.number,
        service_code=app.service_code,
        service_name=app.service_name,
        applicant=masked_applicant(app),
        id_number=masked_id_number(app),
        channel=app.channel.value,
        state=app.state.value,
        state_label=app.state.label,
        reason=app.state_reason,
        attempts=entry.attempts if entry else 0,
        last_error=entry.last_error if entry else "",
        created_at=app.created_at.isoformat(timespec="seconds"),
        promised_date=app.promised_date.isoformat(),
        status_as_of=app.status_as_of.isoformat(timespec="seconds") if app.status_as_of else None,
        receipt_printed=app.receipt_printed,
        accepted_on=app.accepted_on.isoformat() if app.accepted_on else None,
        due_on=app.due_on.isoformat() if app.due_on else None,
        deadline=_deadline_text(app),
    )


def _deadline_text(app: Application) -> str:
    deadline = deadline_of(app)
    return f"{deadline.label} {deadline.text}" if deadline.kind is not DeadlineKind.NONE else ""


def masked_id_number(app: Application) -> str:
    """What staff lists show of the ID number (nothing once purged or unreadable)."""
    return "" if app.purged or app.unreadable else mask_id_number(app.applicant.id_number)


def masked_applicant(app: Application) -> str:
    """What staff lists show of the applicant: recognisable, not copyable; or why nothing."""
    if app.unreadable:
        return "（数据无法解密）"
    if app.purged:
        return "（已清除）"
    return mask_name(app.applicant.name)
