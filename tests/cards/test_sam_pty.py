"""The SAM adapter against the simulator over a real pseudo-terminal.

Each test is named after the failure it covers. Waits are on events with timeouts.
"""

from __future__ import annotations

import os

from devices.cards.events import (
    CardInserted,
    CardRemoved,
    ReaderError,
    ReaderErrorCode,
    ReaderStatus,
)
from devices.cards.reader import CardReader
from devices.cards.sam_reader import SamCardReader
from devices.cards.sim.profiles import SamProfile
from devices.cards.sim.sam_simulator import SamSimulator
from tests.cards.conftest import EventLog, wait_until


def is_error(code: ReaderErrorCode):
    return lambda e: isinstance(e, ReaderError) and e.code is code


def test_reader_satisfies_the_protocol(reader: SamCardReader) -> None:
    assert isinstance(reader, CardReader)


def test_no_card_reports_ready(reader: SamCardReader, events: EventLog) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    assert not events.of_type(CardInserted)


def test_read_every_profile(
    reader: SamCardReader, sim: SamSimulator, events: EventLog, profiles: dict[str, SamProfile]
) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    for name, profile in profiles.items():
        mark = events.mark()
        sim.insert(name)
        inserted = events.wait_for(lambda e: isinstance(e, CardInserted), start=mark)
        assert isinstance(inserted, CardInserted)
        assert inserted.holder == profile.expected_holder()
        assert reader.status is ReaderStatus.CARD_PRESENT
        mark = events.mark()
        sim.remove()
        events.wait_for(lambda e: isinstance(e, CardRemoved), start=mark)
        events.wait_status(ReaderStatus.NO_CARD, start=mark)


def test_card_left_on_the_reader_is_read_once(
    reader: SamCardReader, sim: SamSimulator, events: EventLog
) -> None:
    sim.insert("resident-longterm")
    events.wait_for(lambda e: isinstance(e, CardInserted))
    polls = sim.state().commands["FIND_CARD"]
    wait_until(lambda: sim.state().commands["FIND_CARD"] >= polls + 5, what="five more polls")
    assert len(events.of_type(CardInserted)) == 1
    assert sim.state().commands["READ_TEXT_PHOTO"] == 1


def test_card_removed_mid_read(sim: SamSimulator, reader: SamCardReader, events: EventLog) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    sim.read_delay = 1.0
    sim.insert("resident-longterm")
    assert sim.read_in_progress.wait(5)
    mark = events.mark()
    sim.remove()
    events.wait_for(is_error(ReaderErrorCode.READ_FAILED), start=mark)
    events.wait_status(ReaderStatus.NO_CARD, start=mark)
    assert not events.of_type(CardInserted)


def test_garbage_before_an_answer_is_skipped(
    reader: SamCardReader, sim: SamSimulator, events: EventLog
) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    sim.garbage(3)
    sim.insert("hmt")
    inserted = events.wait_for(lambda e: isinstance(e, CardInserted))
    assert isinstance(inserted, CardInserted) and inserted.holder.name == "陈志明"
    assert not events.of_type(ReaderError)


def test_garbage_instead_of_an_answer_is_reported_then_recovered(
    reader: SamCardReader, sim: SamSimulator, events: EventLog
) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    mark = events.mark()
    sim.garbage(1, instead=True)
    events.wait_for(is_error(ReaderErrorCode.GARBAGE), start=mark)
    events.wait_status(ReaderStatus.ERROR, start=mark)
    events.wait_status(ReaderStatus.NO_CARD, start=mark)


def test_bad_checksum_is_reported_then_the_card_is_read(
    reader: SamCardReader, sim: SamSimulator, events: EventLog
) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    mark = events.mark()
    sim.bad_checksum(1)
    events.wait_for(is_error(ReaderErrorCode.BAD_CHECKSUM), start=mark)
    sim.insert("foreign-2023")
    inserted = events.wait_for(lambda e: isinstance(e, CardInserted), start=mark)
    assert isinstance(inserted, CardInserted)
    assert inserted.holder.name_en == "MONTGOMERY-WELLINGTON, ALEXANDRA CHARLOTTE"


def test_silent_reader_times_out_once_and_recovers(
    reader: SamCardReader, sim: SamSimulator, events: EventLog
) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    mark = events.mark()
    sim.silent(True)
    events.wait_for(is_error(ReaderErrorCode.TIMEOUT), start=mark)
    events.wait_status(ReaderStatus.ERROR, start=mark)
    sim.silent(False)
    events.wait_status(ReaderStatus.NO_CARD, start=mark)
    timeouts = [e for e in events.events[mark:] if is_error(ReaderErrorCode.TIMEOUT)(e)]
    assert len(timeouts) == 1  # a dead reader does not flood the listeners


def test_unplug_and_replug(reader: SamCardReader, sim: SamSimulator, events: EventLog) -> None:
    sim.insert("resident-rare-char")
    events.wait_for(lambda e: isinstance(e, CardInserted))
    mark = events.mark()
    sim.unplug()
    assert not os.path.lexists(sim.port_path)
    events.wait_for(lambda e: isinstance(e, CardRemoved), start=mark)
    events.wait_for(is_error(ReaderErrorCode.PORT_LOST), start=mark)
    events.wait_status(ReaderStatus.DISCONNECTED, start=mark)
    mark = events.mark()
    sim.replug()
    inserted = events.wait_for(lambda e: isinstance(e, CardInserted), start=mark)
    assert isinstance(inserted, CardInserted) and inserted.holder.name == "王喆"


def test_reader_started_before_the_device_appears(sim: SamSimulator, events: EventLog) -> None:
    from devices.cards.sam_reader import serial_opener
    from tests.cards.conftest import FAST

    sim.unplug()
    late = SamCardReader(serial_opener(sim.port_path, 115200, FAST), "sam:late", FAST)
    late.add_listener(events)
    late.start()
    try:
        events.wait_for(is_error(ReaderErrorCode.PORT_LOST))
        assert late.status is ReaderStatus.DISCONNECTED
        sim.replug()
        events.wait_status(ReaderStatus.NO_CARD)
    finally:
        late.stop()


def test_stop_returns_promptly_while_disconnected(
    sim: SamSimulator, reader: SamCardReader, events: EventLog
) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    sim.unplug()
    events.wait_status(ReaderStatus.DISCONNECTED)
    reader.stop(timeout=2)
    assert reader._thread is None


def test_unreadable_card_is_tried_three_times_then_left_alone(
    reader: SamCardReader, sim: SamSimulator, events: EventLog
) -> None:
    events.wait_status(ReaderStatus.NO_CARD)
    sim.fail_reads(1000)
    sim.insert("hmt")
    wait_until(lambda: sim.state().commands.get("READ_TEXT_PHOTO", 0) >= 3, what="three reads")
    polls = sim.state().commands["FIND_CARD"]
    wait_until(lambda: sim.state().commands["FIND_CARD"] >= polls + 5, what="more polls")
    assert sim.state().commands["READ_TEXT_PHOTO"] == 3
    assert reader.status is ReaderStatus.ERROR
    assert not events.of_type(CardInserted)
