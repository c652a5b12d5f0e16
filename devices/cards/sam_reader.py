"""The second-generation ID card reader (SAM module) on a serial line, as a ``CardReader``.

The worker polls "find card" every ``poll_interval`` seconds; when a card is found
it selects and reads it and reports :class:`CardInserted`; when "find card" says
no card again it reports :class:`CardRemoved`. A vanished port (USB unplugged,
simulator unplugged) is reopened every ``reconnect_interval`` seconds.
"""

from __future__ import annotations

import errno
import logging
import termios
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from devices.cards.card_data import parse_card_data
from devices.cards.errors import CardDataError, ChecksumError, FrameError
from devices.cards.events import CardInserted, CardRemoved, ReaderErrorCode, ReaderStatus
from devices.cards.frames import Command, Response
from devices.cards.reader import ThreadedReader
from devices.cards.sam_link import LinkTimeoutError, SamLink, SerialPort
from devices.cards.sam_status import SamStatus, describe, error_code_for
from devices.cards.text_layout import decode_text_block
from devices.ports import permission_refused

log = logging.getLogger(__name__)

PortOpener = Callable[[], SerialPort]

PORT_ERRORS = (serial.SerialException, OSError, termios.error)
"""What a vanished port raises: pyserial wraps most errors, but ``tcflush`` leaks termios.error."""


@dataclass(frozen=True, slots=True)
class SamTimings:
    """Seconds. Defaults suit real modules at 115200 baud; tests shorten them."""

    poll_interval: float = 0.3
    command_timeout: float = 1.0  # find / select answer within milliseconds on real modules
    read_timeout: float = 3.0  # the card read itself takes up to about a second
    reconnect_interval: float = 1.0
    read_attempts: int = 3  # per card placement, then wait for the card to be removed
    tick: float = 0.02  # serial read timeout: how often the worker checks its deadline


def serial_opener(url: str, baudrate: int, timings: SamTimings) -> PortOpener:
    """Open ``url`` with ``serial.serial_for_url`` (real port, pty, ``socket://``...)."""

    def open_port() -> SerialPort:
        port: Any = serial.serial_for_url(url, baudrate=baudrate, timeout=timings.tick)
        return port  # type: ignore[no-any-return]

    return open_port


def open_failure_code(exc: BaseException) -> ReaderErrorCode:
    """Why a port would not open: refused permission is not a loose cable
    (:func:`devices.ports.permission_refused`)."""
    if permission_refused(exc):
        return ReaderErrorCode.PORT_DENIED
    return ReaderErrorCode.PORT_LOST


def _errno_name(exc: BaseException) -> str:
    number = getattr(exc, "errno", None)
    return errno.errorcode.get(number, "") if isinstance(number, int) else ""


class _ExchangeError(Exception):
    def __init__(self, code: ReaderErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class SamCardReader(ThreadedReader):
    """A SAM module behind any pyserial URL."""

    def __init__(
        self, opener: PortOpener, description: str, timings: SamTimings | None = None
    ) -> None:
        super().__init__(description)
        self._opener = opener
        self.timings = timings or SamTimings()
        self._link: SamLink | None = None
        self._card_present = False
        self._failed_reads = 0
        self._last_error: ReaderErrorCode | None = None

    # -- worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self.stopping:
                if self._link is None and not self._connect():
                    self._wait(self.timings.reconnect_interval)
                    continue
                try:
                    self._poll()
                except PORT_ERRORS as exc:
                    self._lost(exc)
                    continue
                self._wait(self.timings.poll_interval)
        finally:
            self._close()

    def _connect(self) -> bool:
        try:
            self._link = SamLink(self._opener())
        except (*PORT_ERRORS, ValueError) as exc:
            detail = f"cannot open port: {type(exc).__name__} {_errno_name(exc)}".rstrip()
            self._report(open_failure_code(exc), detail)
            self._set_status(ReaderStatus.DISCONNECTED)
            return False
        log.info("%s: port open", self.description)
        return True

    def _lost(self, exc: BaseException) -> None:
        self._close()
        if self._card_present:
            self._card_present = False
            self._emit(CardRemoved())
        self._report(ReaderErrorCode.PORT_LOST, f"port lost: {type(exc).__name__}")
        self._set_status(ReaderStatus.DISCONNECTED)

    def _close(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            try:
                link.port.close()
            except PORT_ERRORS:
                log.debug("closing a lost port failed", exc_info=True)

    def _poll(self) -> None:
        try:
            found = self._command(Command.FIND_CARD, self.timings.command_timeout)
            if found.sw3 == SamStatus.CARD_FOUND:
                if self._card_present:
                    self._ok()
                elif self._failed_reads < self.timings.read_attempts:
                    self._read_card()
                    self._ok()
                # else: an unreadable card lies on the reader; stay in ERROR until it is lifted
            elif found.sw3 == SamStatus.NO_CARD:
                self._failed_reads = 0
                if self._card_present:
                    self._card_present = False
                    self._emit(CardRemoved())
                self._ok()
            else:
                detail = f"find card: {describe(found.sw3)}"
                raise _ExchangeError(error_code_for(found.sw3), detail)
        except _ExchangeError as failure:
            self._report(failure.code, failure.detail)
            self._set_status(ReaderStatus.ERROR)

    def _read_card(self) -> None:
        self._set_status(ReaderStatus.READING)
        try:
            selected = self._command(Command.SELECT_CARD, self.timings.command_timeout)
            if selected.sw3 != SamStatus.SUCCESS:
                raise _ExchangeError(
                    error_code_for(selected.sw3), f"select: {describe(selected.sw3)}"
                )
            answer = self._command(Command.READ_TEXT_PHOTO, self.timings.read_timeout)
            if answer.sw3 != SamStatus.SUCCESS:
                raise _ExchangeError(error_code_for(answer.sw3), f"read: {describe(answer.sw3)}")
            try:
                data = parse_card_data(answer.data)
                holder = decode_text_block(data.text, data.photo)
            except (FrameError, CardDataError) as exc:
                raise _ExchangeError(ReaderErrorCode.BAD_CARD_DATA, f"card data: {exc}") from exc
        except _ExchangeError:
            self._failed_reads += 1
            raise
        self._failed_reads = 0
        self._card_present = True
        self._set_status(ReaderStatus.CARD_PRESENT)
        self._emit(CardInserted(holder))

    def _command(self, command: Command, timeout: float) -> Response:
        assert self._link is not None
        try:
            return self._link.exchange(command, timeout)
        except ChecksumError as exc:
            raise _ExchangeError(ReaderErrorCode.BAD_CHECKSUM, f"{command.name}: {exc}") from exc
        except FrameError as exc:
            raise _ExchangeError(ReaderErrorCode.GARBAGE, f"{command.name}: {exc}") from exc
        except LinkTimeoutError as exc:
            code = ReaderErrorCode.GARBAGE if exc.garbage else ReaderErrorCode.TIMEOUT
            raise _ExchangeError(code, f"{command.name}: {exc}") from exc

    def _ok(self) -> None:
        self._last_error = None
        self._set_status(ReaderStatus.CARD_PRESENT if self._card_present else ReaderStatus.NO_CARD)

    def _report(self, code: ReaderErrorCode, detail: str) -> None:
        """Emit an error once per run of identical failures, so a dead reader does not flood."""
        if code is self._last_error:
            return
        self._last_error = code
        self._error(code, detail)
