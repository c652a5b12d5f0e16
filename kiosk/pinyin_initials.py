"""Pinyin initials of Chinese text (养老保险 → ylbx), for residents who search by them.

Read from ``config/pinyin_initials.txt``, which ``scripts/gen_pinyin_initials.py`` writes
from pypinyin: a letter per character and the phrases whose initials differ from their
characters' letters (银行 → yh, not yx; 重度 → zd; 长期 → cq). Phrases are matched longest
first from the left, as pypinyin segments. Loading pypinyin itself cost every terminal
~55 MB from its first visit on, more than a bare Qt window's whole footprint; the table
costs well under 1 MB and computes a name's initials about twenty times faster.
``tests/core/test_pinyin_initials.py`` holds the two to the same answers.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from importlib import resources

_NO_READING = "."


@dataclass(frozen=True, slots=True)
class _Table:
    starts: list[int]  # first code point of each run, ascending
    runs: list[str]  # one letter (or _NO_READING) per code point of the run
    phrases: dict[str, str]
    longest_phrase: int

    def letter(self, char: str) -> str:
        code = ord(char)
        at = bisect.bisect_right(self.starts, code) - 1
        if at < 0:
            return ""
        offset = code - self.starts[at]
        run = self.runs[at]
        if offset >= len(run) or run[offset] == _NO_READING:
            return ""
        return run[offset]


@functools.cache
def _table() -> _Table:
    starts: list[int] = []
    runs: list[str] = []
    phrases: dict[str, str] = {}
    # Line by line, not the whole text at once: the text (UCS-4 for its rare characters) and
    # its list of lines left ~0.4 MB more heap behind (1.44 against 1.05 MB in all; the table's
    # own objects are ~0.4 MB). It is loaded at start, by the search warm-up (issue 16, goal 2).
    source = resources.files("config").joinpath("pinyin_initials.txt")
    with source.open(encoding="utf-8") as lines:
        for raw in lines:
            _read_line(raw.rstrip("\n"), starts, runs, phrases)
    return _Table(starts, runs, phrases, max(map(len, phrases), default=1))


def _read_line(line: str, starts: list[int], runs: list[str], phrases: dict[str, str]) -> None:
    if line.startswith("@"):
        start, letters = line[1:].split(" ", 1)
        starts.append(int(start, 16))
        runs.append(letters)
    elif line.startswith("="):
        phrase, initials = line[1:].split(" ", 1)
        phrases[phrase] = initials


def pinyin_initials(text: str) -> str:
    """First letters of each hanzi's pinyin, ASCII letters only; other characters are dropped.

    Dropping non-hanzi (Latin letters, digits) keeps the answer pypinyin gave with
    ``errors="ignore"``, which residents' searches were built against.
    """
    table = _table()
    phrases = table.phrases
    out: list[str] = []
    at, end = 0, len(text)
    while at < end:
        for size in range(min(table.longest_phrase, end - at), 1, -1):
            initials = phrases.get(text[at : at + size])
            if initials is not None:
                out.append(initials)
                at += size
                break
        else:
            out.append(table.letter(text[at]))
            at += 1
    return "".join(out)
