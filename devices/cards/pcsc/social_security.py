"""Read a social-security card (社会保障卡) over ISO 7816 without a PSAM.

What is read (see docs/devices-cards.md for sources): select the application
``sx1.sh.社会保障`` (GBK bytes ``73 78 31 2E 73 68 2E C9 E7 BB E1 B1 A3 D5 CF``), then
EF05 records 05 (issue date), 06 (expiry) and 07 (card number), and EF06 records
08 (social-security number = ID number), 09 (name, GBK), 0A (gender), 0B (nation)
and 0D (birth date). Each record is ``tag len value``.
"""

from __future__ import annotations

import datetime as dt

from devices.cards.codes import gender_name, nation_name
from devices.cards.pcsc.apdu import (
    SW_SECURITY_NOT_SATISFIED,
    ApduError,
    RawTransmit,
    bcd_digits,
    read_record,
    select_by_name,
    select_ef,
    simple_record,
    transceive,
    verify_pin,
)
from devices.cards.pcsc.plugins import PinPrompt, PsamDriver
from kiosk.cardholder import CardHolder, CardType

SSSE_NAME = "sx1.sh.社会保障".encode("gbk")
EF05 = 0xEF05
EF06 = 0xEF06
# record -> Le (tag + length + value), from the published command lists
EF05_RECORDS = {0x05: 0x06, 0x06: 0x06, 0x07: 0x0B}
EF06_RECORDS = {0x08: 0x14, 0x09: 0x20, 0x0A: 0x03, 0x0B: 0x03, 0x0D: 0x06}


class PinRequiredError(ApduError):
    """The card wants a PIN and nobody could give one."""


def is_social_security(transmit: RawTransmit) -> bool:
    """Select the social-security application; True when the card has it."""
    return transceive(transmit, select_by_name(SSSE_NAME)).ok


def read_social_security(
    transmit: RawTransmit, pin: PinPrompt | None = None, psam: PsamDriver | None = None
) -> CardHolder:
    """Read the holder from a card whose social-security application is selected."""
    if psam is not None:
        psam.authenticate(transmit)
    ef05 = _read_file(transmit, EF05, EF05_RECORDS, pin)
    ef06 = _read_file(transmit, EF06, EF06_RECORDS, pin)
    return CardHolder(
        card_type=CardType.SOCIAL_SECURITY,
        name=_text(ef06[0x09]),
        id_number=_text(ef06[0x08]),
        gender=gender_name(_code(ef06[0x0A])),
        nation=nation_name(_code(ef06[0x0B])),
        birth_date=_bcd_date(ef06[0x0D]),
        valid_from=_bcd_date(ef05[0x05]),
        valid_to=_bcd_date(ef05[0x06]),
        card_number=_text(ef05[0x07]),
    )


def _read_file(
    transmit: RawTransmit, fid: int, records: dict[int, int], pin: PinPrompt | None
) -> dict[int, bytes]:
    selected = transceive(transmit, select_ef(fid))
    if not selected.ok:
        raise ApduError(f"select EF {fid:04X} failed", selected.sw)
    values: dict[int, bytes] = {}
    for number, le in records.items():
        answer = transceive(transmit, read_record(number, le))
        if answer.sw == SW_SECURITY_NOT_SATISFIED:
            _verify(transmit, pin)
            answer = transceive(transmit, read_record(number, le))
        if not answer.ok:
            raise ApduError(f"read record {number:02X} of EF {fid:04X} failed", answer.sw)
        values[number] = simple_record(answer.data, number)
    return values


def _verify(transmit: RawTransmit, pin: PinPrompt | None) -> None:
    attempts: int | None = None
    while pin is not None:
        entered = pin.ask_pin(attempts)
        if entered is None:
            break
        answer = transceive(transmit, verify_pin(entered))
        if answer.ok:
            return
        if answer.sw >> 4 != 0x63C:
            raise ApduError("PIN verification failed", answer.sw)
        attempts = answer.sw & 0x0F
    raise PinRequiredError("the card requires a PIN", SW_SECURITY_NOT_SATISFIED)


def _text(value: bytes) -> str:
    return value.rstrip(b"\x00\xff ").decode("gbk", errors="replace").strip()


def _code(value: bytes) -> str:
    """Gender / nation: one byte, BCD or ASCII digits depending on the card's issuer."""
    if all(0x30 <= b <= 0x39 for b in value):
        return value.decode("ascii")
    return bcd_digits(value)


def _bcd_date(value: bytes) -> dt.date | None:
    digits = bcd_digits(value)
    try:
        return dt.datetime.strptime(digits, "%Y%m%d").date()
    except ValueError:
        return None
