"""A4 printing through a real cupsd into the cups-pdf virtual printer."""

from __future__ import annotations

import io
import uuid

import pytest
from pypdf import PdfReader

from devices.printers.cups import CupsPrinter, JobState
from devices.printers.factory import open_printer
from devices.printers.status import PrinterStatus
from printouts import samples
from printouts.layouts import layout_form
from printouts.pdf.render import PageKind, render_pdf
from tests.printouts.conftest import wait_until

pytestmark = pytest.mark.cups


def test_form_printed_through_cups_lands_as_pdf_with_its_text(cups_queue) -> None:
    queue, out_dir = cups_queue
    printer = open_printer(f"cups:{queue}")
    assert isinstance(printer, CupsPrinter)
    assert printer.status() is PrinterStatus.READY
    before = set(out_dir.glob("*.pdf")) if out_dir.exists() else set()
    title = f"kiosk-test-{uuid.uuid4().hex[:8]}"
    outcome = printer.print_pdf(render_pdf(layout_form(samples.form()), PageKind.A4), title)
    assert outcome.reference.startswith(f"{queue}-")
    assert printer.wait_for_job(outcome.reference, timeout=60) is JobState.COMPLETED

    def new_pdf() -> bool:
        return out_dir.exists() and bool(set(out_dir.glob("*.pdf")) - before)

    wait_until(new_pdf, 60, f"cups-pdf output in {out_dir}")
    (path,) = set(out_dir.glob("*.pdf")) - before
    wait_until(
        lambda: path.stat().st_size > 0 and path.read_bytes().rstrip().endswith(b"%%EOF"),
        30,
        "the PDF to be complete",
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert samples.APPLICATION_NUMBER in text.replace(" ", "")
    path.unlink()


def test_unknown_queue_is_disconnected(cups_queue) -> None:
    assert CupsPrinter("NoSuchQueue").status() is PrinterStatus.DISCONNECTED
