"""Device events to Qt signals, and paper for the journey, without blocking the GUI thread.

Card readers call their listeners on the reader's worker thread; printers run
on ``devices.printers.worker.PrintWorker``'s thread; the document camera
captures (and its photos are downscaled) on a one-thread pool. The bridges here are
QObjects living on the GUI thread whose signals are emitted from those device
threads, so Qt delivers them to GUI-thread slots through queued connections.
The GUI thread itself never touches a port.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeGuard

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from devices.camera.protocol import CameraStatus, DocumentCamera
from devices.camera.protocol import status_message as camera_message
from devices.cards.events import (
    CardEvent,
    CardInserted,
    CardRemoved,
    ReaderError,
    ReaderStatus,
    StatusChanged,
)
from devices.cards.reader import CardReader
from devices.cards.status import USABLE
from devices.printers.errors import PrinterError
from devices.printers.protocol import Printer, PrintOutcome
from devices.printers.status import CAN_PRINT, PrinterStatus, status_message
from devices.printers.worker import PrintWorker
from kiosk.application import Application
from kiosk.booking import Booking
from kiosk.catalogue import ServiceItem
from kiosk.chinatime import china_date
from kiosk.core import KioskCore
from kiosk.errors import KioskError
from kiosk.journey import Journey, Step

if TYPE_CHECKING:  # printouts.jobs is imported at the first print (see PrinterBridge)
    from printouts.jobs import JobKind, PrintJob
    from ui.camera_qt import Guide, LiveCamera


def is_live(camera: object) -> TypeGuard[LiveCamera]:
    """:func:`ui.camera_qt.is_live`, loading that module (Qt Multimedia's widgets) only when
    a camera is wired in: most terminals have none (issue 16, start-up)."""
    if camera is None:
        return False
    from ui.camera_qt import is_live as camera_is_live

    return camera_is_live(camera)


log = logging.getLogger(__name__)


class CardReaderBridge(QObject):
    """Re-emits a :class:`CardReader`'s events as Qt signals (queued to the GUI thread).

    The reader may be handed over later with :meth:`attach` (the kiosk opens its devices
    on a background thread after the home screen's first frame, issue 16 goal 1).
    """

    card_inserted = Signal(object)  # CardHolder
    card_removed = Signal()
    reader_error = Signal(str)  # Chinese message
    status_changed = Signal(str)  # ReaderStatus value

    def __init__(self, reader: CardReader | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader: CardReader | None = None
        self.status = ReaderStatus.DISCONNECTED
        # The last error's code while the reader is unusable (for the 诊断 screen: a port
        # this user may not open is not a loose cable); cleared when it works again.
        self.problem = ""
        self._lock = threading.Lock()
        self._started = False
        self._stopped = False
        if reader is not None:
            self.attach(reader)

    def attach(self, reader: CardReader) -> None:
        """Use ``reader`` from now on (started at once if :meth:`start` was already called).

        Any thread; a reader attached after :meth:`stop` is stopped instead.
        """
        with self._lock:
            self.reader = reader
            self.status = reader.status
            reader.add_listener(self._on_event)
            start, stop = self._started and not self._stopped, self._stopped
        if start:
            reader.start()
        elif stop:
            self.stop()

    def _on_event(self, event: CardEvent) -> None:  # on the reader's thread
        if isinstance(event, CardInserted):
            self.card_inserted.emit(event.holder)
        elif isinstance(event, CardRemoved):
            self.card_removed.emit()
        elif isinstance(event, ReaderError):
            self.problem = event.code.value
            self.reader_error.emit(event.code.message_zh)
        elif isinstance(event, StatusChanged):
            self.status = event.new
            if event.new in USABLE:
                self.problem = ""
            self.status_changed.emit(event.new.value)

    def start(self) -> None:
        with self._lock:
            if self._started:  # once: a reader attached later is started by attach()
                return
            self._started = True
            reader = self.reader
        if reader is not None:
            reader.start()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            reader = self.reader
        if reader is not None:
            reader.remove_listener(self._on_event)
            reader.stop()


class CameraBridge(QObject):
    """Takes photos with a :class:`DocumentCamera` off the GUI thread; results come back as signals.

    ``captured(field_key, jpeg)`` carries the photo already downscaled (at most
    ``devices.camera.downscale.MAX_IMAGE_SIDE`` px, EXIF dropped); ``failed(field_key,
    message)`` a Chinese explanation. One capture at a time: taps while busy are ignored.

    A live camera (``qt:``, :mod:`ui.camera_qt`) is opened after the home screen is up
    and driven on the GUI thread (Qt Multimedia objects are thread-affine); only
    encoding and downscaling its photo run on the bridge's thread. It may be missing
    or unplugged: ``status_changed`` reports it, and :meth:`follow` keeps the
    journey's photo steps to the times a camera is present.
    """

    captured = Signal(str, object)  # field key, downscaled JPEG bytes
    failed = Signal(str, str)  # field key, Chinese message
    status_changed = Signal(str)  # a live camera's CameraStatus value

    def __init__(self, camera: DocumentCamera | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.camera = camera
        self.busy = False
        self._journey: Journey | None = None
        self._pool: ThreadPoolExecutor | None = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="camera") if camera else None
        )
        # Connected first, so ``busy`` is clear before anyone else hears of the result.
        self.captured.connect(self._done)
        self.failed.connect(self._done)
        if is_live(camera):
            camera.status_changed.connect(self._live_status)
            # Looked up after the home screen is up: Qt Multimedia loads only then.
            QTimer.singleShot(0, self, camera.open)

    @property
    def live(self) -> LiveCamera | None:
        """The camera when it has a live preview, else None."""
        return self.camera if is_live(self.camera) else None

    @property
    def available(self) -> bool:
        """A camera is wired in and, if it is a live one, present (opened and not disconnected)."""
        live = self.live
        if live is not None:
            return live.opened and live.status is not CameraStatus.DISCONNECTED
        return self.camera is not None

    @property
    def status_text(self) -> str:
        """The camera's state in Chinese, for the photo step."""
        live = self.live
        if live is not None:
            return live.status_text
        return camera_message(self.camera.status if self.camera else CameraStatus.DISCONNECTED)

    def preview(self, guide: Guide) -> QWidget | None:
        """A live preview with ``guide`` drawn over it, or None (no live camera, or none present)."""
        live = self.live
        if live is None or live.status is not CameraStatus.READY:
            return None
        return live.preview(guide)

    def follow(self, journey: Journey) -> None:
        """Offer photo steps (``journey.camera``) only while a camera is present.

        A missing or unplugged live camera means the journey's routes without a camera
        take over. The flag changes only outside a filing in progress, never under a
        form being filled (its list of questions would change under the resident).
        """
        self._journey = journey
        journey.subscribe(lambda _step: self._tell_journey())
        self._tell_journey()

    def _tell_journey(self) -> None:
        journey = self._journey
        if journey is None or journey.camera == self.available:
            return
        if journey.step in (Step.FORM, Step.REVIEW, Step.CONSENT):
            return  # told again at the next step change
        journey.camera = self.available

    def _live_status(self, status: str) -> None:
        self._tell_journey()
        self.status_changed.emit(status)

    def capture(self, field_key: str) -> None:
        """Start one capture for ``field_key``; returns at once."""
        if self._pool is None or self.busy or self.camera is None:
            return
        self.busy = True
        live = self.live
        if live is None:
            self._pool.submit(self._run, field_key, self.camera.capture)
            return

        def on_image(encode: Callable[[], bytes]) -> None:  # GUI thread
            if self._pool is None:
                self.failed.emit(field_key, camera_message(CameraStatus.ERROR))
            else:
                self._pool.submit(self._run, field_key, encode)

        live.begin_capture(on_image, lambda exc: self.failed.emit(field_key, str(exc)))

    def _run(self, field_key: str, grab: Callable[[], bytes]) -> None:  # on the camera thread
        # Here, not at the top: the downscaler loads PIL (~20 ms, several MB), needed only
        # once a photo is taken, never for the home screen (issue 16, goal 1).
        from devices.camera.downscale import downscale_image

        try:
            content = downscale_image(grab())
        except KioskError as exc:
            self.failed.emit(field_key, str(exc))
        except Exception:
            log.exception("document camera capture failed")
            self.failed.emit(field_key, camera_message(CameraStatus.ERROR))
        else:
            self.captured.emit(field_key, content)

    def _done(self, *_: object) -> None:
        self.busy = False

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        live = self.live
        if live is not None:
            live.close()


class PrinterBridge(QObject):
    """The journey's :class:`~kiosk.journey.PrintPort` on a receipt printer's worker thread.

    Every document is built by :mod:`printouts.jobs` (the one home of each
    paper, shared with the staff console and ``kiosk print``); this class only
    runs it off the GUI thread. ``job_finished(kind, ok, message)``: kind is a
    :class:`~printouts.jobs.JobKind` value; ``status_changed(status)`` reports
    printer status changes. A receipt the printer confirmed is marked printed.
    """

    job_finished = Signal(str, bool, str)
    status_changed = Signal(str)

    def __init__(
        self,
        printer: Printer | None,
        core: KioskCore,
        *,
        watch_interval_s: float = 5.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.status: PrinterStatus = PrinterStatus.DISCONNECTED
        self.worker: PrintWorker | None = None
        self._watch_interval_s = watch_interval_s
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        if printer is not None:
            self.attach(printer)

    def attach(self, printer: Printer) -> None:
        """Print on ``printer`` from now on (watched at once if :meth:`start` was called).

        Any thread: the kiosk opens its printer in the background after the first frame
        (issue 16, goal 1); until then a print reports the printer as disconnected.
        """
        worker = PrintWorker(printer)
        with self._lock:
            self.worker = worker
            watch, closed = self._started and not self._closed, self._closed
        if watch:
            self._watch(worker)
        elif closed:
            worker.close()

    def start(self) -> None:
        with self._lock:
            if self._started:  # once: a printer attached later is watched by attach()
                return
            self._started = True
            worker = self.worker
        if worker is not None:
            self._watch(worker)

    def _watch(self, worker: PrintWorker) -> None:
        if self._watch_interval_s > 0:
            worker.watch(self._status_from_worker, self._watch_interval_s)

    def _status_from_worker(self, status: PrinterStatus) -> None:  # printer thread
        self.status = status
        self.status_changed.emit(status.value)

    @property
    def problem(self) -> str:
        """The printer's :class:`~devices.printers.status.PrinterProblem` while it cannot
        print (for the status bar and the 诊断 screen: a refused port is not a loose cable)."""
        worker = self.worker
        if worker is None or self.status in CAN_PRINT:
            return ""
        return worker.printer.problem

    # ``printouts.jobs`` (the layouts and the printing use cases, ~40 ms of imports) is
    # imported at the first print, not at start-up (issue 16, goal 1).

    def print_receipt(self, application: Application, *, reprint: bool) -> None:
        from printouts import jobs

        self._build(
            jobs.JobKind.RECEIPT, lambda: jobs.receipt(self.core, application, reprint=reprint)
        )

    def print_result(self, application: Application) -> None:
        from printouts import jobs

        self._build(jobs.JobKind.RESULT, lambda: jobs.result(self.core, application))

    def print_notice(self, item: ServiceItem) -> None:
        from printouts import jobs

        self._build(jobs.JobKind.NOTICE, lambda: jobs.notice(self.core, item))

    def print_commitment(self, application: Application, *, reprint: bool = False) -> None:
        """告知承诺书; ``reprint`` (补打, from 我的办件): marked 补打 as a reprinted receipt."""
        from printouts import jobs

        self._build(
            jobs.JobKind.COMMITMENT,
            lambda: jobs.commitment(self.core, application, reprint=reprint),
        )

    def print_booking(self, booking: Booking, *, reprint: bool = False) -> None:
        """预约窗口办理凭条 / 上门服务申请凭条 (issue 13 item 4); ``reprint``: marked 补打."""
        from printouts import jobs

        self._build(
            jobs.JobKind.BOOKING_SLIP,
            lambda: jobs.booking_slip(self.core, booking, reprint=reprint),
        )

    def _build(self, kind: JobKind, build: Callable[[], PrintJob]) -> None:
        try:
            job = build()
        except KioskError as exc:  # e.g. a purged application: say why instead of printing
            self.job_finished.emit(kind.value, False, str(exc))
            return
        self.submit(job)

    def submit(self, job: PrintJob, listener: Callable[[bool, str], None] | None = None) -> None:
        """Print ``job`` on the worker thread; ``listener(ok, message)`` runs on that thread."""
        kind = job.kind.value
        worker = self.worker
        if worker is None:
            message = status_message(PrinterStatus.DISCONNECTED)
            self.job_finished.emit(kind, False, message)
            if listener is not None:
                listener(False, message)
            return

        def on_done(result: PrintOutcome | PrinterError) -> None:  # printer thread
            if isinstance(result, PrintOutcome):
                from printouts import jobs

                jobs.confirmed(self.core, job)
                ok, message, self.status = True, "", result.status_after
            else:
                ok, message, self.status = False, str(result), result.status
            self.status_changed.emit(self.status.value)
            self.job_finished.emit(kind, ok, message)
            if listener is not None:
                listener(ok, message)

        future = worker.submit(job.document, on_done)
        future.add_done_callback(lambda f: f.exception())  # consumed: reported via on_done

    @property
    def can_print(self) -> bool:
        return self.status in CAN_PRINT

    def close(self) -> None:
        with self._lock:
            self._closed = True
            worker = self.worker
        if worker is not None:
            worker.close()


def today_china() -> dt.date:
    return china_date(dt.datetime.now(dt.UTC))
