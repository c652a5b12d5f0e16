"""Run printer I/O on its own thread and report back through callbacks.

The GUI never blocks on a port: it submits a job and gets a
``concurrent.futures.Future``; callbacks run on the worker thread, so a Qt
front end re-emits them as signals (queued connections) to reach its thread.
No Qt here: devices/ knows nothing of the UI.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from devices.printers.errors import PrinterError, PrintJobFailedError
from devices.printers.protocol import Printer, PrintOutcome
from devices.printers.status import PrinterStatus

if TYPE_CHECKING:  # the document model loads with the first print job
    from printouts.document import Document

log = logging.getLogger(__name__)

JobCallback = Callable[[PrintOutcome | PrinterError], None]
StatusCallback = Callable[[PrinterStatus], None]


class PrintWorker:
    """One worker thread per printer: jobs and status queries run in submission order."""

    def __init__(self, printer: Printer) -> None:
        self.printer = printer
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer")
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def submit(self, doc: Document, on_done: JobCallback | None = None) -> Future[PrintOutcome]:
        """Queue ``doc``; ``on_done`` receives the outcome or the typed printer error."""

        def job() -> PrintOutcome:
            try:
                outcome = self.printer.print_document(doc)
            except PrinterError as exc:
                if on_done:
                    on_done(exc)
                raise
            except Exception as exc:
                # An unexpected fault must still reach the caller as "not printed".
                log.exception("printer job crashed")
                err = PrintJobFailedError(PrinterStatus.ERROR, type(exc).__name__)
                if on_done:
                    on_done(err)
                raise err from exc
            if on_done:
                on_done(outcome)
            return outcome

        return self._pool.submit(job)

    def check_status(self, on_done: StatusCallback | None = None) -> Future[PrinterStatus]:
        def query() -> PrinterStatus:
            status = self.printer.status()
            if on_done:
                on_done(status)
            return status

        return self._pool.submit(query)

    def watch(self, on_change: StatusCallback, interval: float = 5.0) -> None:
        """Query status every ``interval`` seconds and report *changes* only.

        A change of the printer's ``problem`` is a change too: a port that went from
        unplugged to refused stays "disconnected" but now needs a technician, not a cable.
        """
        if self._watcher is not None:
            raise RuntimeError("already watching")

        def loop() -> None:
            last: tuple[PrinterStatus, str] | None = None
            while not self._stop.is_set():
                try:
                    status = self._pool.submit(self.printer.status).result()
                except RuntimeError:  # pool shut down
                    return
                now = (status, self.printer.problem)
                if now != last:
                    on_change(status)
                    last = now
                self._stop.wait(interval)

        self._watcher = threading.Thread(target=loop, name="printer-watch", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        self._pool.shutdown(wait=True)
        self.printer.close()
