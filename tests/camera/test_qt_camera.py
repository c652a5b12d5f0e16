"""The live document camera (``qt:``, ``ui.camera_qt``) without a camera: CI machines have none.

What runs for real: the factory's URL parsing and the wiring's opener, the lookup
through ``QMediaDevices`` (which finds nothing here), the capture session, its video
sink and the preview painted from it, with frames pushed through ``QVideoFrameInput``
(``PushedFrames``) in place of a UVC camera; the capture path, the downscale and EXIF
strip, and the photo step by taps. What cannot run here (``UvcSource``: ``QCamera`` and
``QImageCapture`` on a real device) is described in docs/devices-camera.md.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false;qt.multimedia.*=false")

import io
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel, QPushButton

from devices.camera.downscale import MAX_IMAGE_SIDE
from devices.camera.factory import CameraUrlError, open_camera
from devices.camera.protocol import CameraError, CameraStatus
from kiosk.catalogue import FieldType
from kiosk.journey import BOOK_INSTEAD, Step, can_file_here
from tests.ui.conftest import Rig, _rig
from tests.ui.taps import at, find, tap, tap_keys, text_of, wait_step
from tests.ui.test_touch_photos import to_the_photo_step
from ui.camera_qt import (
    GUIDE_ASPECT,
    NO_CAMERA,
    CameraPreview,
    Guide,
    PushedFrames,
    QtDocumentCamera,
    find_device,
    guide_for,
    guide_rect,
)

ROOT = Path(__file__).resolve().parents[2]
PAGE = (2480, 3508)  # an A4 page at 300 dpi, as a 高拍仪 of 8 megapixels sees it


def page_image(size: tuple[int, int] = PAGE) -> QImage:
    """A grey desk with a white page on it, as a camera frame."""
    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    image.fill(QColor(150, 150, 145))
    painter = QPainter(image)
    margin = size[0] // 12
    painter.fillRect(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin, QColor("white"))
    painter.end()
    return image


def no_camera_here() -> bool:
    from PySide6.QtMultimedia import QMediaDevices

    return not QMediaDevices.videoInputs()


# -- (1) the URL ---------------------------------------------------------------------------------


def test_factory_opens_qt_urls_through_the_injected_opener():
    asked: list[str] = []

    def live(name: str):
        asked.append(name)
        return "camera of " + name

    assert open_camera("qt:", live=live) == "camera of "  # the first camera
    assert open_camera("  qt:高拍仪 USB2.0 ", live=live) == "camera of 高拍仪 USB2.0"
    assert open_camera("qt: Document Camera", live=live) == "camera of Document Camera"
    assert asked == ["", "高拍仪 USB2.0", "Document Camera"]
    with pytest.raises(CameraUrlError, match="需要图形界面"):
        open_camera("qt:")  # the devices layer cannot open it alone (no Qt there)
    with pytest.raises(CameraUrlError, match="qt:摄像头名称"):
        open_camera("uvc:0", live=live)


def test_wiring_opens_qt_cameras_without_loading_qt_multimedia_before_the_home_screen():
    """``kiosk run`` with ``qt:NAME``: the camera object exists, Qt Multimedia is not loaded yet."""
    code = (
        "import sys\n"
        "from app.wiring import _open_camera\n"
        "camera = _open_camera('qt:Doc Cam')\n"
        "print(type(camera).__name__, repr(camera.name), camera.opened)\n"
        "print('PySide6.QtMultimedia' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["QtDocumentCamera 'Doc Cam' False", "False"]


class Device:
    """What find_device reads of a ``QCameraDevice``."""

    def __init__(self, description: str, ident: bytes, default: bool = False) -> None:
        self._description, self._id, self._default = description, ident, default

    def description(self) -> str:
        return self._description

    def id(self):
        from PySide6.QtCore import QByteArray

        return QByteArray(self._id)

    def isDefault(self) -> bool:
        return self._default


def test_qt_name_picks_the_camera_by_description_or_id_else_none():
    webcam = Device("Integrated Webcam", b"/dev/video0")
    doc = Device("Doc Camera S500 (高拍仪)", b"/dev/video2", default=True)
    devices = [webcam, doc]
    assert find_device("", devices) is doc  # the system's default, else the first
    assert find_device("", [webcam]) is webcam
    assert find_device("Integrated Webcam", devices) is webcam
    assert find_device("/dev/video2", devices) is doc
    assert find_device("s500", devices) is doc  # a case-blind part of the description
    assert find_device("Logitech", devices) is None
    assert find_device("", []) is None


# -- (2) no camera -------------------------------------------------------------------------------


@pytest.mark.skipif("not no_camera_here()", reason="this machine has a camera")
def test_no_camera_present_is_disconnected_with_a_clear_message(qtbot):
    camera = QtDocumentCamera("")
    assert not camera.opened and camera.status is CameraStatus.DISCONNECTED
    camera.open()
    assert camera.opened and camera.status is CameraStatus.DISCONNECTED
    assert camera.status_text == f"无法连接高拍仪，请检查电源和连接线。（{NO_CAMERA}）"
    with pytest.raises(CameraError) as caught:
        camera.capture()
    assert caught.value.status is CameraStatus.DISCONNECTED
    assert "本机没有找到高拍仪（摄像头）" in str(caught.value)

    named = QtDocumentCamera("Doc Camera S500")
    named.open()
    assert named.status is CameraStatus.DISCONNECTED
    assert "没有找到名为“Doc Camera S500”的高拍仪（摄像头）" in named.status_text


@pytest.fixture
def no_camera_rig(qtbot, tmp_path: Path) -> Iterator[Rig]:
    yield from _rig(qtbot, tmp_path, camera=QtDocumentCamera(""))


@pytest.mark.skipif("not no_camera_here()", reason="this machine has a camera")
def test_qt_camera_missing_means_the_routes_without_a_camera(qtbot, no_camera_rig):
    """``qt:`` with no camera plugged in: the form offers what it offers with no camera at all."""
    rig = no_camera_rig
    bridge = rig.kiosk.camera
    qtbot.waitUntil(lambda: bridge.live.opened, timeout=10_000)  # after the home screen
    assert not bridge.available and rig.journey.camera is False
    assert NO_CAMERA in bridge.status_text
    rig.card_sim.insert("resident-longterm")
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "lnryd")
    tap(qtbot, rig, "item_MZ-YD-001")  # 老年人优待证: a photo is required
    assert at(rig.journey) is Step.GUIDE
    assert not any(f.type is FieldType.ATTACHMENT for f in rig.journey.questions())
    # What a kiosk without a camera offers (the guide's own text for it, no photo step).
    assert not can_file_here(rig.journey.session.item, camera=rig.journey.camera)
    assert BOOK_INSTEAD in text_of(rig, "counter_only")  # and the booking button (item 4)


# -- (3) preview, guide, capture and retake --------------------------------------------------------


def test_frame_guide_is_an_a4_page_or_an_id_card_by_the_field():
    assert guide_for("id_card_front", "身份证正面") is Guide.ID_CARD
    assert guide_for("ssc", "社会保障卡") is Guide.ID_CARD
    assert guide_for("hukou", "户口簿本人页") is Guide.A4
    assert guide_for("photo", "一寸免冠照片") is Guide.A4
    picture = QRectF(0, 0, 1600, 1200)  # a 4:3 camera picture
    a4 = guide_rect(Guide.A4, picture)
    assert a4.height() / a4.width() == pytest.approx(297 / 210, rel=1e-6)  # 1 : 1.414
    assert a4.height() == pytest.approx(1200 * (1 - 2 * 0.08))  # the height is the limit
    assert a4.center() == picture.center()
    card = guide_rect(Guide.ID_CARD, picture)
    assert card.width() / card.height() == pytest.approx(85.6 / 54, rel=1e-6)
    # True size on the page's scale: a card laid on the camera's plate fits its guide.
    assert card.width() == pytest.approx(a4.height() * 85.6 / 297)
    assert a4.contains(card) and card.center() == picture.center()
    tall = guide_rect(Guide.A4, QRectF(0, 0, 600, 1000))  # the width is the limit
    assert tall.width() == pytest.approx(600 * (1 - 2 * 0.08))
    assert guide_rect(Guide.ID_CARD, QRectF(0, 0, 600, 1000)).width() == pytest.approx(
        tall.height() * 85.6 / 297
    )
    assert GUIDE_ASPECT[Guide.ID_CARD] > 1 > GUIDE_ASPECT[Guide.A4]


def test_preview_paints_the_pushed_frame_under_the_guide(qtbot):
    source = PushedFrames([page_image((1600, 1200))])
    camera = QtDocumentCamera(source=source)
    camera.open()
    preview = camera.preview(Guide.ID_CARD)
    qtbot.addWidget(preview)
    preview.resize(800, 700)
    assert not source.started
    preview.show()
    assert source.started  # the camera runs while a preview is shown
    qtbot.waitUntil(lambda: preview.has_picture, timeout=10_000)
    picture = preview.picture_rect()
    assert (picture.width(), picture.height()) == (800, 600)  # 4:3 kept, centred
    assert picture.top() == 50
    guide = preview.guide_rect()
    assert guide.width() / guide.height() == pytest.approx(85.6 / 54)
    shot = preview.grab().toImage()
    inside = shot.pixelColor(int(guide.center().x()), int(guide.center().y()))
    assert inside.lightness() > 240  # the white page shows through the guide, undimmed
    corner = shot.pixelColor(int(picture.left()) + 4, int(picture.top()) + 4)
    assert corner.lightness() < 120  # outside the guide: dimmed desk
    edge = [shot.pixelColor(int(guide.left()), int(guide.top() + y)) for y in range(40)]
    assert any(c.red() > 200 and c.green() > 150 and c.blue() < 80 for c in edge)  # dashed yellow
    preview.hide()
    assert not source.started  # no preview: the camera's light goes off


def test_blocking_capture_works_from_a_worker_thread_and_the_gui_thread(qtbot):
    """The DocumentCamera contract still holds: capture() blocks and returns JPEG bytes."""
    camera = QtDocumentCamera(source=PushedFrames([page_image((1200, 900))]))
    camera.open()
    results: list[bytes | BaseException] = []

    def worker() -> None:
        try:
            results.append(camera.capture())
        except BaseException as exc:  # reported to the test below
            results.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    thread.join()
    on_gui_thread = camera.capture()
    for content in (results[0], on_gui_thread):
        assert isinstance(content, bytes) and content.startswith(b"\xff\xd8")
        with Image.open(io.BytesIO(content)) as image:
            assert image.size == (1200, 900)


@pytest.fixture
def live_rig(qtbot, tmp_path: Path) -> Iterator[Rig]:
    """The kiosk with a live camera whose frames are pushed in: an A4 page at 300 dpi."""
    source = PushedFrames([page_image()], description="测试画面")
    yield from _rig(qtbot, tmp_path, camera=QtDocumentCamera(source=source))


def test_live_preview_capture_retake_and_file_through_taps(qtbot, live_rig):
    rig = live_rig
    camera = rig.kiosk.camera.live
    source = camera.source
    qtbot.waitUntil(lambda: rig.journey.camera is True, timeout=10_000)
    to_the_photo_step(qtbot, rig)

    preview = find(rig, CameraPreview, "camera_preview")
    assert preview.guide is Guide.A4  # 一寸免冠照片: not a card
    qtbot.waitUntil(lambda: preview.has_picture, timeout=10_000)
    assert source.started
    capture = find(rig, QPushButton, "capture")
    assert capture.isEnabled() and capture.height() >= 60
    assert preview.height() >= 300 and preview.geometry().bottom() < capture.geometry().top()

    threads: list[str] = []
    delivered = rig.journey.photo_taken

    def record(*args: object) -> None:
        threads.append(threading.current_thread().name)
        delivered(*args)

    rig.journey.photo_taken = record
    qtbot.mouseClick(capture, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "photo" in rig.journey.session.photos, timeout=10_000)
    assert threads == [threading.main_thread().name]
    first = rig.journey.session.photos["photo"].content
    with Image.open(io.BytesIO(first)) as image:  # downscaled from 2480 × 3508, EXIF dropped
        assert image.format == "JPEG" and max(image.size) == MAX_IMAGE_SIDE
        assert not image.getexif()
    assert not find(rig, QLabel, "thumbnail").pixmap().isNull()
    qtbot.waitUntil(lambda: not source.started, timeout=10_000)  # the preview is gone

    tap(qtbot, rig, "retake")  # 重拍: back to the live picture
    assert "photo" not in rig.journey.session.photos
    preview = find(rig, CameraPreview, "camera_preview")
    assert source.started
    qtbot.waitUntil(lambda: preview.has_picture, timeout=10_000)
    tap(qtbot, rig, "capture")
    qtbot.waitUntil(lambda: "photo" in rig.journey.session.photos, timeout=10_000)
    tap(qtbot, rig, "next")
    assert at(rig.journey) is Step.REVIEW
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.SUBMITTED
    filed = rig.core.store.application(text_of(rig, "application_number"))
    assert [a.field_key for a in filed.attachments] == ["photo"]


def test_live_camera_unplugged_at_the_photo_step_says_so_and_comes_back(qtbot, live_rig):
    rig = live_rig
    camera = rig.kiosk.camera.live
    source = camera.source
    qtbot.waitUntil(lambda: rig.journey.camera is True, timeout=10_000)
    to_the_photo_step(qtbot, rig)
    find(rig, CameraPreview, "camera_preview")

    source.unplug()
    message = find(rig, QLabel, "camera_status")
    assert message.text() == f"无法连接高拍仪，请检查电源和连接线。（{NO_CAMERA}）"
    assert not find(rig, QPushButton, "capture").isEnabled()
    assert not source.started
    assert rig.journey.camera is True  # never changed under a form being filled

    source.plug_in()
    preview = find(rig, CameraPreview, "camera_preview")
    qtbot.waitUntil(lambda: preview.has_picture, timeout=10_000)
    source.fail_next = CameraError(CameraStatus.ERROR, "测试故障")
    tap(qtbot, rig, "capture")
    qtbot.waitUntil(lambda: "高拍仪拍照失败" in text_of(rig, "field_error"), timeout=10_000)
    assert find(rig, QPushButton, "capture").isEnabled()  # ready for another try

    source.unplug()
    tap(qtbot, rig, "nav_home")
    assert rig.journey.camera is False  # between visits: the routes without a camera
    source.plug_in()
    assert rig.journey.camera is True
