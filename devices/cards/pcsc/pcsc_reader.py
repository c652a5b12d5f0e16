"""A PC/SC reader (via pyscard's ``scard`` layer) as a ``CardReader``.

The worker waits on ``SCardGetStatusChange`` (a short timeout so ``stop`` is
prompt) for card insertion and removal; on insertion it connects and reads the
social-security application, falling back to a PBOC bank application. A stopped
``pcscd`` or a vanished reader means DISCONNECTED and a retry every second.
"""

from __future__ import annotations

import logging

from smartcard import scard

from devices.cards.events import CardInserted, CardRemoved, ReaderErrorCode, ReaderStatus
from devices.cards.pcsc.apdu import ApduError, RawTransmit
from devices.cards.pcsc.pboc import read_pboc
from devices.cards.pcsc.plugins import PinPrompt, PsamDriver
from devices.cards.pcsc.social_security import (
    PinRequiredError,
    is_social_security,
    read_social_security,
)
from devices.cards.reader import ThreadedReader
from kiosk.cardholder import CardHolder

log = logging.getLogger(__name__)

WAIT_MS = 200
RECONNECT_S = 1.0
_GONE = scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE | scard.SCARD_STATE_IGNORE


class PcscError(Exception):
    """A PC/SC call failed; ``hresult`` is the SCARD_* code."""

    def __init__(self, call: str, hresult: int) -> None:
        super().__init__(
            f"{call}: {scard.SCardGetErrorMessage(hresult)} (0x{hresult & 0xFFFFFFFF:08X})"
        )
        self.hresult = hresult


def _check(call: str, hresult: int) -> None:
    if hresult != scard.SCARD_S_SUCCESS:
        raise PcscError(call, hresult)


class PcscCardReader(ThreadedReader):
    """``pcsc:`` (first reader) or ``pcsc:NAME``."""

    def __init__(
        self,
        reader_name: str | None,
        *,
        pin: PinPrompt | None = None,
        psam: PsamDriver | None = None,
    ) -> None:
        super().__init__(f"pcsc:{reader_name or ''}")
        self.reader_name = reader_name
        self.pin = pin
        self.psam = psam
        self._present = False
        self._last_error: ReaderErrorCode | None = None

    def _run(self) -> None:
        context: int | None = None
        try:
            while not self.stopping:
                try:
                    if context is None:
                        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
                        _check("SCardEstablishContext", hresult)
                    self._watch(context)
                except PcscError as exc:
                    self._disconnected(ReaderErrorCode.PCSC, str(exc))
                    if context is not None:
                        scard.SCardReleaseContext(context)
                        context = None
                    self._wait(RECONNECT_S)
        finally:
            if context is not None:
                scard.SCardReleaseContext(context)

    def _watch(self, context: int) -> None:
        """Follow one reader until it disappears or we are asked to stop."""
        name = self._pick_reader(context)
        if name is None:
            self._disconnected(ReaderErrorCode.PORT_LOST, "no matching PC/SC reader")
            self._wait(RECONNECT_S)
            return
        known = scard.SCARD_STATE_UNAWARE
        while not self.stopping:
            hresult, states = scard.SCardGetStatusChange(context, WAIT_MS, [(name, known)])
            if hresult == scard.SCARD_E_TIMEOUT:
                continue
            _check("SCardGetStatusChange", hresult)
            _, event_state, _atr = states[0]
            known = event_state & ~scard.SCARD_STATE_CHANGED
            if event_state & _GONE:
                self._disconnected(ReaderErrorCode.PORT_LOST, "PC/SC reader removed")
                return
            if event_state & scard.SCARD_STATE_PRESENT:
                if not self._present:
                    self._present = True
                    self._read(context, name)
            elif event_state & scard.SCARD_STATE_EMPTY:
                self._removed()
                self._last_error = None
                self._set_status(ReaderStatus.NO_CARD)

    def _pick_reader(self, context: int) -> str | None:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return None
        _check("SCardListReaders", hresult)
        if self.reader_name is None:
            return str(readers[0]) if readers else None
        return self.reader_name if self.reader_name in readers else None

    def _read(self, context: int, name: str) -> None:
        self._set_status(ReaderStatus.READING)
        try:
            holder = self._read_card(context, name)
        except PinRequiredError as exc:
            self._report(ReaderErrorCode.CARD_AUTH_FAILED, str(exc))
            self._set_status(ReaderStatus.ERROR)
        except ApduError as exc:
            sw = f" (SW {exc.sw:04X})" if exc.sw is not None else ""
            self._report(ReaderErrorCode.UNSUPPORTED_CARD, f"{exc}{sw}")
            self._set_status(ReaderStatus.ERROR)
        except PcscError as exc:
            self._report(ReaderErrorCode.READ_FAILED, str(exc))
            self._set_status(ReaderStatus.ERROR)
        else:
            self._last_error = None
            self._set_status(ReaderStatus.CARD_PRESENT)
            self._emit(CardInserted(holder))

    def _read_card(self, context: int, name: str) -> CardHolder:
        hresult, card, protocol = scard.SCardConnect(
            context,
            name,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        _check("SCardConnect", hresult)
        try:

            def transmit(apdu: bytes) -> bytes:
                result, response = scard.SCardTransmit(card, protocol, list(apdu))
                _check("SCardTransmit", result)
                return bytes(response)

            return self._read_application(transmit)
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)

    def _read_application(self, transmit: RawTransmit) -> CardHolder:
        if is_social_security(transmit):
            return read_social_security(transmit, self.pin, self.psam)
        return read_pboc(transmit)

    def _removed(self) -> None:
        if self._present:
            self._present = False
            self._emit(CardRemoved())

    def _disconnected(self, code: ReaderErrorCode, detail: str) -> None:
        self._removed()
        self._report(code, detail)
        self._set_status(ReaderStatus.DISCONNECTED)

    def _report(self, code: ReaderErrorCode, detail: str) -> None:
        if code is self._last_error:
            return
        self._last_error = code
        self._error(code, detail)
