"""Pure build/parse functions for the SAM module's serial frames (GA 467 interface).

Frame layout, both directions (see docs/devices-cards.md for the sources)::

    AA AA AA 96 69 | LEN_H LEN_L | body ... | CHK

``LEN`` counts the bytes after it, checksum included; ``CHK`` is the XOR of the two
length bytes and every body byte. A command body is ``CMD PARA [data]``; a response
body is ``SW1 SW2 SW3 [data]``. Nothing here does I/O, so every byte sequence can
be tested from tables of real frames.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import reduce

from devices.cards.errors import ChecksumError, FrameError

PREAMBLE = bytes.fromhex("AAAAAA9669")
HEADER_LEN = len(PREAMBLE) + 2
MIN_LEN = 3
"""Shortest legal ``LEN``: two body bytes (CMD PARA) plus the checksum."""
MAX_LEN = 4096
"""Longest ``LEN`` we accept; the largest real answer (text+photo+1 KiB fingerprint) is 2,314."""


class Command(Enum):
    """Commands of the SAM interface, as ``(CMD, PARA)``; the values are the body bytes."""

    RESET_SAM = b"\x10\xff"
    SAM_STATUS = b"\x11\xff"
    READ_SAM_ID = b"\x12\xff"
    FIND_CARD = b"\x20\x01"
    SELECT_CARD = b"\x20\x02"
    READ_TEXT_PHOTO = b"\x30\x01"
    READ_ADDITIONAL_ADDRESS = b"\x30\x03"
    READ_TEXT_PHOTO_FINGERPRINT = b"\x30\x10"


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame's body (between ``LEN`` and the checksum)."""

    body: bytes

    @property
    def command(self) -> Command | None:
        """The command this body carries when read as a host frame, if it is a known one."""
        for command in Command:
            if self.body[:2] == command.value:
                return command
        return None


@dataclass(frozen=True, slots=True)
class Response:
    """A module's answer: three status bytes and the data after them."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Outcome of scanning a receive buffer.

    ``frame`` is the first valid frame, ``consumed`` how many leading bytes the caller
    may drop, ``skipped`` how many of them were garbage, ``errors`` the complete but
    invalid candidates seen on the way, and ``pending`` whether a plausible frame is
    still incomplete (so waiting for more bytes makes sense).
    """

    frame: Frame | None
    consumed: int
    skipped: int
    errors: tuple[FrameError, ...]
    pending: bool


def checksum(data: Iterable[int]) -> int:
    """XOR of ``data`` (the two length bytes and the body)."""
    return reduce(lambda acc, byte: acc ^ byte, data, 0)


def build_frame(body: bytes) -> bytes:
    """Wrap ``body`` in preamble, length and checksum."""
    length = len(body) + 1
    if not MIN_LEN <= length <= MAX_LEN:
        raise FrameError(f"body of {len(body)} bytes cannot be framed")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([checksum(head + body)])


def build_command(command: Command, data: bytes = b"") -> bytes:
    """The host's frame for ``command``, e.g. find card = ``AA AA AA 96 69 00 03 20 01 22``."""
    return build_frame(command.value + data)


def build_response(sw3: int, data: bytes = b"", *, sw1: int = 0, sw2: int = 0) -> bytes:
    """A module's answer frame; used by the simulator and by tests."""
    return build_frame(bytes([sw1, sw2, sw3]) + data)


def parse_frame(data: bytes) -> Frame:
    """Parse exactly one frame, with nothing before or after it; raise :class:`FrameError`."""
    if len(data) < HEADER_LEN + MIN_LEN:
        raise FrameError(f"frame too short ({len(data)} bytes)")
    if data[: len(PREAMBLE)] != PREAMBLE:
        raise FrameError("frame does not start with the AA AA AA 96 69 preamble")
    length = int.from_bytes(data[5:7], "big")
    if not MIN_LEN <= length <= MAX_LEN:
        raise FrameError(f"length field {length} out of range")
    if len(data) != HEADER_LEN + length:
        raise FrameError(f"length field says {length} bytes follow, got {len(data) - HEADER_LEN}")
    expected = checksum(data[5:-1])
    if data[-1] != expected:
        raise ChecksumError(f"checksum {data[-1]:02X}, expected {expected:02X}")
    return Frame(body=bytes(data[HEADER_LEN:-1]))


def scan(buffer: bytes) -> ScanResult:
    """Find the first valid frame in a receive buffer, resynchronising on garbage.

    Every occurrence of the preamble is a candidate. A complete candidate with a bad
    checksum or impossible length is recorded in ``errors`` and skipped, so a frame
    that follows noise (or a truncated earlier frame) is still found. Never raises.
    """
    errors: list[FrameError] = []
    first_pending: int | None = None
    start = buffer.find(PREAMBLE)
    while start != -1:
        if len(buffer) - start < HEADER_LEN:
            first_pending = start if first_pending is None else first_pending
            break
        length = int.from_bytes(buffer[start + 5 : start + 7], "big")
        end = start + HEADER_LEN + length
        if not MIN_LEN <= length <= MAX_LEN:
            errors.append(FrameError(f"length field {length} out of range"))
        elif end > len(buffer):
            first_pending = start if first_pending is None else first_pending
        else:
            try:
                frame = parse_frame(buffer[start:end])
            except FrameError as exc:
                errors.append(exc)
            else:
                return ScanResult(frame, end, start, tuple(errors), pending=False)
        start = buffer.find(PREAMBLE, start + 1)
    if first_pending is not None:
        return ScanResult(None, first_pending, first_pending, tuple(errors), pending=True)
    # Keep a tail that may be the start of a preamble split across reads.
    keep = _partial_preamble_tail(buffer)
    consumed = len(buffer) - keep
    return ScanResult(None, consumed, consumed, tuple(errors), pending=keep > 0)


def _partial_preamble_tail(buffer: bytes) -> int:
    for size in range(min(len(PREAMBLE) - 1, len(buffer)), 0, -1):
        if buffer.endswith(PREAMBLE[:size]):
            return size
    return 0


def parse_response(frame: Frame) -> Response:
    """Read a frame as a module's answer; raise :class:`FrameError` if it has no status bytes."""
    if len(frame.body) < 3:
        raise FrameError("response has fewer than three status bytes")
    sw1, sw2, sw3 = frame.body[:3]
    return Response(sw1=sw1, sw2=sw2, sw3=sw3, data=frame.body[3:])
