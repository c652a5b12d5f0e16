"""Ratings (好差评) and requests (诉求).

Ratings follow 国办发〔2019〕51号: five levels, voluntary, one per visit, tied
to the application number, and a reason is required at 不满意 and below so the
department can act on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from kiosk.errors import ValidationError
from kiosk.states import DeliveryState
from kiosk.text_rules import check_text


class RatingLevel(IntEnum):
    VERY_SATISFIED = 5
    SATISFIED = 4
    BASICALLY_SATISFIED = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1

    @property
    def label(self) -> str:
        return {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}[self.value]

    @property
    def needs_reason(self) -> bool:
        return self <= RatingLevel.DISSATISFIED


@dataclass(frozen=True, slots=True)
class Rating:
    id: str
    application_number: str
    level: RatingLevel
    reason: str
    created_at: dt.datetime
    state: DeliveryState = DeliveryState.QUEUED


def check_rating(level: RatingLevel, reason: str) -> str:
    """The cleaned reason, or a Chinese explanation why the rating cannot be saved."""
    cleaned = check_text(reason.strip(), "评价原因", "reason", multiline=True)
    if level.needs_reason and not cleaned:
        raise ValidationError("请说一说不满意的原因，我们会转给相关部门改进。", field="reason")
    if len(cleaned) > 500:
        raise ValidationError("原因请不要超过500字。", field="reason")
    return cleaned


class RequestKind(StrEnum):
    COMPLAINT = "complaint"  # 投诉
    SUGGESTION = "suggestion"  # 建议
    HELP = "help"  # 求助
    CONSULTATION = "consultation"  # 咨询

    @property
    def label(self) -> str:
        return {"complaint": "投诉", "suggestion": "建议", "help": "求助", "consultation": "咨询"}[
            self.value
        ]


@dataclass(frozen=True, slots=True)
class CitizenRequest:
    """A request (诉求), not tied to a service item. Contact details are personal data."""

    id: str
    kind: RequestKind
    content: str
    name: str
    phone: str
    id_number: str
    created_at: dt.datetime
    state: DeliveryState = DeliveryState.QUEUED

    def __repr__(self) -> str:
        return f"CitizenRequest(id={self.id!r}, kind={self.kind.value!r})"


def check_request_content(content: str) -> str:
    """The cleaned content (several lines allowed), or a Chinese explanation."""
    cleaned = check_text(content.strip(), "反映内容", "content", multiline=True)
    if len(cleaned) < 5:
        raise ValidationError("请把您要反映的事情说得具体一些（至少5个字）。", field="content")
    if len(cleaned) > 2000:
        raise ValidationError("内容请不要超过2000字。", field="content")
    return cleaned
