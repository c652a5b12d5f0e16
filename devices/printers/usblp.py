"""A USB printer-class device (``/dev/usb/lp0``) as the port an ESC/POS printer writes to.

Most Chinese thermal receipt printers (Gprinter, Xprinter and the like) plug in as USB
printer-class devices: Linux's ``usblp`` driver gives them ``/dev/usb/lpN``, a character
device that is not a terminal. pyserial cannot open it (configuring a port that is not a tty
fails with ENOTTY), so ``escpos:/dev/usb/lp0`` used to be "disconnected" forever, with the
kiosk telling the technician to check a cable that was fine. Bytes go out with ``write``;
a bidirectional printer's ``DLE EOT`` answers come back with ``read``, so the same status
checks run as on a serial port (a printer that never answers is ``no_answer``).

:func:`open_escpos_port` is the one opener for ``escpos:`` ports: a device that is not a
terminal gets this class, anything else (a serial port, a pty, ``socket://``) pyserial.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import stat
import time
from typing import Any

import serial


class UsbLpPort:
    """The part of pyserial's port API that :class:`EscPosPrinter` uses, over a raw device
    file: ``write`` (all bytes or ``SerialTimeoutException``), ``flush``, ``read`` (up to
    ``size`` bytes within ``timeout``), ``reset_input_buffer``, ``close``."""

    def __init__(self, path: str, *, timeout: float = 0.5, write_timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self.write_timeout = write_timeout
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)

    def _file(self) -> int:
        if self._fd is None:
            raise serial.PortNotOpenError()
        return self._fd

    def write(self, data: bytes) -> int:
        fd = self._file()
        view = memoryview(data)
        deadline = time.monotonic() + self.write_timeout
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise serial.SerialTimeoutException("write timeout")
            _, writable, _ = select.select([], [fd], [], left)
            if not writable:
                continue
            try:
                done = os.write(fd, view)
            except BlockingIOError:
                continue
            view = view[done:]
        return len(data)

    def flush(self) -> None:
        """Every ``write`` has handed its bytes to the driver before returning."""
        self._file()

    def read(self, size: int = 1) -> bytes:
        fd = self._file()
        out = bytearray()
        deadline = time.monotonic() + self.timeout
        while len(out) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                break
            try:
                chunk = os.read(fd, size - len(out))
            except BlockingIOError:
                continue
            except OSError as exc:  # a printer with no way back (unidirectional) cannot answer
                if exc.errno in (errno.EIO, errno.EINVAL):
                    break
                raise  # e.g. ENODEV: unplugged
            if not chunk:  # nothing to read now (usblp returns 0 when no answer is waiting)
                break
            out += chunk
        return bytes(out)

    def reset_input_buffer(self) -> None:
        """Drop an answer that arrived too late for the previous status query."""
        fd = self._file()
        while True:
            readable, _, _ = select.select([fd], [], [], 0)
            if not readable:
                return
            try:
                if not os.read(fd, 4096):
                    return
            except (BlockingIOError, OSError):
                return

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def is_raw_device(path: str) -> bool:
    """A character device that is not a terminal (``/dev/usb/lpN``, ``/dev/lpN``)."""
    try:
        if not stat.S_ISCHR(os.stat(path).st_mode):
            return False
        fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False  # pyserial's open then says why (missing, refused) as for any port
    try:
        return not os.isatty(fd)
    finally:
        os.close(fd)


def open_escpos_port(
    url: str, *, baudrate: int = 9600, timeout: float = 0.5, write_timeout: float = 10.0
) -> Any:
    """The port behind an ``escpos:`` URL: a raw printer device or anything pyserial opens."""
    if "://" not in url and is_raw_device(url):
        return UsbLpPort(url, timeout=timeout, write_timeout=write_timeout)
    return serial.serial_for_url(
        url, baudrate=baudrate, timeout=timeout, write_timeout=write_timeout
    )
