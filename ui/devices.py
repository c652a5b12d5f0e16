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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from devices.camera.downscale import downscale_image
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
from devices.printers.errors import PrinterError
from devices.printers.protocol import Printer, PrintOutcome
from devices.printers.status import CAN_PRINT, PrinterStatus, status_message
from devices.printers.worker import PrintWorker
from kiosk.application import Application
from kiosk.catalogue import ServiceItem
from kiosk.chinatime import china_date
from kiosk.errors import KioskError
from kiosk.settings import Settings
from printouts.document import Document
from printouts.from_domain import notice_content, receipt_content, result_content
from printouts.layouts.notice import layout_notice
from printouts.layouts.receipt import layout_receipt
from printouts.layouts.result import layout_result_notice

log = logging.getLogger(__name__)

READER_LABELS = {
    ReaderStatus.DISCONNECTED: "读卡器未连接",
    ReaderStatus.NO_CARD: "读卡器就绪",
    ReaderStatus.READING: "正在读卡",
    ReaderStatus.CARD_PRESENT: "证件在读卡器上",
    ReaderStatus.ERROR: "读卡器故障",
}


class CardReaderBridge(QObject):
    """Re-emits a :class:`CardReader`'s events as Qt signals (queued to the GUI thread)."""

    card_inserted = Signal(object)  # CardHolder
    card_removed = Signal()
    reader_error = Signal(str)  # Chinese message
    status_changed = Signal(str)  # ReaderStatus value

    def __init__(self, reader: CardReader | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.status = reader.status if reader is not None else ReaderStatus.DISCONNECTED
        if reader is not None:
            reader.add_listener(self._on_event)

    def _on_event(self, event: CardEvent) -> None:  # on the reader's thread
        if isinstance(event, CardInserted):
            self.card_inserted.emit(event.holder)
        elif isinstance(event, CardRemoved):
            self.card_removed.emit()
        elif isinstance(event, ReaderError):
            self.reader_error.emit(event.code.message_zh)
        elif isinstance(event, StatusChanged):
            self.status = event.new
            self.status_changed.emit(event.new.value)

    def start(self) -> None:
        if self.reader is not None:
            self.reader.start()

    def stop(self) -> None:
        if self.reader is not None:
            self.reader.remove_listener(self._on_event)
            self.reader.stop()


class CameraBridge(QObject):
    """Takes photos with a :class:`DocumentCamera` off the GUI thread; results come back as signals.

    ``captured(field_key, jpeg)`` carries the photo already downscaled (at most
    ``devices.camera.downscale.MAX_IMAGE_SIDE`` px, EXIF dropped); ``failed(field_key,
    message)`` a Chinese explanation. One capture at a time: taps while busy are ignored.
    """

    captured = Signal(str, object)  # field key, downscaled JPEG bytes
    failed = Signal(str, str)  # field key, Chinese message

    def __init__(self, camera: DocumentCamera | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.camera = camera
        self.busy = False
        self._pool: ThreadPoolExecutor | None = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="camera") if camera else None
        )
        # Connected first, so ``busy`` is clear before anyone else hears of the result.
        self.captured.connect(self._done)
        self.failed.connect(self._done)

    @property
    def available(self) -> bool:
        return self.camera is not None

    def capture(self, field_key: str) -> None:
        """Start one capture for ``field_key``; returns at once."""
        if self._pool is None or self.busy:
            return
        self.busy = True
        self._pool.submit(self._run, field_key)

    def _run(self, field_key: str) -> None:  # on the camera thread
        assert self.camera is not None
        try:
            content = downscale_image(self.camera.capture())
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


class PrinterBridge(QObject):
    """The journey's :class:`~kiosk.journey.PrintPort` on a receipt printer's worker thread.

    ``job_finished(kind, ok, message)``: kind is ``receipt``, ``notice`` or ``result``;
    ``status_changed(status)`` reports printer status changes.
    """

    job_finished = Signal(str, bool, str)
    status_changed = Signal(str)

    def __init__(
        self,
        printer: Printer | None,
        settings: Settings,
        *,
        on_receipt_printed: Any = None,
        item_lookup: Callable[[str], ServiceItem | None] | None = None,
        watch_interval_s: float = 5.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.status: PrinterStatus = PrinterStatus.DISCONNECTED
        self._on_receipt_printed = on_receipt_printed
        self._item_lookup = item_lookup
        self.worker = PrintWorker(printer) if printer is not None else None
        self._watch_interval_s = watch_interval_s

    def start(self) -> None:
        if self.worker is not None and self._watch_interval_s > 0:
            self.worker.watch(self._status_from_worker, self._watch_interval_s)

    def _status_from_worker(self, status: PrinterStatus) -> None:  # printer thread
        self.status = status
        self.status_changed.emit(status.value)

    def print_receipt(self, application: Application, *, reprint: bool) -> None:
        item = self._item_lookup(application.service_code) if self._item_lookup else None
        doc = layout_receipt(
            receipt_content(application, self.settings, item=item, reprint=reprint)
        )
        app_id = application.id

        def done(result: PrintOutcome | PrinterError) -> None:
            if isinstance(result, PrintOutcome) and self._on_receipt_printed is not None:
                self._on_receipt_printed(app_id)

        self._submit("receipt", doc, done)

    def print_result(self, application: Application) -> None:
        item = self._item_lookup(application.service_code) if self._item_lookup else None
        now = dt.datetime.now(dt.UTC)
        content = result_content(application, item, self.settings, now)
        self._submit("result", layout_result_notice(content), None)

    def print_notice(self, item: ServiceItem) -> None:
        now = dt.datetime.now(dt.UTC)
        self._submit("notice", layout_notice(notice_content(item, self.settings, now)), None)

    def _submit(self, kind: str, doc: Document, extra: Any) -> None:
        if self.worker is None:
            self.job_finished.emit(kind, False, status_message(PrinterStatus.DISCONNECTED))
            return

        def on_done(result: PrintOutcome | PrinterError) -> None:  # printer thread
            if extra is not None:
                extra(result)
            if isinstance(result, PrintOutcome):
                self.status = result.status_after
                self.status_changed.emit(result.status_after.value)
                self.job_finished.emit(kind, True, "")
            else:
                self.status = result.status
                self.status_changed.emit(result.status.value)
                self.job_finished.emit(kind, False, str(result))

        future = self.worker.submit(doc, on_done)
        future.add_done_callback(lambda f: f.exception())  # consumed: reported via on_done

    @property
    def can_print(self) -> bool:
        return self.status in CAN_PRINT

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()


def today_china() -> dt.date:
    return china_date(dt.datetime.now(dt.UTC))
