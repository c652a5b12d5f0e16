"""Pure ISO 7816-4 / EMV helpers: build command APDUs, split answers, parse TLV.

References: ISO/IEC 7816-4 (SELECT ``A4``, READ RECORD ``B2``, VERIFY ``20``,
GET RESPONSE ``C0``); EMV 4.3 Book 1 §11–12 (PSE ``1PAY.SYS.DDF01``, application
selection), Book 3 §6.5 and Annex B (GET PROCESSING OPTIONS ``80 A8``, AFL, BER-TLV).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SW_OK = 0x9000
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_FILE_NOT_FOUND = 0x6A82


class ApduError(ValueError):
    """A card answered with an unexpected status word or malformed data."""

    def __init__(self, message: str, sw: int | None = None) -> None:
        super().__init__(message)
        self.sw = sw


RawTransmit = Callable[[bytes], bytes]
"""Send one command APDU, return the raw response APDU (data + SW1 SW2)."""


@dataclass(frozen=True, slots=True)
class Answer:
    data: bytes
    sw: int

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK


def split_answer(raw: bytes) -> Answer:
    """Split a response APDU into data and the status word."""
    if len(raw) < 2:
        raise ApduError("response APDU shorter than its status word")
    return Answer(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))


def transceive(transmit: RawTransmit, apdu: bytes) -> Answer:
    """Send ``apdu``, following ``61xx`` (GET RESPONSE) and ``6Cxx`` (wrong Le) as T=0 needs."""
    answer = split_answer(transmit(apdu))
    if answer.sw >> 8 == 0x6C:
        answer = split_answer(transmit(apdu[:4] + bytes([answer.sw & 0xFF])))
    data = answer.data
    while answer.sw >> 8 == 0x61:
        answer = split_answer(transmit(bytes([0x00, 0xC0, 0x00, 0x00, answer.sw & 0xFF])))
        data += answer.data
    return Answer(data, answer.sw)


def select_by_name(name: bytes) -> bytes:
    """SELECT by DF name (``00 A4 04 00 Lc name 00``)."""
    return bytes([0x00, 0xA4, 0x04, 0x00, len(name)]) + name + b"\x00"


def select_ef(fid: int) -> bytes:
    """SELECT an EF under the current DF by file identifier (``00 A4 02 00 02 fid``)."""
    return bytes([0x00, 0xA4, 0x02, 0x00, 0x02]) + fid.to_bytes(2, "big")


def read_record(number: int, le: int = 0, sfi: int | None = None) -> bytes:
    """READ RECORD ``number`` of the current EF (P2 ``04``) or of ``sfi`` (P2 ``sfi<<3|4``)."""
    p2 = 0x04 if sfi is None else (sfi << 3) | 0x04
    return bytes([0x00, 0xB2, number, p2, le])


def verify_pin(pin: str) -> bytes:
    """VERIFY with the PIN as packed BCD (``00 20 00 00 Lc pin``), as social-security cards take it."""
    if not pin.isdigit() or len(pin) % 2:
        raise ApduError("PIN must be an even number of digits")
    value = bytes.fromhex(pin)
    return bytes([0x00, 0x20, 0x00, 0x00, len(value)]) + value


def get_processing_options(pdol_data: bytes) -> bytes:
    """GET PROCESSING OPTIONS with the PDOL data wrapped in tag 83 (EMV Book 3 §6.5.8)."""
    body = bytes([0x83, len(pdol_data)]) + pdol_data
    return bytes([0x80, 0xA8, 0x00, 0x00, len(body)]) + body + b"\x00"


def parse_tlv(data: bytes) -> dict[str, bytes]:
    """Flatten BER-TLV into ``{tag hex: value}`` (first occurrence wins; constructed tags recurse)."""
    result: dict[str, bytes] = {}
    _parse_into(data, result, depth=0)
    return result


def _parse_into(data: bytes, out: dict[str, bytes], depth: int) -> None:
    if depth > 8:
        raise ApduError("TLV nested too deeply")
    i = 0
    while i < len(data):
        if data[i] in (0x00, 0xFF):  # padding between objects (EMV Book 3 Annex B)
            i += 1
            continue
        start = i
        i += 1
        if data[start] & 0x1F == 0x1F:
            while i < len(data) and data[i] & 0x80:
                i += 1
            i += 1
        if i >= len(data):
            raise ApduError("TLV truncated in tag or length")
        tag = data[start:i]
        length = data[i]
        i += 1
        if length & 0x80:
            size = length & 0x7F
            if size not in (1, 2) or i + size > len(data):
                raise ApduError("TLV length malformed")
            length = int.from_bytes(data[i : i + size], "big")
            i += size
        value = data[i : i + length]
        if len(value) != length:
            raise ApduError("TLV value truncated")
        i += length
        out.setdefault(tag.hex().upper(), value)
        if tag[0] & 0x20:
            _parse_into(value, out, depth + 1)


def parse_dol(dol: bytes) -> list[tuple[str, int]]:
    """A data object list (tag, length pairs without values), e.g. a PDOL."""
    items: list[tuple[str, int]] = []
    i = 0
    while i < len(dol):
        start = i
        i += 1
        if dol[start] & 0x1F == 0x1F:
            while i < len(dol) and dol[i] & 0x80:
                i += 1
            i += 1
        if i >= len(dol):
            raise ApduError("DOL truncated")
        items.append((dol[start:i].hex().upper(), dol[i]))
        i += 1
    return items


def simple_record(data: bytes, tag: int) -> bytes:
    """A social-security record ``tag len value``; check the tag and return the value."""
    if len(data) < 2 or data[0] != tag or len(data) < 2 + data[1]:
        raise ApduError(f"record {tag:02X} malformed")
    return data[2 : 2 + data[1]]


def bcd_digits(value: bytes) -> str:
    """Packed BCD to digits, dropping ``F`` padding (PANs, dates)."""
    return value.hex().upper().rstrip("F")
