"""Decode rendered ESC/POS back: GB18030 text, QR payload, cut, sizes, and the fallbacks."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printouts import samples
from printouts.document import Align, Document, QrCode, Text
from printouts.escpos import commands as cmd
from printouts.escpos.decode import decode
from printouts.escpos.parse import EscPosParser, PrintedLine, StatusRequest
from printouts.escpos.profile import PrinterProfile, TextEncoding
from printouts.escpos.render import render_escpos
from printouts.layouts import layout_receipt
from tests.printouts.conftest import sample_documents


@pytest.mark.parametrize("width", [58, 80])
def test_receipt_decodes_to_its_content(width: int) -> None:
    content = samples.receipt()
    data = render_escpos(layout_receipt(content), PrinterProfile(width_mm=width))
    job = decode(data)
    text = job.text.replace(" ", "").replace("\n", "")
    for expected in (
        "受理回执",
        content.application_number,
        "张*芳",
        "330102********2345",
        "代办（代办人：李小梅）",
        "2026年12月7日前",
        "户口簿首页及本人页复印件",
        "咨询电话：12345",
    ):
        assert expected in text
    assert job.qr_payloads == [content.qr_payload]
    assert job.cuts == 1
    assert data.endswith(b"\x1dV\x00")
    assert data.startswith(cmd.INIT + cmd.CHINESE_ON)


def test_text_is_sent_as_gb18030_bytes() -> None:
    data = render_escpos(layout_receipt(samples.receipt()), PrinterProfile())
    assert "受理回执".encode("gb18030") in data


def test_heading_is_double_size_and_application_number_fits_one_line_on_58mm() -> None:
    job = decode(render_escpos(layout_receipt(samples.receipt()), PrinterProfile(width_mm=58)))
    lines = [e for e in job.events if isinstance(e, PrintedLine)]
    heading = next(e for e in lines if e.text == "受理回执")
    assert (heading.width, heading.height, heading.align, heading.bold) == (
        2,
        2,
        Align.CENTER,
        True,
    )
    number = next(e for e in lines if e.text == samples.APPLICATION_NUMBER)
    assert (number.width, number.height) == (1, 2)  # too long for double width on 58 mm


def test_reprint_is_marked() -> None:
    job = decode(render_escpos(layout_receipt(samples.receipt(reprint=True)), PrinterProfile()))
    assert "受理回执（补打）" in job.lines


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        (TextEncoding.GBK, "吉𠮷"),
        (TextEncoding.GB2312, "王喆"),
        (TextEncoding.GB2312, "买买提·艾力"),
    ],
)
def test_line_with_unencodable_character_is_printed_as_raster(
    encoding: TextEncoding, name: str
) -> None:
    doc = Document("t", (Text("申请人：" + name), Text("其他行照常打印")))
    data = render_escpos(doc, PrinterProfile(width_mm=58, encoding=encoding))
    job = decode(data, encoding)
    assert len(job.rasters) == 1
    assert job.rasters[0].image.width == 384
    assert job.lines == ["其他行照常打印"]
    assert all(not e.unknown_bytes for e in job.events if isinstance(e, PrintedLine))


def test_gb18030_printer_gets_rare_characters_as_text() -> None:
    doc = Document("t", (Text("吉𠮷 王喆 买买提·艾力"),))
    job = decode(render_escpos(doc, PrinterProfile(encoding=TextEncoding.GB18030)))
    assert job.lines == ["吉𠮷 王喆 买买提·艾力"] and not job.rasters


def test_qr_raster_fallback_for_printers_without_gs_k() -> None:
    profile = PrinterProfile(width_mm=80, native_qr=False)
    data = render_escpos(Document("t", (QrCode("https://x/q/1", "扫码"),)), profile)
    assert b"\x1d(k" not in data
    job = decode(data)
    assert job.qr_payloads == [] and len(job.rasters) == 1 and job.lines == ["扫码"]


@pytest.mark.parametrize("width", [58, 80])
def test_qr_raster_fallback_has_a_four_module_quiet_zone(width: int) -> None:
    # Issue 14 item 10: the raster QR code had a 1-module quiet zone; ISO/IEC 18004 wants 4.
    profile = PrinterProfile(width_mm=width, native_qr=False)
    data = render_escpos(Document("t", (QrCode(samples.QR_PAYLOAD, "扫码"),)), profile)
    image = decode(data).rasters[0].image.convert("L")
    dark = image.point(lambda v: 255 if v < 128 else 0)  # dark pixels become the box
    left, top, right, bottom = dark.getbbox() or (0, 0, 0, 0)
    # The top-left finder pattern's first row is 7 dark modules.
    run = 0
    while image.getpixel((left + run, top)) < 128:
        run += 1
    module = run / 7
    assert module == int(module) and module >= 1
    quiet = 4 * module
    assert top >= quiet and image.height - bottom >= quiet
    assert left >= quiet and image.width - right >= quiet


def test_native_qr_stores_payload_with_length_plus_three() -> None:
    payload = "https://zwfw.example.gov.cn/q/ABC"
    data = render_escpos(Document("t", (QrCode(payload),)), PrinterProfile())
    n = len(payload) + 3
    assert bytes((0x1D, 0x28, 0x6B, n & 0xFF, n >> 8, 49, 80, 48)) + payload.encode() in data
    assert b"\x1d(k\x03\x001Q0" in data  # fn 81: print


def test_full_id_number_never_reaches_the_printer_on_a_slip() -> None:
    for name, doc in sample_documents().items():
        data = render_escpos(doc, PrinterProfile())
        if name == "form":  # the application itself: full values once (docs/printouts.md)
            assert data.count(b"330102199003012345") == 1 and b"330102****" not in data
            continue
        assert b"330102199" not in data, name


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=40))
def test_parser_gives_the_same_events_whatever_the_chunking(cuts: list[int]) -> None:
    data = render_escpos(layout_receipt(samples.receipt()), PrinterProfile(width_mm=58))
    whole = EscPosParser().feed(data)
    parser = EscPosParser()
    events, pos = [], 0
    for size in cuts:
        events += parser.feed(data[pos : pos + size])
        pos += size
    events += parser.feed(data[pos:])
    assert events == whole


def test_status_requests_are_parsed_between_print_data() -> None:
    events = EscPosParser().feed(b"AB\n" + cmd.status_request(4) + b"C\n")
    assert [type(e).__name__ for e in events] == ["PrintedLine", "StatusRequest", "PrintedLine"]
    assert events[1] == StatusRequest(4)


def test_other_commands_are_skipped_by_their_documented_length() -> None:
    # ESC 2 (no parameter), ESC $ nL nH, ESC p m t1 t2, GS B n, ESC c 5 n
    data = b"\x1b2A\n\x1b$\x01\x00B\n\x1bp\x00\x19\xfaC\n\x1dB\x00D\n\x1bc5\x00E\n"
    assert [e.text for e in EscPosParser().feed(data) if isinstance(e, PrintedLine)] == list(
        "ABCDE"
    )


def test_profile_rejects_unknown_paper() -> None:
    with pytest.raises(ValueError, match="58 or 80"):
        dataclasses.replace(PrinterProfile(), width_mm=76)
