"""Fixtures of the printouts and printer tests: sample documents, the pty simulator, cupsd."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from devices.printers.simulator.server import PrinterSimulator
from printouts import samples
from printouts.document import Document
from printouts.layouts import (
    layout_commitment,
    layout_daily_summary,
    layout_form,
    layout_notice,
    layout_receipt,
    layout_result_notice,
    layout_test_page,
)

GOLDEN = Path(__file__).parent / "golden"


def sample_documents() -> dict[str, Document]:
    """Every layout once, from fixed sample data (the goldens are made from these)."""
    return {
        "receipt": layout_receipt(samples.receipt()),
        "receipt-self-reprint": layout_receipt(samples.receipt(reprint=True, assisted=False)),
        "notice": layout_notice(samples.notice()),
        "form": layout_form(samples.form()),
        "daily-summary": layout_daily_summary(samples.daily_summary()),
        "result-notice": layout_result_notice(samples.result_notice()),
        "commitment": layout_commitment(samples.commitment()),
        "test-page": layout_test_page("西湖镇便民服务中心", "000017", datetime(2026, 11, 23, 9, 0)),
    }


def wait_until(
    predicate: Callable[[], bool], timeout: float, what: str, poll: float = 0.05
) -> None:
    """Poll ``predicate`` until true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(poll)


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[PrinterSimulator]:
    with PrinterSimulator(width_mm=58, jobs_dir=tmp_path / "jobs") as sim:
        yield sim


# -- CUPS ----------------------------------------------------------------------------------

CUPS_PDF_PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"


def _cups_answers() -> bool:
    return subprocess.run(
        ["lpstat", "-r"], capture_output=True, text=True, check=False
    ).stdout.startswith("scheduler is running")


def _cups_pdf_out_dir() -> Path:
    """Where cups-pdf writes: its ``Out`` setting, ``${HOME}/PDF`` by default (root: /root/PDF)."""
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip().startswith("Out "):
                out = line.split(None, 1)[1].strip()
    # cups-pdf takes the job owner's home from the password database, not from $HOME.
    user = pwd.getpwuid(os.getuid())
    return Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name))


@pytest.fixture(scope="session")
def cups_queue() -> Iterator[tuple[str, Path]]:
    """A running cupsd with a cups-pdf queue; starts (and later stops) what was not running."""
    missing = [tool for tool in ("cupsd", "lpadmin", "lp", "lpstat") if shutil.which(tool) is None]
    if missing or not Path("/usr/lib/cups/backend/cups-pdf").exists():
        pytest.fail(
            f"CUPS test needs cupsd and the cups-pdf backend (missing: {missing or 'cups-pdf'}); "
            "install with: apt-get install -y cups printer-driver-cups-pdf"
        )
    started: subprocess.Popen[bytes] | None = None
    if not _cups_answers():
        started = subprocess.Popen(
            ["cupsd", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(_cups_answers, 30, "cupsd to start")
    queue = "KioskTestPDF"
    subprocess.run(
        ["lpadmin", "-p", queue, "-v", "cups-pdf:/", "-m", CUPS_PDF_PPD, "-E"],
        check=True,
        capture_output=True,
    )
    try:
        yield queue, _cups_pdf_out_dir()
    finally:
        subprocess.run(["lpadmin", "-x", queue], check=False, capture_output=True)
        if started is not None:
            started.terminate()
            started.wait(timeout=30)
