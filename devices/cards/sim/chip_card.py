"""A virtual social-security / PBOC chip card: answers the APDUs our PC/SC adapter sends.

It implements just enough of ISO 7816-4 and EMV for ``devices.cards.pcsc`` to be
tested end to end through a real ``pcscd``: SELECT by name and by FID, READ
RECORD (record number in P1, P2 ``04`` or ``00``, or an SFI in P2), VERIFY with a
BCD PIN, GET PROCESSING OPTIONS, and GET RESPONSE when ``t0_style`` makes the
card answer ``61xx`` as some T=0 cards do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.cards.pcsc.pboc import PSE, UNIONPAY_AIDS
from devices.cards.pcsc.social_security import SSSE_NAME

ATR = bytes.fromhex("3B951381018073FF01000B")
SW_OK = b"\x90\x00"


def _tlv(tag: str, value: bytes) -> bytes:
    return bytes.fromhex(tag) + bytes([len(value)]) + value


def _bcd(digits: str) -> bytes:
    return bytes.fromhex(digits + ("F" if len(digits) % 2 else ""))


@dataclass(frozen=True, slots=True)
class ChipProfile:
    """A fictitious card: social-security records and/or a PBOC application."""

    name: str
    social_security: Mapping[str, str] | None
    pboc: Mapping[str, str] | None
    pin: str | None = None  # when set, EF06 needs VERIFY first
    t0_style: bool = False

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> ChipProfile:
        return cls(
            name=name,
            social_security=data.get("social_security"),
            pboc=data.get("pboc"),
            pin=data.get("pin"),
            t0_style=bool(data.get("t0_style", False)),
        )


def load_chip_profiles(directory: Path) -> dict[str, ChipProfile]:
    """Profiles with ``"kind": "chip"`` in ``directory``, keyed by file stem."""
    profiles: dict[str, ChipProfile] = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kind") == "chip":
            profiles[path.stem] = ChipProfile.from_json(path.stem, data)
    return profiles


@dataclass
class VirtualChipCard:
    """The card's state machine; :meth:`respond` maps one command APDU to its answer."""

    profile: ChipProfile
    _app: str | None = None
    _ef: int | None = None
    _verified: bool = False
    _pending: bytes = b""
    _files: dict[int, dict[int, bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ss = self.profile.social_security
        if ss:
            self._files = {
                0xEF05: {
                    0x05: _bcd(ss["issue_date"].replace("-", "")),
                    0x06: _bcd(ss["expiry_date"].replace("-", "")),
                    0x07: ss["card_number"].encode("ascii"),
                },
                0xEF06: {
                    0x08: ss["id_number"].encode("ascii"),
                    0x09: ss["name"].encode("gbk").ljust(30, b"\x00"),
                    0x0A: ss["gender"].encode("ascii"),
                    0x0B: bytes.fromhex(ss["nation"]),
                    0x0D: _bcd(ss["birth_date"].replace("-", "")),
                },
            }

    def reset(self) -> None:
        self._app = None
        self._ef = None
        self._verified = False
        self._pending = b""

    def respond(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            return b"\x67\x00"
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[5 : 5 + apdu[4]] if len(apdu) > 5 else b""
        le = apdu[4] if len(apdu) == 5 else 0
        if ins == 0xC0:
            data, self._pending = self._pending, b""
            answer = data + SW_OK if data else b"\x6f\x00"
        elif ins == 0xA4:
            answer = self._select_name(body) if p1 == 0x04 else self._select_ef(body)
        elif ins == 0xB2:
            answer = self._read_record(p1, p2, le)
        elif ins == 0x20:
            answer = self._verify(body)
        elif cla == 0x80 and ins == 0xA8:
            answer = self._gpo()
        else:
            answer = b"\x6d\x00"
        return answer

    def _answer(self, data: bytes) -> bytes:
        if self.profile.t0_style and data:
            self._pending = data
            return bytes([0x61, len(data)])
        return data + SW_OK

    def _select_name(self, name: bytes) -> bytes:
        self._ef = None
        if name == SSSE_NAME and self.profile.social_security:
            self._app = "ss"
            return self._answer(_tlv("6F", _tlv("84", name)))
        if name == PSE and self.profile.pboc:
            self._app = "pse"
            return self._answer(_tlv("6F", _tlv("84", name) + _tlv("A5", _tlv("88", b"\x01"))))
        if name in UNIONPAY_AIDS and self.profile.pboc and name == UNIONPAY_AIDS[0]:
            self._app = "pboc"
            pdol = bytes.fromhex("9F66049F0206")
            fci = _tlv("84", name) + _tlv("A5", _tlv("50", b"UnionPay Debit") + _tlv("9F38", pdol))
            return self._answer(_tlv("6F", fci))
        return b"\x6a\x82"

    def _select_ef(self, body: bytes) -> bytes:
        fid = int.from_bytes(body, "big")
        if self._app == "ss" and fid in self._files:
            self._ef = fid
            return SW_OK
        return b"\x6a\x82"

    def _read_record(self, number: int, p2: int, le: int) -> bytes:
        if self._app == "ss" and self._ef is not None and p2 in (0x00, 0x04):
            return self._read_ss_record(self._ef, number, le)
        pboc = self.profile.pboc
        sfi = p2 >> 3
        if pboc and self._app == "pse" and sfi == 1 and number == 1:
            entry = _tlv("4F", UNIONPAY_AIDS[0]) + _tlv("50", b"UnionPay Debit")
            return self._answer(_tlv("70", _tlv("61", entry)))
        if pboc and self._app == "pboc" and sfi == 2 and number == 1:
            return self._answer(_tlv("70", self._pboc_record(pboc)))
        return b"\x6a\x83"

    def _read_ss_record(self, ef: int, number: int, le: int) -> bytes:
        if ef == 0xEF06 and self.profile.pin and not self._verified:
            return b"\x69\x82"
        value = self._files[ef].get(number)
        if value is None:
            return b"\x6a\x83"
        record = bytes([number, len(value)]) + value
        if le and le != len(record):
            return bytes([0x6C, len(record)])
        return self._answer(record)

    @staticmethod
    def _pboc_record(pboc: Mapping[str, str]) -> bytes:
        track2 = pboc["pan"] + "D" + pboc.get("expiry", "3012") + "201"
        record = _tlv("5A", _bcd(pboc["pan"])) + _tlv("57", _bcd(track2))
        if pboc.get("name"):
            record += _tlv("5F20", pboc["name"].encode("ascii"))
        if pboc.get("id_number"):
            record += _tlv("9F61", pboc["id_number"].encode("ascii")) + _tlv("9F62", b"\x00")
        return record

    def _verify(self, pin: bytes) -> bytes:
        if self.profile.pin is None or pin == bytes.fromhex(self.profile.pin):
            self._verified = True
            return SW_OK
        return b"\x63\xc2"

    def _gpo(self) -> bytes:
        if self._app != "pboc":
            return b"\x69\x85"
        afl = bytes([2 << 3, 1, 1, 0])
        return self._answer(b"\x80" + bytes([2 + len(afl)]) + b"\x00\x00" + afl)
