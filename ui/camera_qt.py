"""A 高拍仪 driven directly through Qt Multimedia (UVC): live preview, frame guide, capture.

Most document cameras appear to the operating system as a plain UVC camera, so
Qt Multimedia (``QMediaDevices``, ``QCamera``, ``QMediaCaptureSession``,
``QImageCapture``) can drive them with no vendor software. The adapter lives in
``ui/`` and not in ``devices/camera/`` because it needs Qt, which the devices
layer may not import (import-linter contract in ``pyproject.toml``).

Qt Multimedia objects belong to the thread that made them, so this camera is
driven from the GUI thread: :meth:`QtDocumentCamera.begin_capture` starts a
capture and reports back through callbacks, and only the slow part (JPEG
encoding, then the usual downscale and EXIF strip) runs on the camera bridge's
worker thread (``ui.devices.CameraBridge``). :meth:`QtDocumentCamera.capture`
still honours the blocking :class:`~devices.camera.protocol.DocumentCamera`
contract for callers on other threads.

Start-up stays fast: importing this module loads no Qt Multimedia; the camera is
looked up (:meth:`QtDocumentCamera.open`) after the home screen is up.

Where frames come from is a small :class:`VideoSource`: :class:`UvcSource` (a real
camera) or :class:`PushedFrames` (images pushed through ``QVideoFrameInput``: the
tests and the screenshots, since no CI machine has a camera).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QIODevice,
    QObject,
    QRectF,
    QSize,
    Qt,
    QThread,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from devices.camera.protocol import CameraError, CameraStatus, status_message

if TYPE_CHECKING:
    from PySide6.QtGui import QHideEvent, QShowEvent
    from PySide6.QtMultimedia import (
        QCamera,
        QCameraDevice,
        QImageCapture,
        QMediaCaptureSession,
        QMediaDevices,
        QVideoFrame,
        QVideoFrameInput,
        QVideoSink,
    )

log = logging.getLogger(__name__)

CAPTURE_TIMEOUT_MS = 10_000
"""A capture that has not answered by then is reported as failed (the resident can retry)."""

ENCODE_QUALITY = 95
"""JPEG quality of the still before the usual downscale re-encodes it at 85."""

NO_CAMERA = "本机没有找到高拍仪（摄像头）"
NAMED_CAMERA_MISSING = "没有找到名为“{name}”的高拍仪（摄像头）"
OPENING = "正在打开高拍仪…"


class Guide(StrEnum):
    """The frame drawn over the preview: where the paper should lie."""

    A4 = "a4"  # an A4 page, portrait: 210 × 297 mm
    ID_CARD = "id_card"  # a card, landscape: 85.6 × 54 mm (ISO/IEC 7810 ID-1)


GUIDE_ASPECT = {Guide.A4: 210 / 297, Guide.ID_CARD: 85.6 / 54}
"""Width over height of each guide's paper."""

GUIDE_TEXT = {
    Guide.A4: "请把材料放平在框内",
    Guide.ID_CARD: "请把证件放在框内",
}

_CARD_WORDS = ("身份证", "社会保障卡", "社保卡", "银行卡", "id_card")


def guide_for(key: str, label: str) -> Guide:
    """The card guide for an attachment about a card (身份证, 社保卡…), else the A4 page."""
    text = f"{key} {label}".lower()
    return Guide.ID_CARD if any(word in text for word in _CARD_WORDS) else Guide.A4


def fit_rect(aspect: float, area: QRectF, margin: float = 0.0) -> QRectF:
    """The largest rectangle of ``aspect`` (width/height) centred in ``area`` less ``margin``
    (a fraction of the shorter side) on every side."""
    inset = min(area.width(), area.height()) * margin
    room = area.adjusted(inset, inset, -inset, -inset)
    if room.width() <= 0 or room.height() <= 0:
        return QRectF(area.center(), area.center())
    width = min(room.width(), room.height() * aspect)
    height = width / aspect
    return QRectF(
        room.x() + (room.width() - width) / 2,
        room.y() + (room.height() - height) / 2,
        width,
        height,
    )


GUIDE_MARGIN = 0.08
"""Space around the guide, as a fraction of the picture's shorter side: the paper's edge shows."""


A4_LONG_MM = 297.0
CARD_MM = (85.6, 54.0)


def guide_rect(guide: Guide, picture: QRectF) -> QRectF:
    """Where the guide of ``guide`` is drawn over a picture shown in ``picture``.

    A 高拍仪's arm holds the lens at a fixed height, and its picture is made to take in
    an A4 page: the A4 guide is the largest portrait A4 rectangle within the margin.
    A card is drawn at its true size on that scale (85.6 mm against the page's 297),
    so a card laid on the plate fits its guide.
    """
    page = fit_rect(GUIDE_ASPECT[Guide.A4], picture, GUIDE_MARGIN)
    if guide is Guide.A4:
        return page
    px_per_mm = page.height() / A4_LONG_MM
    width, height = CARD_MM[0] * px_per_mm, CARD_MM[1] * px_per_mm
    centre = picture.center()
    return QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)


# -- where frames come from ---------------------------------------------------------------------

ImageCallback = Callable[[QImage], None]
ErrorCallback = Callable[[CameraError], None]


class VideoSource(Protocol):
    """Frames for the preview and one still on demand, into a capture session (GUI thread)."""

    description: str
    report: Callable[[CameraStatus, str], None]
    """Set by the camera: the source tells it of a failure, a loss or a return."""

    def connect_to(self, session: QMediaCaptureSession) -> None:
        """Feed ``session`` (its video sink draws the preview)."""

    def start(self) -> None:
        """Start delivering frames (the camera's light goes on)."""

    def stop(self) -> None: ...

    def still(self, sink: QVideoSink, done: ImageCallback, failed: ErrorCallback) -> None:
        """One photo, later, through ``done`` or ``failed`` (both on the GUI thread)."""


def _frame_image(sink: QVideoSink) -> QImage | None:
    """The frame on screen now, as an image, or None before the first frame."""
    frame = sink.videoFrame()
    if not frame.isValid():
        return None
    image = frame.toImage()
    return None if image.isNull() else image


class UvcSource:
    """A UVC camera through ``QCamera``; stills from ``QImageCapture`` at the camera's resolution."""

    def __init__(self, device: QCameraDevice) -> None:
        from PySide6.QtMultimedia import QCamera, QImageCapture

        self.description = device.description()
        self.camera: QCamera = QCamera(device)
        self.image_capture: QImageCapture = QImageCapture()
        self._pending: dict[int, tuple[ImageCallback, ErrorCallback]] = {}
        self.image_capture.imageCaptured.connect(self._captured)
        self.image_capture.errorOccurred.connect(self._error)
        self.camera.errorOccurred.connect(self._camera_error)
        self.report: Callable[[CameraStatus, str], None] = lambda _status, _detail: None

    def connect_to(self, session: QMediaCaptureSession) -> None:
        session.setCamera(self.camera)
        session.setImageCapture(self.image_capture)

    def start(self) -> None:
        self.camera.start()

    def stop(self) -> None:
        self.camera.stop()

    def still(self, sink: QVideoSink, done: ImageCallback, failed: ErrorCallback) -> None:
        if self.image_capture.isReadyForCapture():
            request = self.image_capture.capture()
            if request >= 0:
                self._pending[request] = (done, failed)
                return
        # Not ready (some UVC drivers offer no still pipe): the preview frame on screen.
        image = _frame_image(sink)
        if image is None:
            failed(CameraError(CameraStatus.NO_IMAGE, "高拍仪还没有画面"))
        else:
            done(image)

    def _captured(self, request: int, image: QImage) -> None:
        callbacks = self._pending.pop(request, None)
        if callbacks is not None:
            callbacks[0](image)

    def _error(self, request: int, _error: Any, message: str) -> None:
        callbacks = self._pending.pop(request, None)
        if callbacks is not None:
            callbacks[1](CameraError(CameraStatus.ERROR, message))

    def _camera_error(self, _error: Any, message: str) -> None:
        log.warning("camera error: %s", message)
        for _done, failed in self._pending.values():
            failed(CameraError(CameraStatus.ERROR, message))
        self._pending.clear()
        self.report(CameraStatus.ERROR, message)


class PushedFrames:
    """Frames pushed in as images through ``QVideoFrameInput``: a camera for tests and screenshots.

    They go through the same capture session and video sink as a real camera's,
    so the preview, the guide and the capture path are the real ones; a still is
    the last frame pushed, at its full size.
    """

    def __init__(self, frames: Sequence[QImage] = (), description: str = "推送画面") -> None:
        self.description = description
        self._frames = list(frames)
        self._input: QVideoFrameInput | None = None
        self._last: QImage | None = None
        self.started = False
        self.fail_next: CameraError | None = None
        self.report: Callable[[CameraStatus, str], None] = lambda _status, _detail: None

    def connect_to(self, session: QMediaCaptureSession) -> None:
        from PySide6.QtMultimedia import QVideoFrameInput

        self._input = QVideoFrameInput()
        session.setVideoFrameInput(self._input)

    def start(self) -> None:
        self.started = True
        if self._frames:
            self.push(self._frames[-1])

    def stop(self) -> None:
        self.started = False

    def push(self, image: QImage) -> None:
        """Show ``image`` as the next frame (when started; remembered otherwise)."""
        from PySide6.QtMultimedia import QVideoFrame

        self._frames = [image]
        if self.started and self._input is not None:
            self._last = image
            self._input.sendVideoFrame(QVideoFrame(image))

    def unplug(self) -> None:
        """As if the camera's cable were pulled."""
        self.report(CameraStatus.DISCONNECTED, NO_CAMERA)

    def plug_in(self) -> None:
        self.report(CameraStatus.READY, "")

    def still(self, sink: QVideoSink, done: ImageCallback, failed: ErrorCallback) -> None:
        failure, self.fail_next = self.fail_next, None
        if failure is not None:
            failed(failure)
        elif self._last is None:
            failed(CameraError(CameraStatus.NO_IMAGE, "高拍仪还没有画面"))
        else:
            done(self._last.copy())


# -- the camera ---------------------------------------------------------------------------------


def find_device(name: str, devices: Sequence[QCameraDevice]) -> QCameraDevice | None:
    """The camera ``name`` names (its description or id, exactly, else as a case-blind part of
    the description); the first one for an empty name; None when there is no such camera."""
    if not devices:
        return None
    if not name:
        return next((d for d in devices if d.isDefault()), devices[0])
    for device in devices:
        if name in (device.description(), bytes(device.id().data()).decode("utf-8", "replace")):
            return device
    wanted = name.casefold()
    return next((d for d in devices if wanted in d.description().casefold()), None)


def encode_jpeg(image: QImage) -> bytes:
    """``image`` as JPEG bytes (reentrant: runs on the camera bridge's worker thread)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 takes the format as str at run time; its stubs say bytes.
    if not image.save(buffer, "JPEG", ENCODE_QUALITY):  # type: ignore[call-overload]
        raise CameraError(CameraStatus.ERROR, "无法保存照片")
    buffer.close()
    return bytes(data.data())


class QtDocumentCamera(QObject):
    """:class:`~devices.camera.protocol.DocumentCamera` with a live preview, over Qt Multimedia.

    ``name`` picks the camera (see :func:`find_device`); ``source`` replaces the
    camera lookup (tests, screenshots). Make it, and call everything but
    :meth:`capture`, on the GUI thread.
    """

    status_changed = Signal(str)  # CameraStatus value
    _capture_requested = Signal(object)  # a _Waiter, from a thread calling capture()

    live = True

    def __init__(
        self, name: str = "", *, source: VideoSource | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self._given = source
        self.source: VideoSource | None = None
        self.session: QMediaCaptureSession | None = None
        self.sink: QVideoSink | None = None
        self._devices: QMediaDevices | None = None
        self._status = CameraStatus.DISCONNECTED
        self._detail = OPENING
        self._opened = False
        self._viewers: set[int] = set()
        self._busy = False
        self._capture_requested.connect(self._capture_for_thread)

    # -- state ---------------------------------------------------------------------------------

    @property
    def status(self) -> CameraStatus:
        return self._status

    @property
    def opened(self) -> bool:
        return self._opened

    @property
    def status_text(self) -> str:
        """What the photo step shows when there is no picture, in Chinese."""
        if self._status is CameraStatus.READY:
            return status_message(CameraStatus.READY)
        message = status_message(self._status)
        return f"{message}（{self._detail}）" if self._detail else message

    def _set_status(self, status: CameraStatus, detail: str = "") -> None:
        changed = status is not self._status or detail != self._detail
        self._status, self._detail = status, detail
        if changed:
            log.info("document camera status: %s", status.value)
            self.status_changed.emit(status.value)

    # -- lifecycle -----------------------------------------------------------------------------

    def open(self) -> None:
        """Look up the camera and build the capture session (GUI thread; again after a re-plug)."""
        from PySide6.QtMultimedia import QMediaCaptureSession, QMediaDevices, QVideoSink

        if self.session is None:
            self.session = QMediaCaptureSession(self)
            self.sink = QVideoSink(self)
            self.session.setVideoSink(self.sink)
        self._opened = True
        if self._given is not None:
            self._use(self._given)
            return
        if self._devices is None:
            self._devices = QMediaDevices(self)
            self._devices.videoInputsChanged.connect(self._inputs_changed)
        device = find_device(self.name, QMediaDevices.videoInputs())
        if device is None:
            self._drop_source()
            missing = NAMED_CAMERA_MISSING.format(name=self.name) if self.name else NO_CAMERA
            self._set_status(CameraStatus.DISCONNECTED, missing)
            return
        if isinstance(self.source, UvcSource) and self.source.description == device.description():
            return
        self._drop_source()
        self._use(UvcSource(device))

    def _use(self, source: VideoSource) -> None:
        assert self.session is not None
        self.source = source
        source.report = self._source_reports
        source.connect_to(self.session)
        log.info("document camera opened (%s)", "given source" if self._given else "UVC")
        self._set_status(CameraStatus.READY)
        if self._viewers:
            source.start()

    def _drop_source(self) -> None:
        if self.source is not None:
            self.source.stop()
            if self.session is not None:
                self.session.setCamera(None)  # type: ignore[arg-type]  # None detaches it
            self.source = None

    def _inputs_changed(self) -> None:
        log.info("video inputs changed")
        self.open()

    def _source_reports(self, status: CameraStatus, detail: str) -> None:
        self._set_status(status, detail)
        if self.source is None:
            return
        if status is CameraStatus.READY and self._viewers:
            self.source.start()
        elif status is not CameraStatus.READY:
            self.source.stop()

    def close(self) -> None:
        self._drop_source()
        self._viewers.clear()

    # -- preview -------------------------------------------------------------------------------

    def preview(self, guide: Guide = Guide.A4) -> CameraPreview:
        """A new preview widget with ``guide``; the camera runs while any preview is shown."""
        return CameraPreview(self, guide)

    def viewer_shown(self, viewer: object) -> None:
        """A preview (or a blocking capture) needs frames: the camera runs while any does."""
        first = not self._viewers
        self._viewers.add(id(viewer))
        if first and self.source is not None:
            self.source.start()

    def viewer_hidden(self, viewer: object) -> None:
        self._viewers.discard(id(viewer))
        if not self._viewers and self.source is not None and not self._busy:
            self.source.stop()

    # -- capture -------------------------------------------------------------------------------

    def begin_capture(
        self, on_image: Callable[[Callable[[], bytes]], None], on_error: ErrorCallback
    ) -> None:
        """Take one photo (GUI thread). ``on_image(encode)`` receives a function that returns
        the photo as JPEG bytes (slow: call it on a worker thread); ``on_error`` a CameraError."""
        if self.source is None or self.sink is None:
            on_error(CameraError(CameraStatus.DISCONNECTED, self._detail))
            return
        if self._busy:
            on_error(CameraError(CameraStatus.ERROR, "上一张还在拍"))
            return
        self._busy = True
        finished = False
        timer = QTimer(self)
        timer.setSingleShot(True)

        def done(image: QImage) -> None:
            nonlocal finished
            if finished:
                return
            finished = True
            self._settle(timer)
            on_image(lambda: encode_jpeg(image))

        def failed(error: CameraError) -> None:
            nonlocal finished
            if finished:
                return
            finished = True
            self._settle(timer)
            on_error(error)

        timer.timeout.connect(lambda: failed(CameraError(CameraStatus.ERROR, "拍照超时")))
        timer.start(CAPTURE_TIMEOUT_MS)
        self.source.still(self.sink, done, failed)

    def _settle(self, timer: QTimer) -> None:
        timer.stop()
        timer.deleteLater()
        self._busy = False
        if not self._viewers and self.source is not None:
            self.source.stop()

    def capture(self) -> bytes:
        """One photo as JPEG bytes, blocking (the :class:`DocumentCamera` contract).

        From another thread it waits while the GUI thread takes the photo; on the
        GUI thread itself it runs a local event loop until the photo arrives.
        """
        waiter = _Waiter()
        if QThread.currentThread() is self.thread():
            loop = QEventLoop()
            waiter.then = loop.quit
            self._capture_for_thread(waiter)
            if not waiter.finished.is_set():
                loop.exec()
        else:
            self._capture_requested.emit(waiter)
            if not waiter.finished.wait(CAPTURE_TIMEOUT_MS / 1000 + 5):
                raise CameraError(CameraStatus.ERROR, "拍照超时")
        if waiter.error is not None:
            raise waiter.error
        assert waiter.encode is not None
        return waiter.encode()

    def _capture_for_thread(self, waiter: _Waiter) -> None:
        viewer = object()  # a capture with no preview on screen still needs frames
        self.viewer_shown(viewer)
        begun = False

        def image(encode: Callable[[], bytes]) -> None:
            self.viewer_hidden(viewer)
            waiter.encode = encode
            waiter.finish()

        def error(exc: CameraError) -> None:
            self.viewer_hidden(viewer)
            waiter.error = exc
            waiter.finish()

        def begin(*_: object) -> None:
            nonlocal begun
            if not begun:
                begun = True
                self.begin_capture(image, error)

        if self.sink is None or self.source is None or self.sink.videoFrame().isValid():
            begin()
            return
        # Just started: the first frame tells that the camera delivers (or the timeout fails it).
        self.sink.videoFrameChanged.connect(begin, Qt.ConnectionType.SingleShotConnection)
        QTimer.singleShot(CAPTURE_TIMEOUT_MS, self, begin)


class _Waiter:
    """One blocking :meth:`QtDocumentCamera.capture`: its result, and who waits for it."""

    def __init__(self) -> None:
        self.finished = threading.Event()
        self.encode: Callable[[], bytes] | None = None
        self.error: CameraError | None = None
        self.then: Callable[[], None] = lambda: None

    def finish(self) -> None:
        self.finished.set()
        self.then()


class LiveCamera(Protocol):
    """What the camera bridge and the photo step need of a camera with a live preview."""

    live: bool
    status_changed: Any  # Signal(str)

    @property
    def status(self) -> CameraStatus: ...

    @property
    def status_text(self) -> str: ...

    @property
    def opened(self) -> bool: ...

    def open(self) -> None: ...

    def preview(self, guide: Guide = Guide.A4) -> QWidget: ...

    def begin_capture(
        self, on_image: Callable[[Callable[[], bytes]], None], on_error: ErrorCallback
    ) -> None: ...

    def close(self) -> None: ...


def is_live(camera: object) -> TypeGuard[LiveCamera]:
    """True for a camera driven from the GUI thread with a live preview (this module's)."""
    return getattr(camera, "live", False) is True


def open_qt_camera(name: str) -> QtDocumentCamera:
    """The camera of ``qt:NAME`` (``qt:`` the first one); looked up later, by :meth:`open`."""
    return QtDocumentCamera(name.strip())


# -- the preview widget -------------------------------------------------------------------------

PREVIEW_MIN = QSize(360, 300)


class CameraPreview(QWidget):
    """The live picture with the frame guide drawn over it; a tap-free, read-only view.

    Painted from the capture session's video sink (``QVideoFrame.paint``) rather
    than shown in a ``QVideoWidget``: the guide is drawn in the same pass, so it
    is always on top (a ``QVideoWidget`` may be a native window that covers
    sibling overlays), and the widget grabs correctly offscreen for screenshots.
    """

    def __init__(self, camera: QtDocumentCamera, guide: Guide) -> None:
        super().__init__()
        self.camera = camera
        self.guide = guide
        self.setObjectName("camera_preview")
        self.setMinimumSize(PREVIEW_MIN)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(f"高拍仪画面：{GUIDE_TEXT[guide]}")
        self._frame: QVideoFrame | None = None
        if camera.sink is not None:
            camera.sink.videoFrameChanged.connect(self._on_frame)
            frame = camera.sink.videoFrame()
            self._frame = frame if frame.isValid() else None

    def _on_frame(self, frame: QVideoFrame) -> None:
        self._frame = frame
        self.update()

    @property
    def has_picture(self) -> bool:
        return self._frame is not None and self._frame.isValid()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.camera.viewer_shown(self)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        self.camera.viewer_hidden(self)
        super().hideEvent(event)

    def picture_rect(self) -> QRectF:
        """Where the camera's picture is drawn (aspect kept), or the whole widget before one."""
        area = QRectF(self.rect())
        if not self.has_picture:
            return area
        assert self._frame is not None
        size = self._frame.size()
        if size.width() <= 0 or size.height() <= 0:
            return area
        return fit_rect(size.width() / size.height(), area)

    def guide_rect(self) -> QRectF:
        return guide_rect(self.guide, self.picture_rect())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        from PySide6.QtMultimedia import QVideoFrame

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(24, 24, 24))
        picture = self.picture_rect()
        if self.has_picture:
            assert self._frame is not None
            self._frame.paint(painter, picture, QVideoFrame.PaintOptions())
        guide = guide_rect(self.guide, picture)
        # Dim what lies outside the guide, then draw the guide itself.
        outside = QPainterPath()
        outside.addRect(picture)
        inner = QPainterPath()
        inner.addRect(guide)
        painter.fillPath(outside.subtracted(inner), QColor(0, 0, 0, 110))
        pen = QPen(QColor(255, 214, 0), max(4.0, min(guide.width(), guide.height()) / 80))
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRect(guide)
        font = QFont(self.font())
        font.setPixelSize(max(20, int(min(self.width(), self.height()) / 18)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255))
        text = GUIDE_TEXT[self.guide] if self.has_picture else self.camera.status_text
        if not self.has_picture and self.camera.status is CameraStatus.READY:
            text = OPENING
        band = QRectF(picture.x(), picture.bottom() - font.pixelSize() * 2.2, picture.width(), 0)
        band.setHeight(font.pixelSize() * 2.0)
        painter.fillRect(band, QColor(0, 0, 0, 150))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
