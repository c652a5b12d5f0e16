"""ESC/POS receipt printer over pyserial: a serial port, USB-serial, ``socket://`` or a pty,
or a USB printer-class device (``/dev/usb/lp0``, :mod:`devices.printers.usblp`).

``serial.serial_for_url`` opens every kind of port the same way, so the
simulator's pty and a networked printer need no special code; a device that is not a
terminal gets the raw device port, which has the same small API.

A job is: status check (``DLE EOT`` 1–4), the bytes, status check again. The
second check catches paper running out mid-slip; the caller then keeps the
application queued and marks the receipt not printed. Limitation of real
printers: they answer ``DLE EOT`` at once, possibly before their buffer has
printed, so a paper end in the last lines may only show at the next job.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

import serial

from devices.ports import permission_refused
from devices.printers.errors import PrinterNotReadyError, PrintJobFailedError
from devices.printers.protocol import PrintOutcome
from devices.printers.status import CAN_PRINT, PrinterProblem, PrinterStatus, parse_status
from devices.printers.usblp import open_escpos_port
from printouts.document import Document
from printouts.escpos import commands as cmd
from printouts.escpos.profile import PrinterProfile

log = logging.getLogger(__name__)

PortOpener = Callable[..., Any]

_CHUNK = 1024


class EscPosPrinter:
    """Implements ``ReceiptPrinter``; thread-safe (one job or status query at a time)."""

    def __init__(
        self,
        port_url: str,
        profile: PrinterProfile,
        *,
        baudrate: int = 9600,
        status_timeout: float = 0.5,
        write_timeout: float = 10.0,
        url: str = "",
        open_port: PortOpener = open_escpos_port,
        on_close: tuple[Callable[[], None], ...] = (),
    ) -> None:
        self._port_url = port_url
        self._profile = profile
        self._baudrate = baudrate
        self._status_timeout = status_timeout
        self._write_timeout = write_timeout
        self._url = url or f"escpos:{port_url}"
        self._open_port = open_port
        self._port: Any = None
        self._problem = PrinterProblem.NONE
        self._lock = threading.Lock()
        self._on_close = on_close  # e.g. stop the simulator this printer started

    @property
    def url(self) -> str:
        return self._url

    @property
    def profile(self) -> PrinterProfile:
        return self._profile

    @property
    def problem(self) -> str:
        return self._problem.value

    def _ensure_port(self) -> Any:
        if self._port is None:
            self._port = self._open_port(
                self._port_url,
                baudrate=self._baudrate,
                timeout=self._status_timeout,
                write_timeout=self._write_timeout,
            )
        return self._port

    def _drop_port(self) -> None:
        if self._port is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                self._port.close()
        self._port = None

    def status(self) -> PrinterStatus:
        with self._lock:
            return self._status_locked()

    def _status_locked(self) -> PrinterStatus:
        try:
            port = self._ensure_port()
            port.reset_input_buffer()
            answers = []
            for n in (1, 2, 3, 4):
                port.write(cmd.status_request(n))
                port.flush()
                answer = port.read(1)
                if len(answer) != 1:
                    log.info("printer %s: no answer to DLE EOT %d", self._url, n)
                    return PrinterStatus.NO_ANSWER
                answers.append(answer[0])
        except (OSError, serial.SerialException) as exc:
            log.warning("printer %s: status query failed: %s", self._url, type(exc).__name__)
            self._drop_port()
            self._problem = (
                PrinterProblem.PORT_DENIED if permission_refused(exc) else PrinterProblem.NONE
            )
            return PrinterStatus.DISCONNECTED
        self._problem = PrinterProblem.NONE
        return parse_status(*answers)

    def print_document(self, doc: Document) -> PrintOutcome:
        # Imported at the first receipt, not with the printer: the renderer loads qrcode and
        # PIL (~30 ms, several MB) that the home screen does not need (issue 16, goal 1).
        from printouts.escpos.render import render_escpos

        return self.print_raw(render_escpos(doc, self._profile))

    def print_raw(self, data: bytes) -> PrintOutcome:
        with self._lock:
            before = self._status_locked()
            if before not in CAN_PRINT:
                raise PrinterNotReadyError(before)
            try:
                port = self._ensure_port()
                for i in range(0, len(data), _CHUNK):
                    port.write(data[i : i + _CHUNK])
                port.flush()
            except (OSError, serial.SerialException) as exc:
                self._drop_port()
                raise PrintJobFailedError(PrinterStatus.DISCONNECTED, type(exc).__name__) from exc
            after = self._status_locked()
            if after not in CAN_PRINT:
                raise PrintJobFailedError(after, "打印过程中出现故障，回执未完整打印")
            log.info("printer %s: job of %d bytes done (%s)", self._url, len(data), after)
            return PrintOutcome(before, after, f"{len(data)} bytes")

    def close(self) -> None:
        with self._lock:
            self._drop_port()
            for stop in self._on_close:
                stop()
            self._on_close = ()
