"""``pdf:PATH``: "print" by writing the PDF to a file (demo, archiving, tests)."""

from __future__ import annotations

import os
from pathlib import Path

from devices.printers.errors import PrintJobFailedError
from devices.printers.protocol import PrintOutcome
from devices.printers.status import PrinterStatus
from kiosk.atomic import atomic_write
from printouts.document import Document
from printouts.pdf.render import PageKind, render_pdf


class PdfFilePrinter:
    """Implements ``A4Printer``; written atomically so a power cut leaves no half file."""

    def __init__(self, path: Path, page: PageKind = PageKind.A4) -> None:
        self.path = path
        self.page = page

    @property
    def url(self) -> str:
        return f"pdf:{self.path}"

    @property
    def problem(self) -> str:
        return ""

    def status(self) -> PrinterStatus:
        parent = self.path.parent
        return PrinterStatus.READY if os.access(parent, os.W_OK) else PrinterStatus.DISCONNECTED

    def print_document(self, doc: Document) -> PrintOutcome:
        return self.print_pdf(render_pdf(doc, self.page), doc.title)

    def print_pdf(self, pdf: bytes, title: str) -> PrintOutcome:
        try:
            atomic_write(self.path, pdf)
        except OSError as exc:
            raise PrintJobFailedError(PrinterStatus.ERROR, type(exc).__name__) from exc
        return PrintOutcome(PrinterStatus.READY, PrinterStatus.READY, str(self.path))

    def close(self) -> None:
        """Nothing held open."""
