from __future__ import annotations

import pytest

from kiosk.errors import InvalidTransition
from kiosk.states import ApplicationState as S
from kiosk.states import check_transition

LEGAL = [
    (S.DRAFT, S.QUEUED),
    (S.QUEUED, S.SENDING),
    (S.SENDING, S.QUEUED),
    (S.SENDING, S.ACKNOWLEDGED),
    (S.SENDING, S.QUARANTINED),
    (S.ACKNOWLEDGED, S.ATTACHMENTS_PENDING),
    (S.ATTACHMENTS_PENDING, S.DONE),
    (S.DONE, S.ACCEPTED),
    (S.ACCEPTED, S.NEEDS_SUPPLEMENT),
    (S.NEEDS_SUPPLEMENT, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.QUARANTINED, S.QUEUED),
]

ILLEGAL = [
    (S.DRAFT, S.SENDING),
    (S.QUEUED, S.DONE),  # cannot skip the platform's acknowledgement
    (S.ACKNOWLEDGED, S.QUEUED),  # would send an acknowledged application again
    (S.DONE, S.QUEUED),
    (S.COMPLETED, S.IN_PROGRESS),
    (S.REJECTED, S.ACCEPTED),
    (S.QUEUED, S.ACCEPTED),  # the platform cannot decide on what it has not received
]


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_legal_moves(current: S, target: S) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_moves_raise(current: S, target: S) -> None:
    with pytest.raises(InvalidTransition):
        check_transition(current, target)


def test_every_state_has_a_chinese_label() -> None:
    for state in S:
        assert state.label and all(not ch.isascii() for ch in state.label[:1])
