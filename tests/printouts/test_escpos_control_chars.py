"""Issue 10.7: text on a receipt can never become a printer command.

A name or address holding ESC, GS, DLE... (e.g. pasted from a spreadsheet)
would otherwise reach the thermal printer as ``ESC @`` (reset), ``GS V`` (cut)
or ``DLE EOT`` (status request) in the middle of a receipt. The core rejects
such text at validation; the renderer must also be unable to emit a text byte
below 0x20, whatever document it is given.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printouts.document import Block, Document, Field, Heading, ListItem, Row, SignatureLine, Text
from printouts.escpos import commands as cmd
from printouts.escpos.parse import (
    ChineseMode,
    CutPaper,
    EscPosParser,
    Initialise,
    PrintedLine,
    StatusRequest,
)
from printouts.escpos.profile import PrinterProfile, TextEncoding
from printouts.escpos.render import render_escpos

CONTROLS = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
INJECTION = "张\x1b@三\x1dV\x00\x10\x04\x01\x1b\x64\x09\x9b李"  # reset, cut, status, feed, CSI


def _document(text: str) -> Document:
    blocks: tuple[Block, ...] = (
        Heading(text),
        Text(text, bold=True),
        Field("姓名", text),
        Field(text, "住址"),
        ListItem("1.", text),
        Row((text, "2份"), (3, 1)),
        SignatureLine(text),
    )
    return Document("t", blocks)


def _text_bytes(data: bytes) -> bytes:
    """Walk the job strictly: every byte below 0x20 must start a command the renderer emits.

    Returns the text bytes. Unlike the printer simulator's parser, which skips
    unknown control bytes as a printer would, this fails on any of them, and on
    commands a receipt body never carries (a second ``ESC @``, a cut, ``DLE EOT``).
    """
    assert data.startswith(cmd.INIT + cmd.CHINESE_ON)
    text = bytearray()
    i = len(cmd.INIT + cmd.CHINESE_ON)
    while i < len(data):
        c = data[i]
        if c >= 0x20:
            text.append(c)
            i += 1
        elif c == 0x0A:
            i += 1
        elif c == cmd.ESC and data[i + 1] in b"aE":
            assert data[i + 2] in (0, 1, 2), f"bad ESC {chr(data[i + 1])} at {i}"
            i += 3
        elif c == cmd.GS and data[i + 1] == ord("!"):
            i += 3
        elif c == cmd.GS and data[i + 1 : i + 3] == b"(k":  # QR: pL pH and that many bytes
            i += 5 + data[i + 3] + 256 * data[i + 4]
        elif c == cmd.GS and data[i + 1 : i + 4] == b"v0\x00":  # raster: xL xH yL yH data
            x = data[i + 4] + 256 * data[i + 5]
            y = data[i + 6] + 256 * data[i + 7]
            i += 8 + x * y
        else:
            raise AssertionError(f"control byte 0x{c:02x} in the text stream at offset {i}")
    return bytes(text)


def _commands_only_from_the_renderer(data: bytes) -> None:
    """What the printer simulator's parser sees: one reset, Chinese mode once, no cut or status."""
    parser = EscPosParser()
    events = parser.feed(data) + parser.flush()
    assert events[:2] == [Initialise(), ChineseMode(on=True)]
    assert not [e for e in events[2:] if isinstance(e, Initialise | ChineseMode)]
    assert not [e for e in events if isinstance(e, CutPaper | StatusRequest)]


@pytest.mark.parametrize("encoding", list(TextEncoding))
@pytest.mark.parametrize("width", [58, 80])
def test_control_characters_in_text_never_reach_the_escpos_stream(
    encoding: TextEncoding, width: int
) -> None:
    profile = PrinterProfile(width_mm=width, encoding=encoding)
    doc = _document(INJECTION)
    data = render_escpos(doc, profile)
    _text_bytes(data)
    _commands_only_from_the_renderer(data)
    parser = EscPosParser(encoding=encoding)
    printed = [e.text for e in parser.feed(data) + parser.flush() if isinstance(e, PrintedLine)]
    assert "姓名：张?@三?V?????d??李" in printed  # visible placeholders, same width as before


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from([*CONTROLS, "张", "王", "·", "a", "1", " ", "𠮷"])))
def test_no_text_makes_the_renderer_emit_a_byte_below_0x20_as_text(text: str) -> None:
    profile = PrinterProfile(width_mm=58, encoding=TextEncoding.GBK)
    doc = _document(text)
    data = render_escpos(doc, profile)
    _text_bytes(data)
    _commands_only_from_the_renderer(data)
