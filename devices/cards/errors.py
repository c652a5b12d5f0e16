"""Exception types of the card readers.

Pure parsers raise only their own error types, so a caller (and a hypothesis test)
can tell "the bytes are wrong" from "our code is wrong".
"""

from __future__ import annotations

from kiosk.errors import KioskError


class FrameError(ValueError):
    """Bytes are not a well-formed ``AA AA AA 96 69`` frame (GA 467 SAM interface)."""


class ChecksumError(FrameError):
    """A complete frame whose XOR checksum does not match: line noise or a faulty module."""


class CardDataError(ValueError):
    """A frame was well formed but the card data inside it cannot be decoded."""


class CardReaderError(KioskError):
    """A reader could not be opened or used; the message is safe to show to staff."""
