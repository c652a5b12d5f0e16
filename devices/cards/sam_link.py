"""One command/answer exchange with a SAM module over an open serial-like port.

Kept apart from the worker loop so the bench and tests can time exactly one
exchange. The port is anything ``serial.serial_for_url`` returns (a real port, a
pty, ``socket://``), opened with a short read timeout used as the poll tick.
"""

from __future__ import annotations

import time
from typing import Protocol

from devices.cards.errors import FrameError
from devices.cards.frames import Command, Response, build_command, parse_response, scan


class SerialPort(Protocol):
    """The part of ``serial.Serial`` we use."""

    @property
    def in_waiting(self) -> int: ...

    def write(self, data: bytes, /) -> int | None: ...

    def read(self, size: int = 1, /) -> bytes: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


class LinkTimeoutError(Exception):
    """No complete answer before the deadline; ``garbage`` counts the non-frame bytes seen."""

    def __init__(self, garbage: int) -> None:
        super().__init__(f"no answer ({garbage} stray bytes)")
        self.garbage = garbage


class SamLink:
    """Send one command frame and collect the first valid answer frame."""

    def __init__(self, port: SerialPort) -> None:
        self.port = port

    def exchange(self, command: Command, timeout: float) -> Response:
        """Raise :class:`FrameError` on an invalid answer, :class:`LinkTimeoutError` on none.

        Serial and OS errors (the port vanished) propagate unchanged.
        """
        self.port.reset_input_buffer()  # drop a late answer to an earlier command
        self.port.write(build_command(command))
        deadline = time.monotonic() + timeout
        buffer = b""
        garbage = 0
        while True:
            chunk = self.port.read(max(1, self.port.in_waiting))
            if chunk:
                buffer += chunk
                result = scan(buffer)
                garbage += result.skipped
                buffer = buffer[result.consumed :]
                if result.frame is not None:
                    return parse_response(result.frame)
                if result.errors and not result.pending:
                    raise result.errors[0]
            if time.monotonic() >= deadline:
                raise LinkTimeoutError(garbage + len(buffer))


__all__ = ["FrameError", "LinkTimeoutError", "SamLink", "SerialPort"]
