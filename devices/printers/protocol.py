"""The printer interfaces the rest of the kiosk sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from devices.printers.status import PrinterStatus

if TYPE_CHECKING:  # annotations only: the document model loads with the first print job
    from printouts.document import Document
    from printouts.escpos.profile import PrinterProfile


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """What a finished job reports: statuses around it and where it went (job id, file)."""

    status_before: PrinterStatus
    status_after: PrinterStatus
    reference: str = ""


@runtime_checkable
class Printer(Protocol):
    """Anything that prints a Document. All methods block: call them from a worker thread."""

    @property
    def url(self) -> str: ...

    def status(self) -> PrinterStatus:
        """Ask the device now; never raises."""
        ...

    @property
    def problem(self) -> str:
        """Why the last :meth:`status` could not reach the printer, when the system said
        (a :class:`~devices.printers.status.PrinterProblem` value); "" otherwise."""
        ...

    def print_document(self, doc: Document) -> PrintOutcome:
        """Print ``doc``; raises ``PrinterNotReadyError`` or ``PrintJobFailedError``."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class ReceiptPrinter(Printer, Protocol):
    """A 58/80 mm ESC/POS thermal printer."""

    @property
    def profile(self) -> PrinterProfile: ...

    def print_raw(self, data: bytes) -> PrintOutcome:
        """Send ready-made ESC/POS bytes between two status checks."""
        ...


@runtime_checkable
class A4Printer(Printer, Protocol):
    """A page printer taking PDFs (CUPS queue, or a file)."""

    def print_pdf(self, pdf: bytes, title: str) -> PrintOutcome: ...
