"""Property tests: the parser never raises anything but FrameError, and resynchronises."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from devices.cards.errors import FrameError
from devices.cards.frames import PREAMBLE, build_frame, parse_frame, scan


@given(st.binary(max_size=2000))
def test_parse_frame_raises_only_frame_error(data: bytes) -> None:
    with contextlib.suppress(FrameError):
        parse_frame(data)


@given(st.binary(max_size=2000))
def test_parse_frame_on_preamble_prefixed_bytes(data: bytes) -> None:
    with contextlib.suppress(FrameError):
        parse_frame(PREAMBLE + data)


@given(st.binary(max_size=2000))
def test_scan_never_raises_and_consumes_sensibly(data: bytes) -> None:
    result = scan(data)
    assert 0 <= result.skipped <= result.consumed <= len(data)


@given(
    garbage=st.binary(max_size=600),
    body=st.binary(min_size=2, max_size=600),
)
def test_scan_finds_a_valid_frame_after_any_garbage(garbage: bytes, body: bytes) -> None:
    frame = build_frame(body)
    result = scan(garbage + frame)
    assert result.frame is not None
    # The frame found is ours unless the garbage itself held a complete valid frame.
    if PREAMBLE not in garbage:
        assert result.frame.body == body
        assert result.consumed == len(garbage) + len(frame)


@given(
    garbage=st.lists(st.sampled_from([PREAMBLE, b"\xaa", b"\x96\x69", b"\x00", b"\xff\x01"])),
    body=st.binary(min_size=2, max_size=300),
)
def test_scan_resyncs_after_preamble_like_garbage(garbage: list[bytes], body: bytes) -> None:
    noise = b"".join(garbage)
    result = scan(noise + build_frame(body))
    assert result.frame is not None
