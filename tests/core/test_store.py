from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from kiosk.application import Applicant, Channel
from kiosk.core import KioskCore
from kiosk.errors import StoreError, ValidationError
from kiosk.ids import provisional_terminal_code
from kiosk.paths import DataDir
from kiosk.states import ApplicationState
from kiosk.store import NewAttachment
from kiosk.store.outbox import Outbox, OutboxKind
from kiosk.usecases.submit import submit_application

from .conftest import PENSION, WANG, ZHANG


def _submit(core: KioskCore, applicant: Applicant = ZHANG, **extra: object):
    return submit_application(
        core,
        PENSION.code,
        applicant,
        {"grade": "300元", "household": "3", "bank_account": "6222020200112233445"},
        **extra,  # type: ignore[arg-type]
    )


def test_submission_is_queued_with_minted_identity_and_promised_date(core: KioskCore) -> None:
    application = _submit(core)
    assert application.state is ApplicationState.QUEUED
    # Not enrolled: numbered under this installation's provisional code (never 000000).
    install_id = core.store.get_meta("terminal:install_id")
    assert install_id is not None
    assert application.number.startswith(f"{provisional_terminal_code(install_id)}-260930-0001-")
    assert application.promised_date == dt.date(2026, 10, 13)
    stored = core.store.application(application.number)
    assert stored is not None
    assert stored.id == application.id
    assert stored.applicant == ZHANG
    assert stored.form["name"] == ZHANG.name  # prefilled from the applicant
    assert stored.form["bank_account"] == "6222020200112233445"
    assert stored.content_hash() == application.content_hash()
    second = _submit(core, WANG)
    assert second.local_seq == application.local_seq + 1
    assert second.number.split("-")[2] == "0002"


def test_invalid_answers_are_rejected_with_the_field_named(core: KioskCore) -> None:
    with pytest.raises(ValidationError) as caught:
        submit_application(core, PENSION.code, ZHANG, {"grade": "999元", "household": "3"})
    assert caught.value.field == "grade"
    with pytest.raises(ValidationError) as caught:
        submit_application(core, PENSION.code, ZHANG, {"grade": "300元", "household": "30"})
    assert "不能大于20" in caught.value.message
    assert core.store.applications() == []


def test_assisted_filing_needs_staff_and_consent(core: KioskCore) -> None:
    with pytest.raises(ValidationError, match="代办工作人员"):
        _submit(core, channel=Channel.ASSISTED)
    with pytest.raises(ValidationError, match="同意"):
        _submit(core, channel=Channel.ASSISTED, staff_id="S001")
    application = _submit(core, channel=Channel.ASSISTED, staff_id="S001", consent=True)
    assert application.staff_id == "S001"


def test_attachments_are_encrypted_and_content_addressed(core: KioskCore) -> None:
    photo = b"\x89PNG fake scan of a household register " * 100
    application = _submit(
        core, attachments=[NewAttachment("hukou_photo", "户口簿.png", "image/png", photo)]
    )
    (ref,) = application.attachments
    assert core.store.attachment_content(ref.sha256) == photo
    on_disk = core.store.files.path_of(ref.sha256).read_bytes()
    assert photo[:20] not in on_disk


def test_outbox_lease_ack_and_attachments(core: KioskCore) -> None:
    outbox = Outbox(core.store)
    with_file = _submit(
        core, attachments=[NewAttachment("hukou_photo", "a.png", "image/png", b"scan")]
    )
    plain = _submit(core, WANG)
    claimed = outbox.claim(OutboxKind.APPLICATION, 10, now=1000.0, lease_s=60)
    assert [e.item_id for e in claimed] == [with_file.id, plain.id]
    assert outbox.claim(OutboxKind.APPLICATION, 10, now=1001.0, lease_s=60) == []  # leased
    assert core.store.application(plain.id).state is ApplicationState.SENDING  # type: ignore[union-attr]
    # the sync round died: the lease expires and the items can be claimed again
    again = outbox.claim(OutboxKind.APPLICATION, 10, now=1061.0, lease_s=60)
    assert len(again) == 2
    for entry in again:
        outbox.acknowledged(entry)
    assert core.store.application(plain.id).state is ApplicationState.DONE  # type: ignore[union-attr]
    assert core.store.application(with_file.id).state is ApplicationState.ATTACHMENTS_PENDING  # type: ignore[union-attr]
    (pending,) = outbox.pending_attachments(with_file.id)
    outbox.attachment_uploaded(with_file.id, pending.sha256)
    assert core.store.application(with_file.id).state is ApplicationState.DONE  # type: ignore[union-attr]
    assert outbox.stats().depth == 0


def test_transient_failure_requeues_and_business_error_quarantines_one_item(
    core: KioskCore,
) -> None:
    outbox = Outbox(core.store)
    first, second = _submit(core), _submit(core, WANG)
    a, b = outbox.claim(OutboxKind.APPLICATION, 10, now=0.0, lease_s=60)
    outbox.retry_later(a, next_attempt_at=500.0, error="timeout")
    outbox.quarantine(b, "事项版本已停用")
    assert core.store.application(first.id).state is ApplicationState.QUEUED  # type: ignore[union-attr]
    quarantined = core.store.application(second.id)
    assert quarantined is not None and quarantined.state is ApplicationState.QUARANTINED
    assert quarantined.state_reason == "事项版本已停用"
    assert outbox.claim(OutboxKind.APPLICATION, 10, now=100.0, lease_s=60) == []  # backing off
    (retry,) = outbox.claim(OutboxKind.APPLICATION, 10, now=501.0, lease_s=60)
    assert retry.attempts == 1 and retry.last_error == "timeout"
    core.store.requeue(second.id)  # staff fixed the cause
    assert core.store.application(second.id).state is ApplicationState.QUEUED  # type: ignore[union-attr]


def test_platform_status_and_my_applications(core: KioskCore) -> None:
    outbox = Outbox(core.store)
    application = _submit(core)
    assert (
        outbox.apply_platform_status(
            application.id, ApplicationState.ACCEPTED, "", dt.datetime.now(dt.UTC)
        )
        is False
    )
    (entry,) = outbox.claim(OutboxKind.APPLICATION, 1, now=0.0, lease_s=60)
    outbox.acknowledged(entry)
    as_of = dt.datetime(2026, 10, 9, 3, 0, tzinfo=dt.UTC)
    assert outbox.apply_platform_status(
        application.id, ApplicationState.NEEDS_SUPPLEMENT, "缺户口簿复印件", as_of
    )
    (mine,) = core.store.applications_of(ZHANG.id_number)
    assert mine.state is ApplicationState.NEEDS_SUPPLEMENT
    assert mine.state_reason == "缺户口簿复印件"
    assert mine.status_as_of == as_of
    assert core.store.applications_of(WANG.id_number) == []


def test_purge_keeps_what_my_applications_needs(core: KioskCore) -> None:
    outbox = Outbox(core.store)
    application = _submit(
        core, attachments=[NewAttachment("hukou_photo", "a.png", "image/png", b"scan!")]
    )
    (entry,) = outbox.claim(OutboxKind.APPLICATION, 1, now=0.0, lease_s=60)
    outbox.acknowledged(entry)
    outbox.attachment_uploaded(application.id, application.attachments[0].sha256)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert core.store.purge_personal_data(older_than=later) == 1
    (kept,) = core.store.applications_of(ZHANG.id_number)
    assert kept.purged and kept.applicant.name == "" and "bank_account" not in kept.form
    assert kept.number == application.number and kept.state is ApplicationState.DONE
    assert not core.store.files.path_of(application.attachments[0].sha256).exists()


def test_undelivered_applications_are_never_purged(core: KioskCore) -> None:
    _submit(core)
    assert (
        core.store.purge_personal_data(older_than=dt.datetime.now(dt.UTC) + dt.timedelta(days=3650))
        == 0
    )


def test_drafts_are_offered_back_to_the_same_card_holder_only(core: KioskCore) -> None:
    core.store.save_draft(ZHANG.id_number, PENSION.code, {"grade": "300元"})
    assert core.store.draft_for(ZHANG.id_number) == (PENSION.code, {"grade": "300元"})
    assert core.store.draft_for(WANG.id_number) is None
    core.store.discard_draft(ZHANG.id_number)
    assert core.store.draft_for(ZHANG.id_number) is None


def test_a_corrupt_database_is_reported_clearly(kiosk_home) -> None:
    data = DataDir(kiosk_home).ensure()
    data.database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(StoreError, match="联系技术人员"):
        KioskCore.open(data)


def test_tampered_ciphertext_is_detected(core: KioskCore) -> None:
    application = _submit(core)
    raw = sqlite3.connect(core.data.database)
    blob = raw.execute("SELECT personal FROM applications").fetchone()[0]
    raw.execute("UPDATE applications SET personal = ?", (blob[:-1] + bytes([blob[-1] ^ 1]),))
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="校验失败"):
        core.store.application(application.id)


def test_purge_also_clears_delivered_requests_and_rating_reasons(core: KioskCore) -> None:
    from kiosk.feedback import RatingLevel, RequestKind
    from kiosk.usecases.feedback import file_request, rate_application

    outbox = Outbox(core.store)
    application = _submit(core)
    rating = rate_application(core, application.number, RatingLevel.DISSATISFIED, "等了很久")
    request = file_request(
        core, RequestKind.HELP, "村口路灯坏了三天了", name="张桂英", phone="13800138000"
    )
    for kind in (OutboxKind.RATING, OutboxKind.REQUEST):
        for entry in outbox.claim(kind, 10, now=0.0, lease_s=60):
            outbox.acknowledged(entry)
    core.store.purge_personal_data(older_than=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    purged = core.store.request(request.id)
    assert purged is not None and purged.name == "" and purged.content == ""
    kept = core.store.rating_for(application.number)
    assert (
        kept is not None
        and kept.id == rating.id
        and kept.reason == ""
        and kept.level is RatingLevel.DISSATISFIED
    )


def test_release_returns_items_to_the_queue_without_counting_an_attempt(core: KioskCore) -> None:
    outbox = Outbox(core.store)
    application = _submit(core)
    claimed = outbox.claim(OutboxKind.APPLICATION, 10, now=0.0, lease_s=600)
    outbox.release(claimed)
    (again,) = outbox.claim(OutboxKind.APPLICATION, 10, now=1.0, lease_s=600)
    assert again.attempts == 0
    assert outbox.release_all() == 1  # a killed process's lease
    assert core.store.application(application.id).state is ApplicationState.QUEUED  # type: ignore[union-attr]
    assert len(outbox.claim(OutboxKind.APPLICATION, 10, now=2.0, lease_s=600)) == 1
