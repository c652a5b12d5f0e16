"""Staff printing: receipt reprints (through the resident UI's printer bridge) and the daily summary."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal

from devices.printers.errors import PrinterError
from devices.printers.protocol import PrintOutcome
from devices.printers.status import PrinterStatus, status_message
from kiosk.application import Application
from kiosk.chinatime import CHINA_TZ
from kiosk.core import KioskCore
from kiosk.usecases import queue_care
from kiosk.usecases.queue_care import DailySummary
from printouts.content import DailySummaryContent, SummaryRow
from printouts.document import Document
from printouts.layouts.summary import layout_daily_summary
from printouts.layouts.test_page import layout_test_page
from ui.devices import PrinterBridge


def summary_document(core: KioskCore, summary: DailySummary, staff_name: str) -> Document:
    """The daily summary printout: counts only, no personal data."""
    rows = tuple(SummaryRow(name, state.label, n) for name, state, n in summary.rows())
    printed = core.clock().astimezone(CHINA_TZ).replace(tzinfo=None)
    return layout_daily_summary(
        DailySummaryContent(
            station_name=core.settings.terminal.station_name,
            terminal_code=core.settings.terminal.code,
            day=summary.day,
            rows=rows,
            printed_at=printed,
            staff_name=staff_name,
        )
    )


class StaffPrinter(QObject):
    """``finished(kind, ok, message)`` with kind ``receipt``, ``summary`` or ``test_page``."""

    finished = Signal(str, bool, str)

    def __init__(self, core: KioskCore, bridge: PrinterBridge) -> None:
        super().__init__()
        self.core = core
        self.bridge = bridge
        self._pending_receipt: str | None = None
        bridge.job_finished.connect(self._bridge_finished)

    def reprint(self, application: Application) -> None:
        self._pending_receipt = application.id
        self.bridge.print_receipt(application, reprint=True)

    def _bridge_finished(self, kind: str, ok: bool, message: str) -> None:
        if kind != "receipt" or self._pending_receipt is None:
            return
        if ok:
            queue_care.mark_receipt_printed(self.core, self._pending_receipt)
        self._pending_receipt = None
        self.finished.emit("receipt", ok, message)

    def print_summary(self, summary: DailySummary, staff_name: str) -> None:
        self._submit("summary", summary_document(self.core, summary, staff_name))

    def print_test_page(self) -> None:
        now = self.core.clock().astimezone(CHINA_TZ).replace(tzinfo=None)
        settings = self.core.settings.terminal
        self._submit("test_page", layout_test_page(settings.station_name, settings.code, now))

    def _submit(self, kind: str, doc: Document) -> None:
        worker = self.bridge.worker
        if worker is None:
            self.finished.emit(kind, False, status_message(PrinterStatus.DISCONNECTED))
            return

        def done(result: PrintOutcome | PrinterError) -> None:  # printer thread; signal is queued
            if isinstance(result, PrintOutcome):
                self.finished.emit(kind, True, "")
            else:
                self.finished.emit(kind, False, str(result))

        future = worker.submit(doc, done)
        future.add_done_callback(lambda f: f.exception())


def today(core: KioskCore) -> dt.date:
    return core.clock().astimezone(CHINA_TZ).date()
