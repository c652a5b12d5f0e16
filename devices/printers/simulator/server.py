"""The printer simulator: a pty whose far end behaves like a Chinese ESC/POS printer.

Open ``port`` (e.g. ``/dev/pts/7``) with pyserial as if it were the printer's
serial port. The simulator parses what it receives (printouts.escpos.parse),
answers ``DLE EOT`` at once (unless muted: "no answer"), drops print data while
out of paper / cover open / offline, and renders each job (up to a cut) to a
PNG. A control socket (see ``control.py``) lets another process change its
state while it runs.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import tty
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.printers.simulator.state import SimState
from printouts.escpos.parse import (
    CutPaper,
    EscPosParser,
    Event,
    PrintedLine,
    QrPrinted,
    RasterImage,
    StatusRequest,
)
from printouts.escpos.profile import PrinterProfile, TextEncoding
from printouts.raster_text import LINE_DOTS

log = logging.getLogger(__name__)

#: Dev-dock commands that set one flag of SimState.
_FLAGS: dict[str, tuple[str, bool]] = {
    "paper-out": ("paper", False),
    "near-end": ("near_end", True),
    "cover-open": ("cover_open", True),
    "cover-close": ("cover_open", False),
    "offline": ("offline", True),
    "online": ("offline", False),
    "mute": ("mute", True),
    "unmute": ("mute", False),
}
#: Every command the control channel accepts.
COMMANDS = (*_FLAGS, "paper-in", "paper-lines", "status", "jobs")


@dataclass
class SimJob:
    """One slip: the events printed between two cuts."""

    index: int
    events: list[Event] = field(default_factory=list)
    lost_events: int = 0
    complete: bool = False
    png: Path | None = None

    @property
    def lines(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, PrintedLine)]

    @property
    def qr_payloads(self) -> list[str]:
        return [e.payload for e in self.events if isinstance(e, QrPrinted)]

    def summary(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "complete": self.complete,
            "lines": len(self.lines),
            "lost_events": self.lost_events,
            "png": str(self.png) if self.png else None,
        }


class PrinterSimulator:
    """Start with ``start()``; ``port`` is then the pty path to open. Thread-safe."""

    def __init__(
        self,
        *,
        encoding: TextEncoding = TextEncoding.GB18030,
        width_mm: int = 80,
        jobs_dir: Path | None = None,
    ) -> None:
        self.profile = PrinterProfile(width_mm=width_mm, encoding=encoding)
        self.jobs_dir = jobs_dir
        self.state = SimState()
        self.jobs: list[SimJob] = []
        self.received = 0
        self._parser = EscPosParser(encoding=encoding)
        self._current: SimJob | None = None
        self._cond = threading.Condition()
        self._master = -1
        self._slave = -1
        self._wake_r, self._wake_w = -1, -1
        self._thread: threading.Thread | None = None
        self.port = ""

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> PrinterSimulator:
        self._master, self._slave = os.openpty()
        # Raw mode: no CR/LF translation, no XON/XOFF, no signals from 0x03 — bytes as sent.
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self._wake_r, self._wake_w = os.pipe()
        if self.jobs_dir:
            self.jobs_dir.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._run, name="printer-sim", daemon=True)
        self._thread.start()
        log.info("printer simulator on %s", self.port)
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        os.write(self._wake_w, b"x")
        self._thread.join(timeout=5)
        self._thread = None
        for fd in (self._master, self._slave, self._wake_r, self._wake_w):
            os.close(fd)

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- controls ----------------------------------------------------------------------------

    def control(self, command: str, **args: Any) -> dict[str, Any]:
        """Apply a dev-dock command (paper-out, cover-open, …); returns the new state."""
        with self._cond:
            s = self.state
            if command == "jobs":
                return {"state": s.as_dict(), "jobs": [j.summary() for j in self.jobs]}
            if command == "paper-lines":
                s.paper_lines = int(args["lines"])
            elif command == "paper-in":
                s.paper, s.near_end, s.paper_lines = True, False, None
            elif command in _FLAGS:
                name, value = _FLAGS[command]
                setattr(s, name, value)
            elif command != "status":
                raise ValueError(f"unknown command {command!r}")
            self._cond.notify_all()
            return {"state": s.as_dict()}

    def wait_for_jobs(self, count: int, timeout: float) -> list[SimJob]:
        """Block until ``count`` jobs are finished (cut) or ``timeout`` passes."""
        with self._cond:
            self._cond.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def wait_until(self, received: int, timeout: float) -> bool:
        """Block until at least ``received`` bytes arrived."""
        with self._cond:
            return self._cond.wait_for(lambda: self.received >= received, timeout)

    # -- the device --------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            ready, _, _ = select.select([self._master, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            try:
                data = os.read(self._master, 4096)
            except OSError:  # EIO when no process has the slave open; ours always does
                continue
            with self._cond:
                self.received += len(data)
                for event in self._parser.feed(data):
                    self._handle(event)
                self._cond.notify_all()

    def _handle(self, event: Event) -> None:
        if isinstance(event, StatusRequest):
            if not self.state.mute and 1 <= event.n <= 4:
                os.write(self._master, bytes((self.state.status_byte(event.n),)))
            return
        if not isinstance(event, PrintedLine | RasterImage | QrPrinted | CutPaper):
            return
        job = self._current
        if job is None:
            job = self._current = SimJob(index=len(self.jobs) + 1)
        if not self.state.printing:
            job.lost_events += 1
            if isinstance(event, CutPaper):
                self._finish(job)
            return
        job.events.append(event)
        self._use_paper(event)
        if isinstance(event, CutPaper):
            job.complete = True
            self._finish(job)

    def _use_paper(self, event: Event) -> None:
        lines = 1
        if isinstance(event, RasterImage):
            lines = max(1, event.image.height // LINE_DOTS)
        elif isinstance(event, PrintedLine):
            lines = event.height
        for _ in range(lines):
            self.state.use_line()

    def _finish(self, job: SimJob) -> None:
        self._current = None
        if self.jobs_dir is not None:
            # Imported for the first picture, not with the simulator: it loads qrcode and
            # PIL, which a demo kiosk's start-up does not need (issue 16, goal 1).
            from devices.printers.simulator.render import render_job

            path = self.jobs_dir / f"job-{job.index:04d}.png"
            render_job(job.events, self.profile.dots).save(path)
            job.png = path
        self.jobs.append(job)
