"""Split the data of a read-text answer into text block, photo and fingerprints.

Data layout (GA 467): text length (2 bytes, big-endian, normally 256), photo length
(2 bytes, normally 1,024), [fingerprint length (2 bytes) for ``30 10``], then the
text, the photo and the fingerprint block.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.cards.errors import FrameError


@dataclass(frozen=True, slots=True)
class CardData:
    """The three blocks of a read answer; ``fingerprint`` is None when not asked for."""

    text: bytes
    photo: bytes
    fingerprint: bytes | None = None


def parse_card_data(data: bytes, *, with_fingerprint: bool = False) -> CardData:
    """Split ``data``; raise :class:`FrameError` when the lengths do not add up."""
    header = 6 if with_fingerprint else 4
    if len(data) < header:
        raise FrameError("read answer too short for its length fields")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    fp_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if header + text_len + photo_len + fp_len != len(data):
        raise FrameError("read answer lengths do not add up")
    text = data[header : header + text_len]
    photo = data[header + text_len : header + text_len + photo_len]
    fingerprint = data[header + text_len + photo_len :] if with_fingerprint else None
    return CardData(bytes(text), bytes(photo), fingerprint)


def build_card_data(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    """The inverse of :func:`parse_card_data`, for the simulator."""
    head = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
    if fingerprint is not None:
        head += len(fingerprint).to_bytes(2, "big")
    return head + text + photo + (fingerprint or b"")
