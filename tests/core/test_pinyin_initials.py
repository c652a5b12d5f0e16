"""The kiosk's own pinyin initials give pypinyin's answers without loading pypinyin.

Search by initials (养老保险 → ylbx) used pypinyin, whose ~55 MB of dictionaries then stayed
in every terminal from its first visit on. ``kiosk.pinyin_initials`` reads a table generated
from the same dictionaries (``scripts/gen_pinyin_initials.py``); pypinyin stays the
reference here. Whether a kiosk ever loads pypinyin is checked in a fresh interpreter by
``tests/ui/test_startup_imports.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin

from kiosk.catalogue import load_sample_catalogue
from kiosk.pinyin_initials import pinyin_initials
from tests.core.test_catalogue_search import generated_catalogue

ROOT = Path(__file__).resolve().parents[2]


def pypinyin_initials(text: str) -> str:
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(ch for ch in "".join(letters).lower() if ch.isascii() and ch.isalpha())


POLYPHONES = [
    # (name, initials): the reading of the polyphone is the phrase's, not the character's first
    ("银行卡挂失", "yhkgs"),  # 行 háng, not xíng
    ("重度残疾人护理补贴", "zdcjrhlbt"),
    ("重庆市户口迁入", "cqshkqr"),  # 重 chóng
    ("长期护理保险", "cqhlbx"),  # 长 cháng, not zhǎng
    ("长沙", "cs"),
    ("会计从业资格", "kjcyzg"),  # 会 kuài
    ("人民调解申请", "rmtjsq"),  # 调 tiáo
    ("贷款还款证明", "dkhkzm"),  # 还 huán
    ("给予补助", "jybz"),  # 给 jǐ
    ("行政许可", "xzxk"),
]


@pytest.mark.parametrize(("name", "initials"), POLYPHONES)
def test_polyphones_take_the_phrase_reading_as_pypinyin_does(name: str, initials: str) -> None:
    assert pinyin_initials(name) == initials == pypinyin_initials(name)


def test_the_sample_catalogue_names_get_exactly_pypinyins_initials() -> None:
    names = [item.name for item in load_sample_catalogue()]
    assert [pinyin_initials(n) for n in names] == [pypinyin_initials(n) for n in names]


def test_5000_generated_names_agree_with_pypinyin_but_where_it_segments_differently() -> None:
    names = [item.name for item in generated_catalogue(5000)]
    differ = [n for n in names if pinyin_initials(n) != pypinyin_initials(n)]
    # One name: 重 in "…银保重婚…" is read chóng (重婚, bigamy) here; pypinyin's segmentation
    # reads it zhòng (保重). Either is a reasonable guess; both are measured in bench_catalogue.
    assert differ == ["土生农养姻业银保重婚低姻"]


@pytest.mark.parametrize(
    ("text", "initials"),
    [
        ("", ""),
        ("CT检查2024年", "jcn"),  # Latin letters and digits dropped, as pypinyin's errors="ignore"
        ("（申请）", "sq"),
        ("〇", "l"),
        ("\U00020000", "h"),  # outside the BMP (CJK extension B)
        ("ABC", ""),
    ],
)
def test_non_hanzi_are_dropped_and_every_plane_is_read(text: str, initials: str) -> None:
    assert pinyin_initials(text) == initials == pypinyin_initials(text)


def test_the_shipped_table_is_what_the_generator_writes_from_the_installed_pypinyin() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_pinyin_initials.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
