"""A4 printing through CUPS: ``lp`` to submit a PDF, ``lpstat`` for queue and job state.

The command-line tools are the stable interface across CUPS versions and need
no extra Python binding. Man pages: lp(1), lpstat(1).
"""

from __future__ import annotations

import logging
import re
import subprocess
import time
from enum import StrEnum

from devices.printers.errors import PrinterNotReadyError, PrintJobFailedError
from devices.printers.protocol import PrintOutcome
from devices.printers.status import CAN_PRINT, PrinterStatus
from printouts.document import Document

log = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"request id is (\S+)")


class JobState(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    UNKNOWN = "unknown"


class CupsPrinter:
    """Implements ``A4Printer`` for one CUPS queue."""

    def __init__(self, queue: str, *, timeout: float = 30.0) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", queue):
            raise ValueError("CUPS queue names are letters, digits, '_', '.', '-'")
        self.queue = queue
        self._timeout = timeout

    @property
    def url(self) -> str:
        return f"cups:{self.queue}"

    @property
    def problem(self) -> str:
        return ""  # lpstat says what is wrong with a queue in its own status

    def _run(self, argv: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            argv, input=stdin, capture_output=True, timeout=self._timeout, check=False
        )
        return subprocess.CompletedProcess(
            argv,
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    def status(self) -> PrinterStatus:
        """``lpstat -p QUEUE``: "idle"/"printing" and enabled → ready; "disabled" → offline."""
        try:
            proc = self._run(["lpstat", "-p", self.queue])
        except (OSError, subprocess.TimeoutExpired):
            return PrinterStatus.NO_ANSWER
        if proc.returncode != 0:
            return PrinterStatus.DISCONNECTED
        if "disabled" in proc.stdout:
            return PrinterStatus.OFFLINE
        return PrinterStatus.READY

    def print_document(self, doc: Document) -> PrintOutcome:
        # Imported when a PDF is printed, not with the printer: the renderer loads reportlab,
        # qrcode and PIL (~50 ms, ~10 MB) that start-up does not need (issue 16, goal 1).
        from printouts.pdf.render import PageKind, render_pdf

        return self.print_pdf(render_pdf(doc, PageKind.A4), doc.title)

    def print_pdf(self, pdf: bytes, title: str) -> PrintOutcome:
        before = self.status()
        if before not in CAN_PRINT:
            raise PrinterNotReadyError(before)
        try:
            proc = self._run(["lp", "-d", self.queue, "-t", title, "-"], stdin=pdf)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrintJobFailedError(PrinterStatus.NO_ANSWER, type(exc).__name__) from exc
        match = _REQUEST_ID.search(proc.stdout)
        if proc.returncode != 0 or not match:
            raise PrintJobFailedError(PrinterStatus.ERROR, proc.stderr.strip()[:200])
        job_id = match.group(1)
        log.info("cups: submitted job %s", job_id)
        return PrintOutcome(before, self.status(), job_id)

    def job_state(self, job_id: str) -> JobState:
        """Where ``job_id`` is: still queued/printing, completed, or unknown to CUPS."""
        for which, state in (
            ("not-completed", JobState.PENDING),
            ("completed", JobState.COMPLETED),
        ):
            proc = self._run(["lpstat", "-W", which, "-o", self.queue])
            if any(line.split()[:1] == [job_id] for line in proc.stdout.splitlines()):
                return state
        return JobState.UNKNOWN

    def wait_for_job(self, job_id: str, timeout: float, poll: float = 0.2) -> JobState:
        """Poll ``job_state`` until the job completes or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        state = self.job_state(job_id)
        while state is not JobState.COMPLETED and time.monotonic() < deadline:
            time.sleep(poll)
            state = self.job_state(job_id)
        return state

    def close(self) -> None:
        """Nothing held open."""
