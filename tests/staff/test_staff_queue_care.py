"""Queue care: the list with reasons, supplement (补正) as a linked new version, resubmit, reprint, summary."""

from __future__ import annotations

import datetime as dt

import pytest
from staffhelpers import PHOTO_ITEM, RESIDENT, SIMPLE_ITEM, ReferencePlatform, answers_for

from kiosk.application import Channel
from kiosk.core import KioskCore
from kiosk.errors import KioskError
from kiosk.staff import StaffSession
from kiosk.states import ApplicationState
from kiosk.store import NewAttachment
from kiosk.store.outbox import Outbox, OutboxKind
from kiosk.usecases import queue_care as qc
from kiosk.usecases.submit import submit_application
from sync.protocol import PlatformStatus

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _file(core: KioskCore, session: StaffSession, code: str = SIMPLE_ITEM, files=()):
    item = core.store.item(code)
    return submit_application(
        core,
        code,
        RESIDENT,
        answers_for(item),
        list(files),
        channel=Channel.ASSISTED,
        staff_id=session.staff.number,
        consent=True,
    )


def _quarantine(core: KioskCore, app_id: str, reason: str) -> None:
    """What the sync engine does on a business error from the platform."""
    outbox = Outbox(core.store)
    claimed = outbox.claim(OutboxKind.APPLICATION, 50, now=1e12, lease_s=60)
    outbox.quarantine(next(e for e in claimed if e.item_id == app_id), reason)
    outbox.release([e for e in claimed if e.item_id != app_id])


def test_queue_lists_every_application_with_state_reason_and_actions(core, staff_session):
    first = _file(core, staff_session)
    second = _file(core, staff_session)
    _quarantine(core, second.id, "平台拒收：事项版本已停用")
    entries = qc.queue_entries(core)
    assert [e.number for e in entries] == [second.number, first.number]
    stuck = entries[0]
    assert stuck.state is ApplicationState.QUARANTINED
    assert stuck.reason == "平台拒收：事项版本已停用"
    assert stuck.actions == (qc.CareAction.RESUBMIT, qc.CareAction.REPRINT)
    assert stuck.staff_id == "1001" and stuck.channel is Channel.ASSISTED
    assert RESIDENT.name not in stuck.applicant and RESIDENT.id_number != stuck.id_number
    assert [e.number for e in qc.queue_entries(core, qc.QueueFilter.NEEDS_ACTION)] == [
        second.number
    ]
    assert [e.number for e in qc.queue_entries(core, qc.QueueFilter.WAITING)] == [first.number]


def test_resubmit_a_quarantined_application_keeps_its_id(core, staff_session):
    app = _file(core, staff_session)
    _quarantine(core, app.id, "内容冲突")
    again = qc.resubmit(core, staff_session, app.number)
    assert again.id == app.id and again.state is ApplicationState.QUEUED
    assert app.id in [e.item_id for e in Outbox(core.store).entries()]
    with pytest.raises(KioskError, match="无需重新提交"):
        qc.resubmit(core, staff_session, app.id)


def test_supplement_only_when_the_platform_asked(core, staff_session):
    app = _file(core, staff_session)
    with pytest.raises(KioskError, match="不需要补正"):
        qc.supplement(core, staff_session, app.id, consent=True)


def test_reprint_marks_the_receipt(core, staff_session):
    app = _file(core, staff_session)
    assert not app.receipt_printed
    assert qc.application_for_reprint(core, app.number).id == app.id
    qc.mark_receipt_printed(core, app.id)
    assert core.store.application(app.id).receipt_printed
    with pytest.raises(KioskError):
        qc.application_for_reprint(core, "nope")


def test_daily_summary_counts_per_item_and_state(core, staff_session, clock):
    _file(core, staff_session)
    _file(core, staff_session)
    quarantined = _file(
        core,
        staff_session,
        PHOTO_ITEM,
        [NewAttachment("hukou_photo", "户口簿.png", "image/png", PNG)],
    )
    _quarantine(core, quarantined.id, "x")
    clock.advance(24 * 3600)
    _file(core, staff_session)  # tomorrow
    summary = qc.daily_summary(core, dt.date(2026, 11, 23))
    assert summary.total == 3
    assert summary.by_state() == {ApplicationState.QUEUED: 2, ApplicationState.QUARANTINED: 1}
    assert [(line.service_code, line.total) for line in summary.lines] == [
        (PHOTO_ITEM, 1),
        (SIMPLE_ITEM, 2),
    ]
    assert qc.daily_summary(core).total == 1  # today, by the core's clock


def test_supplement_round_trip_with_the_reference_platform(
    core: KioskCore, staff_session: StaffSession, reference_platform: ReferencePlatform
):
    """Platform asks for a missing paper → staff supplements → platform accepts the new version."""
    original = _file(
        core,
        staff_session,
        PHOTO_ITEM,
        [NewAttachment("hukou_photo", "户口簿.png", "image/png", PNG)],
    )
    reference_platform.sync()
    assert core.store.application(original.id).state is ApplicationState.DONE

    reference_platform.db.set_status(
        original.number,
        PlatformStatus.NEEDS_SUPPLEMENT,
        reason="请补充户口簿本人页照片",
        missing=["hukou_photo"],
    )
    reference_platform.sync()
    [entry] = [e for e in qc.queue_entries(core, qc.QueueFilter.NEEDS_ACTION)]
    assert entry.number == original.number
    assert entry.reason.startswith("请补充户口簿本人页照片")
    assert qc.CareAction.SUPPLEMENT in entry.actions

    clearer = PNG + b"\x01" * 32
    new = qc.supplement(
        core,
        staff_session,
        original.id,
        {"reason": "补充材料"},
        [NewAttachment("hukou_photo", "户口簿本人页.png", "image/png", clearer)],
        consent=True,
    )
    assert new.supersedes == original.id and new.id != original.id
    assert new.staff_id == "1001" and new.consent
    before = core.store.application(original.id)
    assert before.content_hash() == original.content_hash()  # what was sent is never edited
    assert [a.size for a in new.attachments] == [len(clearer)]
    with pytest.raises(KioskError, match="已经补正过"):
        qc.supplement(core, staff_session, original.id, consent=True)

    reference_platform.sync()
    on_platform = {a["number"]: a for a in reference_platform.db.applications()}
    assert new.number in on_platform
    reference_platform.db.set_status(new.number, PlatformStatus.ACCEPTED)
    reference_platform.sync()
    assert core.store.application(new.id).state is ApplicationState.ACCEPTED
    entries = {e.number: e for e in qc.queue_entries(core)}
    assert entries[original.number].superseded_by == new.id
    assert qc.CareAction.SUPPLEMENT not in entries[original.number].actions
    assert entries[new.number].supersedes == original.id
    assert qc.queue_entries(core, qc.QueueFilter.NEEDS_ACTION) == []
