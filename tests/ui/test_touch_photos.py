"""Items that need papers, filed at the touch screen with a document camera (高拍仪), by taps.

The camera is the simulator drawing an A4 page at 300 dpi; the photo is taken on
the camera bridge's thread, downscaled there, and stored encrypted with the application.
"""

from __future__ import annotations

import io
import threading

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from devices.camera.downscale import MAX_IMAGE_SIDE
from kiosk.application import Channel
from kiosk.journey import Step
from tests.ui.taps import at, find, tap, tap_keys, text_of, wait_step
from ui.screens.form_screen import THUMBNAIL_PX

CARD = "resident-longterm"  # 李秀英, born 1958
ELDER_CARD = "MZ-YD-001"  # 老年人优待证办理: the 一寸免冠照片 is required


def to_the_photo_step(qtbot, rig) -> None:
    """Card → 老年人优待证 (found by pinyin initials) → questions pre-filled from the card."""
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "lnryd")
    tap(qtbot, rig, f"item_{ELDER_CARD}")
    tap(qtbot, rig, "begin_form")
    assert at(rig.journey) is Step.FORM  # no longer sent to the counter
    for _ in ("name", "id_number", "phone", "address", "birth_date"):
        tap(qtbot, rig, "next")
    assert rig.journey.current_field().key == "photo"
    assert "放在高拍仪下" in text_of(rig, "question")


def take_photo(qtbot, rig) -> None:
    capture = find(rig, QPushButton, "capture")
    assert capture.height() >= 60
    qtbot.mouseClick(capture, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "photo" in rig.journey.session.photos, timeout=10_000)
    thumbnail = find(rig, QLabel, "thumbnail")
    shown = thumbnail.pixmap()
    assert not shown.isNull()
    # the whole page at thumbnail size, its proportions kept (A4 portrait: 360 high)
    stored = Image.open(io.BytesIO(rig.journey.session.photos["photo"].content))
    assert shown.height() == THUMBNAIL_PX
    assert abs(shown.width() - THUMBNAIL_PX * stored.width / stored.height) <= 1


def test_assisted_filing_with_a_photo_from_the_document_camera(qtbot, camera_rig):
    from kiosk.staff import Role
    from kiosk.usecases import staff_auth

    rig = camera_rig
    staff_auth.add_staff(rig.core, "1001", "李小梅", Role.STAFF, "246813")
    tap(qtbot, rig, "open_staff")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_number"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "1001")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_pin"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "246813")
    tap(qtbot, rig, "sign_in")
    qtbot.waitUntil(lambda: rig.window.staff_session is not None, timeout=10_000)
    tap(qtbot, rig, "staff_to_resident")

    to_the_photo_step(qtbot, rig)
    take_photo(qtbot, rig)
    tap(qtbot, rig, "retake")  # 重拍
    assert "photo" not in rig.journey.session.photos
    take_photo(qtbot, rig)
    content = rig.journey.session.photos["photo"].content
    tap(qtbot, rig, "next")
    assert at(rig.journey) is Step.REVIEW
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.CONSENT
    tap(qtbot, rig, "confirm")  # the resident's own tap
    assert at(rig.journey) is Step.SUBMITTED

    filed = rig.core.store.application(text_of(rig, "application_number"))
    assert filed.channel is Channel.ASSISTED and filed.staff_id == "1001" and filed.consent
    (ref,) = filed.attachments
    assert (ref.field_key, ref.mime_type) == ("photo", "image/jpeg")
    stored = rig.core.store.attachment_content(ref.sha256)
    assert stored == content
    with Image.open(io.BytesIO(stored)) as image:  # downscaled from 2480 × 3508
        assert max(image.size) == MAX_IMAGE_SIDE
    on_disk = rig.core.store.files.path_of(ref.sha256).read_bytes()
    assert not on_disk.startswith(b"\xff\xd8")  # not a JPEG: encrypted
    assert stored[200:264] not in on_disk
    tap(qtbot, rig, "nav_home")
    assert not rig.journey.session.photos  # wiped with the session


def test_self_service_photo_is_required_and_a_failed_capture_says_why(qtbot, camera_rig):
    rig = camera_rig
    threads: list[threading.Thread] = []
    delivered = rig.journey.photo_taken

    def on_gui_thread_only(*args: object) -> None:
        threads.append(threading.current_thread())
        delivered(*args)

    rig.journey.photo_taken = on_gui_thread_only
    to_the_photo_step(qtbot, rig)
    tap(qtbot, rig, "next")  # no photo yet
    assert at(rig.journey) is Step.FORM
    assert "请先拍照" in text_of(rig, "field_error")
    rig.kiosk.camera.camera.fail_next()
    qtbot.mouseClick(find(rig, QPushButton, "capture"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "高拍仪拍照失败" in text_of(rig, "field_error"), timeout=10_000)
    assert find(rig, QPushButton, "capture").isEnabled()  # ready for another try
    take_photo(qtbot, rig)
    assert threads == [threading.main_thread()]  # captured on the camera thread, delivered here
    tap(qtbot, rig, "next")
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.SUBMITTED
    filed = rig.core.store.application(text_of(rig, "application_number"))
    assert filed.channel is Channel.SELF_SERVICE
    assert [a.field_key for a in filed.attachments] == ["photo"]
