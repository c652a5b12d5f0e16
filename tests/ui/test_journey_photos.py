"""Attachment fields as photo steps when a document camera is wired in: no Qt, a real store."""

from __future__ import annotations

import pytest

from kiosk.application import Channel
from kiosk.core import KioskCore
from kiosk.journey import COUNTER_ONLY, Journey, Step, can_file_here
from kiosk.usecases.resident import CoreServices
from tests.core.test_journey import HOLDER, RecordingPrinter
from tests.ui.taps import at

PHOTO = b"\xff\xd8\xff\xe0 downscaled page of the elder's photo \xff\xd9"
ELDER_CARD = "MZ-YD-001"  # 老年人优待证办理: a required 一寸免冠照片


@pytest.fixture
def core():
    core = KioskCore.open()
    yield core
    core.close()


@pytest.fixture
def journey(core) -> Journey:
    return Journey(CoreServices(core), RecordingPrinter(), camera=True)


def to_photo_step(journey: Journey) -> None:
    journey.card_inserted(HOLDER)
    journey.choose_item(ELDER_CARD)
    journey.begin_form()
    while at(journey) is Step.FORM and journey.current_field().type.value != "attachment":
        journey.answer(journey.session.answers.get(journey.current_field().key, ""))
        assert journey.session.error is None, journey.session.error
    assert at(journey) is Step.FORM


def test_with_a_camera_an_item_needing_a_photo_can_be_filed(journey, core):
    item = core.store.item(ELDER_CARD)
    assert not can_file_here(item) and can_file_here(item, camera=True)
    to_photo_step(journey)
    assert journey.current_field().key == "photo"
    journey.answer("")  # 下一步 without a photo
    assert at(journey) is Step.FORM
    assert journey.session.error.field == "photo" and "请先拍照" in journey.session.error.message

    journey.photo_taken("photo", b"first try")
    assert journey.session.error is None and journey.session.photos["photo"].content == b"first try"
    journey.retake()  # 重拍
    assert "photo" not in journey.session.photos
    journey.photo_taken("photo", PHOTO)
    journey.answer("")
    assert at(journey) is Step.REVIEW
    assert ("一寸免冠照片", "已拍照") in journey.review_lines()
    journey.submit()
    assert at(journey) is Step.SUBMITTED
    stored = core.store.application(journey.session.application.number)
    assert stored.channel is Channel.SELF_SERVICE
    (ref,) = stored.attachments
    assert (ref.field_key, ref.filename, ref.mime_type) == ("photo", "photo.jpg", "image/jpeg")
    assert core.store.attachment_content(ref.sha256) == PHOTO
    journey.finish()
    assert not journey.session.photos  # wiped with the session


def test_a_failed_capture_is_shown_under_the_question(journey):
    to_photo_step(journey)
    journey.photo_failed("photo", "无法连接高拍仪，请检查电源和连接线。")
    assert journey.session.error.field == "photo"
    assert "高拍仪" in journey.session.error.message


def test_a_photo_arriving_after_the_resident_moved_on_is_dropped(journey):
    to_photo_step(journey)
    journey.back()
    journey.photo_taken("photo", PHOTO)  # the capture finished late
    assert not journey.session.photos
    journey.timeout()
    journey.photo_taken("photo", PHOTO)
    assert not journey.session.photos and at(journey) is Step.HOME


def test_optional_photos_can_be_skipped(journey, core):
    journey.card_inserted(HOLDER)
    journey.choose_item("RS-YL-001")  # 户口簿本人页照片 is optional
    journey.begin_form()
    while at(journey) is Step.FORM:
        field = journey.current_field()
        if field.key == "phone":
            journey.answer("13812345678")
        elif field.options:
            journey.answer(field.options[0])
        else:
            journey.answer(journey.session.answers.get(field.key, ""))  # skips the photo
        assert journey.session.error is None, journey.session.error
    assert ("户口簿本人页照片", "（未拍照）") in journey.review_lines()
    journey.submit()
    stored = core.store.application(journey.session.application.number)
    assert stored.attachments == ()


def test_without_a_camera_items_needing_papers_still_go_to_the_counter(core):
    journey = Journey(CoreServices(core), RecordingPrinter())
    journey.card_inserted(HOLDER)
    journey.choose_item(ELDER_CARD)
    journey.begin_form()
    assert at(journey) is Step.GUIDE and journey.session.error.message == COUNTER_ONLY
    assert all(f.type.value != "attachment" for f in journey.questions())
