"""Pure APDU helpers and the card-reading flows against the virtual card object (no pcscd)."""

from __future__ import annotations

import datetime as dt

import pytest

from devices.cards.pcsc.apdu import (
    ApduError,
    bcd_digits,
    get_processing_options,
    parse_dol,
    parse_tlv,
    read_record,
    select_by_name,
    select_ef,
    simple_record,
    split_answer,
    transceive,
    verify_pin,
)
from devices.cards.pcsc.pboc import read_pboc
from devices.cards.pcsc.social_security import (
    PinRequiredError,
    is_social_security,
    read_social_security,
)
from devices.cards.sim.chip_card import ChipProfile, VirtualChipCard, load_chip_profiles
from devices.cards.sim.profiles import profile_dir
from kiosk.cardholder import CardType


@pytest.fixture(scope="module")
def chips() -> dict[str, ChipProfile]:
    return load_chip_profiles(profile_dir())


def test_select_social_security_application_bytes() -> None:
    # The brief's command, "sx1.sh.社会保障" in GBK, plus Le.
    expected = "00A404000F7378312E73682EC9E7BBE1B1A3D5CF00"
    assert select_by_name("sx1.sh.社会保障".encode("gbk")).hex().upper() == expected


def test_command_bytes() -> None:
    assert select_ef(0xEF05).hex().upper() == "00A4020002EF05"
    assert read_record(7, 0x0B).hex().upper() == "00B207040B"
    assert read_record(1, 0, sfi=1).hex().upper() == "00B2010C00"
    assert verify_pin("123456").hex().upper() == "0020000003123456"
    assert get_processing_options(bytes(4)).hex().upper() == "80A800000683040000000000"
    with pytest.raises(ApduError):
        verify_pin("12a")


def test_tlv_parsing() -> None:
    data = bytes.fromhex("70 0E 5A 08 62 14 83 00 00 00 00 18 9F 61 00 00")
    tags = parse_tlv(data)
    assert tags["5A"].hex() == "6214830000000018"
    assert tags["9F61"] == b""
    assert parse_tlv(bytes.fromhex("5F2003414243"))["5F20"] == b"ABC"
    assert parse_tlv(bytes.fromhex("70 81 03 5A 01 01"))["5A"] == b"\x01"
    assert parse_dol(bytes.fromhex("9F66049F0206")) == [("9F66", 4), ("9F02", 6)]
    for bad in ("5A", "5A05 0102", "9F", "5A 83 000001"):
        with pytest.raises(ApduError):
            parse_tlv(bytes.fromhex(bad))


def test_simple_record_and_bcd() -> None:
    assert simple_record(bytes.fromhex("0703414243"), 7) == b"ABC"
    with pytest.raises(ApduError):
        simple_record(bytes.fromhex("0803414243"), 7)
    assert bcd_digits(bytes.fromhex("6228480000000000017F")) == "6228480000000000017"


def test_transceive_follows_61xx_and_6cxx() -> None:
    card = VirtualChipCard(
        ChipProfile("t", {"name": "甲", "id_number": "1", "gender": "1", "nation": "01",
                          "birth_date": "2000-01-01", "card_number": "A1", "issue_date": "2020-01-01",
                          "expiry_date": "2030-01-01"}, None, t0_style=True)
    )  # fmt: skip
    assert (
        split_answer(card.respond(select_by_name("sx1.sh.社会保障".encode("gbk")))).sw >> 8 == 0x61
    )
    card.reset()
    assert transceive(card.respond, select_by_name("sx1.sh.社会保障".encode("gbk"))).ok
    assert transceive(card.respond, select_ef(0xEF05)).ok
    answer = transceive(card.respond, read_record(7, 0x20))  # wrong Le -> 6C04 -> resend
    assert answer.ok and answer.data == b"\x07\x02A1"
    with pytest.raises(ApduError):
        split_answer(b"\x90")


def test_social_security_card(chips: dict[str, ChipProfile]) -> None:
    card = VirtualChipCard(chips["chip-ss-financial"])
    assert is_social_security(card.respond)
    holder = read_social_security(card.respond)
    assert holder.card_type is CardType.SOCIAL_SECURITY
    assert (holder.name, holder.gender, holder.nation) == ("张伟", "男", "汉")
    assert holder.id_number == "11010519760805001X"
    assert holder.birth_date == dt.date(1976, 8, 5)
    assert holder.card_number == "A00000123"
    assert holder.valid_to == dt.date(2028, 6, 1)


class ScriptedPin:
    def __init__(self, *pins: str | None) -> None:
        self.pins = list(pins)
        self.asked: list[int | None] = []

    def ask_pin(self, attempts_left: int | None) -> str | None:
        self.asked.append(attempts_left)
        return self.pins.pop(0)


def test_pin_card_asks_for_the_pin(chips: dict[str, ChipProfile]) -> None:
    card = VirtualChipCard(chips["chip-ss-pin"])
    assert is_social_security(card.respond)
    prompt = ScriptedPin("000000", "123456")
    holder = read_social_security(card.respond, pin=prompt)
    assert holder.name == "欧阳喆"
    assert holder.nation == "回"
    assert prompt.asked == [None, 2]


def test_pin_card_without_a_prompt_or_with_cancel(chips: dict[str, ChipProfile]) -> None:
    for prompt in (None, ScriptedPin(None)):
        card = VirtualChipCard(chips["chip-ss-pin"])
        assert is_social_security(card.respond)
        with pytest.raises(PinRequiredError):
            read_social_security(card.respond, pin=prompt)


def test_psam_plug_in_is_called_first(chips: dict[str, ChipProfile]) -> None:
    calls: list[str] = []

    class Psam:
        def authenticate(self, card: object) -> None:
            calls.append("psam")

    card = VirtualChipCard(chips["chip-ss-financial"])
    assert is_social_security(card.respond)
    read_social_security(card.respond, psam=Psam())
    assert calls == ["psam"]


def test_pboc_cards(chips: dict[str, ChipProfile]) -> None:
    holder = read_pboc(VirtualChipCard(chips["chip-bank"]).respond)
    assert holder.card_type is CardType.BANK
    assert holder.card_number == "6228480000000000017"
    assert holder.id_number == ""
    holder = read_pboc(VirtualChipCard(chips["chip-ss-financial"]).respond)
    assert holder.id_number == "11010519760805001X"  # 9F61
    assert holder.card_number == "6214830000000018"


def test_card_without_any_application(chips: dict[str, ChipProfile]) -> None:
    card = VirtualChipCard(ChipProfile("empty", None, None))
    assert not is_social_security(card.respond)
    with pytest.raises(ApduError):
        read_pboc(card.respond)
