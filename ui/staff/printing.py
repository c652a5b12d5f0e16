"""Staff printing: reprints of every slip (receipt, 告知承诺书, booking / home-visit slip), the
daily summary and the test page, on the kiosk's printer.

The papers themselves come from :mod:`printouts.jobs` (the same functions the
touch screen and ``kiosk print`` call); they run on the resident UI's printer
bridge, so staff and residents share one printer worker and one status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.application import Application
from kiosk.booking import Booking
from kiosk.chinatime import CHINA_TZ
from kiosk.core import KioskCore
from kiosk.errors import KioskError
from kiosk.usecases.queue_care import DailySummary
from printouts import jobs
from printouts.jobs import JobKind, PrintJob
from ui.devices import PrinterBridge


class StaffPrinter(QObject):
    """``finished(kind, ok, message)``: kind a :class:`~printouts.jobs.JobKind` value
    (``receipt``, ``commitment``, ``booking``, ``summary`` or ``test_page``)."""

    finished = Signal(str, bool, str)

    def __init__(self, core: KioskCore, bridge: PrinterBridge) -> None:
        super().__init__()
        self.core = core
        self.bridge = bridge

    def reprint(self, application: Application) -> None:
        """The receipt again, marked 补打, of the version filed (marked printed once confirmed)."""
        self._run(JobKind.RECEIPT, lambda: jobs.receipt(self.core, application, reprint=True))

    def reprint_commitment(self, application: Application | str) -> None:
        """The 告知承诺书 again (refused, with the reason, when nothing was promised)."""

        self._run(JobKind.COMMITMENT, lambda: jobs.commitment(self.core, application, reprint=True))

    def reprint_booking(self, booking: Booking | str) -> None:
        """The slip of a window booking or a home-visit request again, as the booking stands now."""
        self._run(
            JobKind.BOOKING_SLIP,
            lambda: jobs.booking_slip(self.core, booking, reprint=True),
        )

    def print_summary(self, summary: DailySummary, staff_name: str) -> None:
        self._run(JobKind.SUMMARY, lambda: jobs.daily_summary(self.core, summary.day, staff_name))

    def print_test_page(self) -> None:
        self._run(
            JobKind.TEST_PAGE,
            lambda: jobs.printer_test_page(self.core.settings, self.core.clock()),
        )

    def _run(self, kind: JobKind, build: Callable[[], PrintJob]) -> None:
        try:
            job = build()
        except KioskError as exc:
            self.finished.emit(kind.value, False, str(exc))
            return

        def done(ok: bool, message: str) -> None:  # printer thread; the signal is queued
            self.finished.emit(kind.value, ok, message)

        self.bridge.submit(job, done)


def today(core: KioskCore) -> dt.date:
    return core.clock().astimezone(CHINA_TZ).date()
