"""The SAM module's operation status byte ``SW3`` and what each value means for us.

Values from the GA 467 SAM interface as published by reader vendors and open
drivers (see docs/devices-cards.md, "Status codes"); ``SW1``/``SW2`` are normally
``00 00`` and carry no extra meaning in the sources we checked.
"""

from __future__ import annotations

from enum import IntEnum

from devices.cards.events import ReaderErrorCode


class SamStatus(IntEnum):
    """Known ``SW3`` values."""

    SUCCESS = 0x90
    CARD_FOUND = 0x9F
    NO_CARD = 0x80
    SELECT_FAILED = 0x81
    READ_FAILED = 0x41
    ITEM_EMPTY = 0x91
    HOST_CHECKSUM_ERROR = 0x10
    HOST_LENGTH_ERROR = 0x11
    HOST_COMMAND_ERROR = 0x21
    UNAUTHORISED = 0x23
    UNRECOGNISED = 0x24
    CARD_AUTH_FAILED = 0x31
    SAM_AUTH_FAILED = 0x32
    VERIFY_FAILED = 0x33
    UNKNOWN_CARD_TYPE = 0x40
    NO_RANDOM = 0x47
    SAM_SELF_TEST_FAILED = 0x60
    SAM_NOT_AUTHORISED = 0x66


_ERROR_CODES: dict[int, ReaderErrorCode] = {
    SamStatus.SELECT_FAILED: ReaderErrorCode.SELECT_FAILED,
    SamStatus.READ_FAILED: ReaderErrorCode.READ_FAILED,
    SamStatus.HOST_CHECKSUM_ERROR: ReaderErrorCode.PROTOCOL,
    SamStatus.HOST_LENGTH_ERROR: ReaderErrorCode.PROTOCOL,
    SamStatus.HOST_COMMAND_ERROR: ReaderErrorCode.PROTOCOL,
    SamStatus.UNAUTHORISED: ReaderErrorCode.SAM_FAULT,
    SamStatus.UNRECOGNISED: ReaderErrorCode.SAM_FAULT,
    SamStatus.CARD_AUTH_FAILED: ReaderErrorCode.CARD_AUTH_FAILED,
    SamStatus.SAM_AUTH_FAILED: ReaderErrorCode.CARD_AUTH_FAILED,
    SamStatus.VERIFY_FAILED: ReaderErrorCode.CARD_AUTH_FAILED,
    SamStatus.UNKNOWN_CARD_TYPE: ReaderErrorCode.UNSUPPORTED_CARD,
    SamStatus.NO_RANDOM: ReaderErrorCode.READ_FAILED,
    SamStatus.SAM_SELF_TEST_FAILED: ReaderErrorCode.SAM_FAULT,
    SamStatus.SAM_NOT_AUTHORISED: ReaderErrorCode.SAM_FAULT,
}


def error_code_for(sw3: int) -> ReaderErrorCode:
    """The reader error an unexpected ``SW3`` maps to (``SAM_FAULT`` for unknown values)."""
    return _ERROR_CODES.get(sw3, ReaderErrorCode.SAM_FAULT)


def describe(sw3: int) -> str:
    """``SW3`` as a name for logs, e.g. ``READ_FAILED (0x41)``."""
    try:
        return f"{SamStatus(sw3).name} (0x{sw3:02X})"
    except ValueError:
        return f"unknown status 0x{sw3:02X}"
