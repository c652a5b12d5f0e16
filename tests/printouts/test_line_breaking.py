"""Chinese line breaking (避头尾) on every paper: the wrapper itself, ESC/POS bytes, PDF pages.

The characters below are the issue's list, written out here rather than
imported, so that the test states the rule and the code must meet it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from reportlab.lib.units import mm

from kiosk.catalogue import load_sample_catalogue
from kiosk.settings import Settings
from printouts.document import Document, Field, Heading, ListItem, Row, Text
from printouts.escpos.decode import decode
from printouts.escpos.profile import PrinterProfile
from printouts.escpos.render import render_escpos
from printouts.from_domain import notice_content
from printouts.layouts import layout_notice
from printouts.pdf.fonts import string_width
from printouts.pdf.render import PageKind, render_pdf
from printouts.textwidth import text_width, wrap, wrap_by
from tests.printouts.pdf_boxes import lines as pdf_lines

#: Never at a line start: closing punctuation, ASCII and full-width.
NO_START = set("，。、；：？！）》」』】〕〉｝］”’…—·%,.;:?!)]}>．％＞")
#: Never at a line end: opening brackets and quotes.
NO_END = set("（《「『【〔〈｛［“‘([{<＜")

#: Where an A4 field row's value starts: 20 mm margin, 40 mm label column, 4 pt padding.
_A4_VALUE_X = 60 * mm + 4

#: The lines the A4 field labels of :func:`_document` wrap into: only such a row has a value
#: column (a plain text line can have a fragment at the value column's x by chance).
_A4_LABEL_LINES = ("拟申请宅基地", "（平方米）", "材料")

#: Hypothesis's explain phase traces every line under Python 3.11: minutes for a PDF.
_NO_EXPLAIN = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)

_HANZI = "受理回执申请材料原件复印份户口簿居民身份证社会保障卡宅基地面积平方米"
_OPENING = sorted(NO_END)
_CLOSING = sorted(NO_START)


@st.composite
def _cluster(draw: st.DrawFn) -> str:
    """One character with what must stay attached to it: up to two openings before, two closings after."""
    core = draw(st.sampled_from(_HANZI + "abcXYZ0123456789"))
    before = "".join(draw(st.lists(st.sampled_from(_OPENING), max_size=2)))
    after = "".join(draw(st.lists(st.sampled_from(_CLOSING), max_size=2)))
    space = draw(st.sampled_from(["", "", "", " "]))
    return before + core + after + space


#: Realistic text: every closing mark follows a character, every opening one precedes one.
#: An unbreakable group is at most five characters (10 columns, 5 em) wide.
_TEXTS = st.lists(_cluster(), min_size=1, max_size=40).map(lambda parts: "".join(parts).strip())


def _assert_breaks_obey_the_rules(lines: list[str]) -> None:
    for line in lines[1:]:
        assert line[:1] not in NO_START, lines
    for line in lines[:-1]:
        assert line[-1:] not in NO_END, lines


@settings(max_examples=200, deadline=None, phases=_NO_EXPLAIN, derandomize=True)
@given(_TEXTS, st.integers(min_value=10, max_value=48))
def test_no_thermal_line_starts_with_closing_or_ends_with_opening_punctuation(
    text: str, columns: int
) -> None:
    lines = wrap(text, columns)
    _assert_breaks_obey_the_rules(lines)
    assert all(text_width(line) <= columns for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=200, deadline=None, phases=_NO_EXPLAIN, derandomize=True)
@given(_TEXTS, st.floats(min_value=5 * 12 + 1, max_value=500))
def test_no_pdf_line_starts_with_closing_or_ends_with_opening_punctuation(
    text: str, limit: float
) -> None:
    def measure(s: str) -> float:
        return string_width(s, 12)

    lines = wrap_by(text, limit, measure)
    _assert_breaks_obey_the_rules(lines)
    assert all(measure(line) <= limit + 1e-6 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def _document(texts: list[str]) -> Document:
    """Every block kind that wraps text, each with a generated text."""
    a, b, c, d, e = (texts * 5)[:5]
    return Document(
        "t",
        (
            Heading(a),
            Text(b),
            Field("拟申请宅基地面积（平方米）", c),
            Field("材料", d),
            ListItem("1.", e),
            Row((a, "状态", "1"), (5, 2, 1)),
        ),
    )


def _assert_printed_lines_obey_the_rules(printed: list[str]) -> None:
    for line in printed:
        body = line.strip()
        assert body[:1] not in NO_START, printed
        assert body[-1:] not in NO_END, printed


@settings(max_examples=30, deadline=None, phases=_NO_EXPLAIN, derandomize=True)
@given(st.lists(_TEXTS, min_size=1, max_size=5))
def test_no_printed_line_starts_with_a_prohibited_character_escpos_and_pdf(
    texts: list[str],
) -> None:
    doc = _document(texts)
    for width in (58, 80):
        printed = decode(render_escpos(doc, PrinterProfile(width_mm=width))).lines
        _assert_printed_lines_obey_the_rules(printed)
    for page in PageKind:
        for row in pdf_lines(render_pdf(doc, page)):
            # A line starts at a row's leftmost fragment; in an A4 field row (label at its
            # column's start) the value column starts one too. Characters drawn as images
            # leave no fragment, so such a row is checked where its fragments are.
            i = None
            if page is PageKind.A4 and row[0].text.startswith(_A4_LABEL_LINES):
                i = next((i for i, f in enumerate(row) if abs(f.x - _A4_VALUE_X) < 0.5), None)
            starts = [row[0]] + ([row[i]] if i else [])
            ends = [row[-1]] + ([row[i - 1]] if i else [])
            for f in starts:
                assert f.text.lstrip()[:1] not in NO_START, [x.text for x in row]
            for f in ends:
                assert f.text.rstrip()[-1:] not in NO_END, [x.text for x in row]


def test_closing_bracket_before_a_colon_is_not_left_at_a_line_start() -> None:
    # Issue 14 item 9: "近期一寸免冠照片（原件，1份" / "）：白底彩色…" on a 58 mm notice.
    lines = wrap("近期一寸免冠照片（原件，1份）：白底彩色，也可现场拍摄", 29)
    assert lines == ["近期一寸免冠照片（原件，1", "份）：白底彩色，也可现场拍摄"]


def test_application_number_stays_whole_when_it_fits_a_line() -> None:
    assert wrap("办件编号：330102001-20261123-0007", 32) == [
        "办件编号：",
        "330102001-20261123-0007",
    ]
    # Too long for any line: broken after its hyphen, not in the middle of a group.
    assert wrap("330102001-20261123-0007", 22) == ["330102001-20261123-", "0007"]


_NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("width", [58, 80])
def test_no_catalogue_notice_has_a_line_starting_with_closing_punctuation(width: int) -> None:
    # Issue 14 item 9: 10 of the 68 thermal notices had a line starting with "）".
    for item in load_sample_catalogue():
        doc = layout_notice(notice_content(item, Settings(), _NOW))
        printed = decode(render_escpos(doc, PrinterProfile(width_mm=width))).lines
        _assert_printed_lines_obey_the_rules(printed)


def test_no_catalogue_notice_pdf_has_a_line_starting_with_closing_punctuation() -> None:
    for item in load_sample_catalogue():
        doc = layout_notice(notice_content(item, Settings(), _NOW))
        for page in (PageKind.A4, PageKind.THERMAL_58):
            for row in pdf_lines(render_pdf(doc, page)):
                assert row[0].text.lstrip()[:1] not in NO_START, (item.code, row[0].text)
