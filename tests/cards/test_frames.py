"""Frame building and parsing from real byte sequences (GA 467 SAM interface)."""

from __future__ import annotations

import pytest

from devices.cards.errors import ChecksumError, FrameError
from devices.cards.events import ReaderErrorCode
from devices.cards.frames import (
    Command,
    build_command,
    build_response,
    checksum,
    parse_frame,
    parse_response,
    scan,
)
from devices.cards.sam_status import SamStatus, describe, error_code_for

# Commands as published by module vendors and used verbatim by open drivers.
REAL_COMMANDS = [
    (Command.FIND_CARD, "AA AA AA 96 69 00 03 20 01 22"),
    (Command.SELECT_CARD, "AA AA AA 96 69 00 03 20 02 21"),
    (Command.READ_TEXT_PHOTO, "AA AA AA 96 69 00 03 30 01 32"),
    (Command.READ_TEXT_PHOTO_FINGERPRINT, "AA AA AA 96 69 00 03 30 10 23"),
    (Command.RESET_SAM, "AA AA AA 96 69 00 03 10 FF EC"),
    (Command.SAM_STATUS, "AA AA AA 96 69 00 03 11 FF ED"),
    (Command.READ_SAM_ID, "AA AA AA 96 69 00 03 12 FF EE"),
    (Command.READ_ADDITIONAL_ADDRESS, "AA AA AA 96 69 00 03 30 03 30"),
]

# Answers seen from modules: find card (card found / none), select OK.
REAL_ANSWERS = [
    ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", SamStatus.CARD_FOUND, 4),
    ("AA AA AA 96 69 00 04 00 00 80 84", SamStatus.NO_CARD, 0),
    ("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", SamStatus.SUCCESS, 8),
    ("AA AA AA 96 69 00 04 00 00 41 45", SamStatus.READ_FAILED, 0),
]


@pytest.mark.parametrize(("command", "wire"), REAL_COMMANDS)
def test_build_command_matches_real_bytes(command: Command, wire: str) -> None:
    assert build_command(command) == bytes.fromhex(wire)


@pytest.mark.parametrize(("command", "wire"), REAL_COMMANDS)
def test_parse_command_frame(command: Command, wire: str) -> None:
    assert parse_frame(bytes.fromhex(wire)).command is command


@pytest.mark.parametrize(("wire", "status", "data_len"), REAL_ANSWERS)
def test_parse_real_answers(wire: str, status: SamStatus, data_len: int) -> None:
    response = parse_response(parse_frame(bytes.fromhex(wire)))
    assert (response.sw1, response.sw2, response.sw3) == (0, 0, status)
    assert len(response.data) == data_len


@pytest.mark.parametrize(("wire", "status", "data_len"), REAL_ANSWERS)
def test_build_response_round_trip(wire: str, status: SamStatus, data_len: int) -> None:
    assert build_response(status, bytes(data_len)) == bytes.fromhex(wire)


def test_checksum_is_xor_of_length_and_body() -> None:
    assert checksum(bytes.fromhex("00 03 20 01")) == 0x22
    assert checksum(b"") == 0


def test_read_answer_frame_is_1295_bytes() -> None:
    data = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + bytes(256 + 1024)
    frame = build_response(SamStatus.SUCCESS, data)
    assert len(frame) == 1295
    assert frame[5:7] == bytes.fromhex("0508")


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ("AA AA AA 96 69 00 03 20 01 23", "checksum"),
        ("AA AA AA 96 69 00 03 20 01", "too short"),
        ("AA AA AA 96 69 00 04 20 01 22", "length field says"),
        ("AA AA AA 96 68 00 03 20 01 22", "preamble"),
        ("AA AA AA 96 69 00 02 20 22 00", "out of range"),
        ("AA AA AA 96 69 FF FF 20 01 22", "out of range"),
    ],
)
def test_parse_frame_rejects(wire: str, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        parse_frame(bytes.fromhex(wire))


def test_bad_checksum_is_its_own_type() -> None:
    with pytest.raises(ChecksumError):
        parse_frame(bytes.fromhex("AA AA AA 96 69 00 04 00 00 80 85"))


def test_response_needs_three_status_bytes() -> None:
    with pytest.raises(FrameError):
        parse_response(parse_frame(build_command(Command.FIND_CARD)))


def test_scan_skips_garbage_and_keeps_the_rest() -> None:
    frame = build_command(Command.FIND_CARD)
    buffer = b"\x00\xff\xaa\x96" + frame + frame[:4]
    result = scan(buffer)
    assert result.frame is not None and result.frame.command is Command.FIND_CARD
    assert result.skipped == 4
    assert buffer[result.consumed :] == frame[:4]
    tail = scan(buffer[result.consumed :])
    assert tail.frame is None and tail.pending and tail.consumed == 0


def test_scan_reports_a_bad_checksum_then_finds_the_next_frame() -> None:
    bad = bytes.fromhex("AA AA AA 96 69 00 04 00 00 80 85")
    good = bytes.fromhex("AA AA AA 96 69 00 04 00 00 80 84")
    result = scan(bad)
    assert result.frame is None and not result.pending
    assert isinstance(result.errors[0], ChecksumError)
    result = scan(bad + good)
    assert result.frame is not None and result.consumed == len(bad + good)


def test_scan_waits_for_an_incomplete_frame() -> None:
    frame = build_response(SamStatus.SUCCESS, bytes(100))
    result = scan(b"xx" + frame[:50])
    assert result.frame is None and result.pending and result.consumed == 2


def test_scan_finds_a_frame_hidden_inside_a_truncated_one() -> None:
    truncated = bytes.fromhex("AA AA AA 96 69 01 00 00 00")  # claims 256 bytes, never sent
    good = build_response(SamStatus.NO_CARD)
    assert scan(truncated + good).frame == parse_frame(good)


def test_scan_of_pure_noise_keeps_only_a_possible_preamble_start() -> None:
    result = scan(b"noise\xaa\xaa")
    assert result.frame is None and result.consumed == 5 and result.pending


@pytest.mark.parametrize("status", list(SamStatus))
def test_every_status_has_a_name_and_an_error_mapping(status: SamStatus) -> None:
    assert describe(status).startswith(status.name)
    assert isinstance(error_code_for(status), ReaderErrorCode)


@pytest.mark.parametrize(
    ("sw3", "code"),
    [
        (0x41, ReaderErrorCode.READ_FAILED),
        (0x81, ReaderErrorCode.SELECT_FAILED),
        (0x10, ReaderErrorCode.PROTOCOL),
        (0x11, ReaderErrorCode.PROTOCOL),
        (0x21, ReaderErrorCode.PROTOCOL),
        (0x23, ReaderErrorCode.SAM_FAULT),
        (0x24, ReaderErrorCode.SAM_FAULT),
        (0x31, ReaderErrorCode.CARD_AUTH_FAILED),
        (0x32, ReaderErrorCode.CARD_AUTH_FAILED),
        (0x33, ReaderErrorCode.CARD_AUTH_FAILED),
        (0x40, ReaderErrorCode.UNSUPPORTED_CARD),
        (0x47, ReaderErrorCode.READ_FAILED),
        (0x60, ReaderErrorCode.SAM_FAULT),
        (0x66, ReaderErrorCode.SAM_FAULT),
        (0x12, ReaderErrorCode.SAM_FAULT),
    ],
)
def test_error_status_codes_map_to_reader_errors(sw3: int, code: ReaderErrorCode) -> None:
    assert error_code_for(sw3) is code


def test_unknown_status_is_described() -> None:
    assert describe(0x12) == "unknown status 0x12"
