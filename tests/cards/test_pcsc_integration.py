"""The PC/SC adapter through a real pcscd + vsmartcard vpcd, with our vpcd virtual card."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from app.cli import main
from devices.cards.events import (
    CardInserted,
    CardRemoved,
    ReaderError,
    ReaderErrorCode,
    ReaderStatus,
)
from devices.cards.pcsc.pcsc_reader import PcscCardReader
from devices.cards.reader import CardReader
from devices.cards.sim.chip_card import ChipProfile, VirtualChipCard, load_chip_profiles
from devices.cards.sim.profiles import profile_dir
from devices.cards.sim.vpcd_client import VpcdCard
from tests.cards.conftest import EventLog
from tests.cards.pcsc_fixtures import VPCD_READER, wait_for_empty_slot

pytestmark = [pytest.mark.pcsc, pytest.mark.usefixtures("pcscd")]


@pytest.fixture(scope="module")
def chips() -> dict[str, ChipProfile]:
    return load_chip_profiles(profile_dir())


@pytest.fixture
def pcsc_reader(events: EventLog) -> Iterator[PcscCardReader]:
    reader = PcscCardReader(VPCD_READER)
    reader.add_listener(events)
    reader.start()
    events.wait_status(ReaderStatus.NO_CARD, timeout=10)
    yield reader
    reader.stop()


@pytest.fixture
def slot() -> Iterator[list[VpcdCard]]:
    inserted: list[VpcdCard] = []
    yield inserted
    for card in inserted:
        card.remove()
    wait_for_empty_slot()


def insert(slot: list[VpcdCard], profile: ChipProfile) -> VpcdCard:
    card = VpcdCard(VirtualChipCard(profile))
    card.insert()
    slot.append(card)
    return card


def test_reader_is_a_card_reader(pcsc_reader: PcscCardReader) -> None:
    assert isinstance(pcsc_reader, CardReader)


def test_social_security_card_insert_and_remove(
    pcsc_reader: PcscCardReader,
    events: EventLog,
    slot: list[VpcdCard],
    chips: dict[str, ChipProfile],
) -> None:
    card = insert(slot, chips["chip-ss-financial"])
    event = events.wait_for(lambda e: isinstance(e, CardInserted), timeout=10)
    assert isinstance(event, CardInserted)
    assert event.holder.name == "张伟" and event.holder.card_number == "A00000123"
    assert pcsc_reader.status is ReaderStatus.CARD_PRESENT
    mark = events.mark()
    card.remove()
    events.wait_for(lambda e: isinstance(e, CardRemoved), timeout=10, start=mark)
    events.wait_status(ReaderStatus.NO_CARD, timeout=10, start=mark)


def test_bank_card_gives_a_card_number_only(
    pcsc_reader: PcscCardReader,
    events: EventLog,
    slot: list[VpcdCard],
    chips: dict[str, ChipProfile],
) -> None:
    insert(slot, chips["chip-bank"])
    event = events.wait_for(lambda e: isinstance(e, CardInserted), timeout=10)
    assert isinstance(event, CardInserted)
    assert event.holder.card_number == "6228480000000000017"
    assert event.holder.id_number == ""


def test_pin_card_without_prompt_reports_auth_failure(
    pcsc_reader: PcscCardReader,
    events: EventLog,
    slot: list[VpcdCard],
    chips: dict[str, ChipProfile],
) -> None:
    insert(slot, chips["chip-ss-pin"])
    event = events.wait_for(lambda e: isinstance(e, ReaderError), timeout=10)
    assert isinstance(event, ReaderError) and event.code is ReaderErrorCode.CARD_AUTH_FAILED


def test_pin_card_with_prompt_is_read(
    events: EventLog, slot: list[VpcdCard], chips: dict[str, ChipProfile]
) -> None:
    class Pin:
        def ask_pin(self, attempts_left: int | None) -> str | None:
            return "123456"

    reader = PcscCardReader(None, pin=Pin())  # pcsc: -> first reader, which is vpcd's slot 0
    reader.add_listener(events)
    reader.start()
    try:
        events.wait_status(ReaderStatus.NO_CARD, timeout=10)
        insert(slot, chips["chip-ss-pin"])
        event = events.wait_for(lambda e: isinstance(e, CardInserted), timeout=10)
        assert isinstance(event, CardInserted) and event.holder.name == "欧阳喆"
    finally:
        reader.stop()


def test_unknown_reader_name_is_disconnected(events: EventLog) -> None:
    reader = PcscCardReader("No Such Reader 00 00")
    reader.add_listener(events)
    reader.start()
    try:
        event = events.wait_for(lambda e: isinstance(e, ReaderError), timeout=10)
        assert isinstance(event, ReaderError) and event.code is ReaderErrorCode.PORT_LOST
        assert reader.status is ReaderStatus.DISCONNECTED
    finally:
        reader.stop()


def test_card_read_cli_with_pcsc(
    slot: list[VpcdCard], chips: dict[str, ChipProfile], capsys: pytest.CaptureFixture[str]
) -> None:
    insert(slot, chips["chip-ss-financial"])
    assert (
        main(["card", "read", "--reader", f"pcsc:{VPCD_READER}", "--json", "--timeout", "10"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["card_type"] == "social_security"
    assert data["id_number"] == "11010519760805001X"


def test_card_read_cli_with_pcsc_and_no_card(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "read", "--reader", "pcsc:", "--timeout", "1"]) == 2
