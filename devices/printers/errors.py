"""Typed printer errors, so the caller can keep the application queued and mark the receipt
not printed (staff reprint it later) instead of losing either."""

from __future__ import annotations

from devices.printers.status import PrinterStatus, status_message
from kiosk.errors import KioskError


class PrinterError(KioskError):
    """Base of printer errors; ``status`` is the printer's state when it happened."""

    def __init__(self, status: PrinterStatus, detail: str = "") -> None:
        message = status_message(status)
        super().__init__(f"{message}（{detail}）" if detail else message)
        self.status = status
        self.detail = detail


class PrinterNotReadyError(PrinterError):
    """The printer was not ready before the job: nothing was sent."""


class PrintJobFailedError(PrinterError):
    """The job was sent (maybe in part) but the printer reported a fault, or sending failed.

    The slip may be missing or cut short: treat the receipt as not printed.
    """


class PrinterUrlError(KioskError):
    """A printer URL is malformed or names an unknown kind of printer."""
