"""Column arithmetic and wrapping for fixed-pitch thermal printers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from printouts.textwidth import pad_cells, split_widths, text_width, wrap

_TEXT = st.text(alphabet=st.sampled_from("受理回执abc 123-·𠮷喆，"), max_size=80)


@given(_TEXT, st.integers(min_value=2, max_value=48))
def test_wrapped_lines_fit_and_keep_every_character(text: str, columns: int) -> None:
    lines = wrap(text, columns)
    assert all(text_width(line) <= columns for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_ascii_runs_are_not_broken_when_they_fit_a_line() -> None:
    assert wrap("编号：330102001-20261123-0007", 32) == ["编号：330102001-20261123-0007"]
    assert wrap("查询 ABCDEFGHIJ", 10) == ["查询", "ABCDEFGHIJ"]


def test_hanzi_and_gbk_punctuation_take_two_columns() -> None:
    assert text_width("受理A·") == 2 + 2 + 1 + 2


def test_table_cells_line_up_with_the_count_right_aligned() -> None:
    widths = split_widths((5, 2, 1), 32)
    assert sum(widths) == 32
    line = pad_cells(("高龄津贴申领", "需补正", "2"), widths)
    assert text_width(line) == 32 and line.endswith(" 2")
