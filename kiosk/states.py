"""The life of an application, as one explicit state machine.

Delivery states (the kiosk's own, sync contract rule 4) come first; the states
after ``done`` are reported by the platform. Every move not listed in
``_ALLOWED`` raises :class:`~kiosk.errors.InvalidTransition`, so a bug can never
move an application backwards into "queued" and send it twice.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.errors import InvalidTransition


class ApplicationState(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    SENDING = "sending"  # leased by a sync round; the lease expires if that round dies
    ACKNOWLEDGED = "acknowledged"  # the platform confirmed the application itself
    ATTACHMENTS_PENDING = "attachments_pending"
    DONE = "done"  # everything delivered; waiting for the platform's decision
    QUARANTINED = "quarantined"  # a business error on this item only; staff must look
    ACCEPTED = "accepted"  # 受理
    IN_PROGRESS = "in_progress"  # 办理中
    NEEDS_SUPPLEMENT = "needs_supplement"  # 需补正
    COMPLETED = "completed"  # 已办结
    REJECTED = "rejected"  # 不予受理

    @property
    def label(self) -> str:
        """What residents and staff read."""
        return _LABELS[self]

    @property
    def is_delivered(self) -> bool:
        return self in _PLATFORM_STATES or self is ApplicationState.DONE

    @property
    def is_final(self) -> bool:
        return self in (ApplicationState.COMPLETED, ApplicationState.REJECTED)


_LABELS = {
    ApplicationState.DRAFT: "草稿",
    ApplicationState.QUEUED: "待发送",
    ApplicationState.SENDING: "发送中",
    ApplicationState.ACKNOWLEDGED: "已送达",
    ApplicationState.ATTACHMENTS_PENDING: "材料上传中",
    ApplicationState.DONE: "已提交，等待受理",
    ApplicationState.QUARANTINED: "发送受阻，请工作人员处理",
    ApplicationState.ACCEPTED: "已受理",
    ApplicationState.IN_PROGRESS: "办理中",
    ApplicationState.NEEDS_SUPPLEMENT: "需补正材料",
    ApplicationState.COMPLETED: "已办结",
    ApplicationState.REJECTED: "不予受理",
}

_PLATFORM_STATES = frozenset(
    {
        ApplicationState.ACCEPTED,
        ApplicationState.IN_PROGRESS,
        ApplicationState.NEEDS_SUPPLEMENT,
        ApplicationState.COMPLETED,
        ApplicationState.REJECTED,
    }
)

S = ApplicationState
_ALLOWED: dict[ApplicationState, frozenset[ApplicationState]] = {
    S.DRAFT: frozenset({S.QUEUED}),
    S.QUEUED: frozenset({S.SENDING}),
    # A lost answer returns the item to the queue; the id makes the resend idempotent.
    S.SENDING: frozenset({S.QUEUED, S.ACKNOWLEDGED, S.QUARANTINED}),
    S.ACKNOWLEDGED: frozenset({S.ATTACHMENTS_PENDING, S.DONE} | _PLATFORM_STATES),
    S.ATTACHMENTS_PENDING: frozenset({S.DONE, S.QUARANTINED} | _PLATFORM_STATES),
    S.DONE: _PLATFORM_STATES,
    # Staff fixes the cause and sends it again (the same id: still idempotent).
    S.QUARANTINED: frozenset({S.QUEUED}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.NEEDS_SUPPLEMENT, S.COMPLETED, S.REJECTED}),
    S.IN_PROGRESS: frozenset({S.ACCEPTED, S.NEEDS_SUPPLEMENT, S.COMPLETED, S.REJECTED}),
    S.NEEDS_SUPPLEMENT: frozenset({S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED, S.REJECTED}),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset(),
}
_REOPEN: dict[ApplicationState, frozenset[ApplicationState]] = {
    # A final decision reopened for correction on the platform (its event says ``reopened``):
    # back to 受理 if the department had accepted, else back to waiting for acceptance.
    S.COMPLETED: frozenset({S.ACCEPTED, S.DONE}),
    S.REJECTED: frozenset({S.ACCEPTED, S.DONE}),
}
del S

PLATFORM_STATES = _PLATFORM_STATES


def check_transition(current: ApplicationState, target: ApplicationState) -> None:
    """Raise unless ``current → target`` is allowed. Staying in the same state is a no-op."""
    if current is target:
        return
    if target not in _ALLOWED[current]:
        raise InvalidTransition(f"application cannot go from {current.value} to {target.value}")


def check_reopen(current: ApplicationState, target: ApplicationState) -> None:
    """Raise unless ``current → target`` is a reopening of a final decision.

    Kept apart from :func:`check_transition` on purpose: no ordinary move leaves a final
    state, and only a platform event that says ``reopened`` may use this one.
    """
    if target not in _REOPEN.get(current, frozenset()):
        raise InvalidTransition(
            f"application cannot be reopened from {current.value} to {target.value}"
        )


class DeliveryState(StrEnum):
    """Delivery of ratings and requests: small items without attachments or platform decisions."""

    QUEUED = "queued"
    SENDING = "sending"
    ACKNOWLEDGED = "acknowledged"
    QUARANTINED = "quarantined"
