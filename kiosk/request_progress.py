"""Where a resident's request (诉求) stands, as the platform reported it (issue 12 item 4).

A request is delivered like a rating (``DeliveryState``); after that the platform's clerk
assigns it (处理中), replies (已答复) and closes it (已办结), and each step comes down with
the sync engine's ``GET /v1/request-updates`` pull. This module is the resident's view of
those states: pure words and rules, no SQL (``kiosk/store/request_queries.py``) and no
wire types (the engine maps the protocol's ``RequestState`` values, the same strings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kiosk.feedback import RequestKind
from kiosk.states import DeliveryState


class PlatformRequestState(StrEnum):
    """The platform's request states (``sync.protocol.RequestState``, same values)."""

    OPEN = "open"
    ASSIGNED = "assigned"
    REPLIED = "replied"
    CLOSED = "closed"


_LABELS = {
    PlatformRequestState.OPEN: "已受理",
    PlatformRequestState.ASSIGNED: "处理中",
    PlatformRequestState.REPLIED: "已答复",
    PlatformRequestState.CLOSED: "已办结",
}

_DELIVERY_LABELS = {
    DeliveryState.QUEUED: "待发送",
    DeliveryState.SENDING: "发送中",
    DeliveryState.ACKNOWLEDGED: "已受理",  # the platform has it; nobody has triaged it yet
    DeliveryState.QUARANTINED: "发送受阻，请工作人员处理",
}


@dataclass(frozen=True, slots=True)
class RequestProgress:
    """One request of a card holder as 我的办件 lists it; ``reply`` is the clerk's answer."""

    id: str
    number: str  # F + filing day + sequence ("" for requests filed before numbers existed)
    kind: RequestKind
    created_at: dt.datetime
    delivery: DeliveryState
    platform_state: PlatformRequestState | None
    reply: str
    changed_at: dt.datetime | None

    @property
    def state_label(self) -> str:
        """已受理 / 处理中 / 已答复 / 已办结 once delivered; the delivery state before."""
        if self.platform_state is not None:
            return _LABELS[self.platform_state]
        return _DELIVERY_LABELS[self.delivery]

    @property
    def heading(self) -> str:
        return f"我要反映：{self.kind.label}"

    def __repr__(self) -> str:  # the reply may name people: never in a log line
        return f"RequestProgress(id={self.id!r}, state={self.state_label!r})"


def request_number_key(typed: str) -> str | None:
    """``F2612030001`` from what was typed (the number pad has no letters: F optional)."""
    digits = typed.strip().upper().removeprefix("F")
    if not (digits.isdigit() and len(digits) == REQUEST_NUMBER_DIGITS):
        return None
    return "F" + digits


REQUEST_NUMBER_DIGITS = 10
"""yymmdd + a 4-digit sequence: a length no application or booking number has."""
