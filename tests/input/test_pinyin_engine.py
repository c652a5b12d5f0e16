"""librime through ctypes: whole words, place names, fuzzy initials, partial picks, no learning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devices.input.pinyin import SyllableEngine

ROOT = Path(__file__).resolve().parents[2]


def test_whole_words_and_place_names_come_first(rime):
    assert rime.candidates("yanglaobaoxian")[0] == "养老保险"
    assert rime.candidates("cunweihui")[0] == "村委会"
    assert rime.candidates("hangzhou")[0] == "杭州"
    assert "身份证" in rime.candidates("sfz")[:3]


def test_fuzzy_initials_zh_ch_sh(rime):
    assert "中国" in rime.candidates("zongguo")[:3]
    assert "长城" in rime.candidates("cangceng")[:5]
    assert "上海" in rime.candidates("sanghai")[:5]


def test_candidates_are_simplified(rime):
    assert rime.candidates("guojia")[0] == "国家"


def test_picking_part_of_the_letters_keeps_the_rest_composing(rime):
    found = rime.candidates("zhangsan", 10)
    pick = rime.pick("zhangsan", found.index("张"))
    assert (pick.text, pick.rest) == ("张", "san")
    assert rime.pick("zhangsan", 0).text == "张三"


def test_picking_a_word_never_promotes_it(rime):
    before = rime.candidates("li", 10)
    rare = before[7]
    for _ in range(5):
        assert rime.pick("li", 7).text == rare
    assert rime.candidates("li", 10) == before
    assert not list(rime.user_data_dir.glob("*.userdb*"))


def test_nothing_typed_persists_after_the_process_ends(tmp_path):
    from devices.input import rime

    if not rime.available():
        import pytest

        pytest.skip("librime not installed here (scripts/setup installs it)")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    script = (
        "from devices.input.rime import shared_engine\n"
        "e = shared_engine(); e.wait_ready()\n"
        "print(e.user_data_dir); e.pick('wangxiaoming', 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    used = Path(out.stdout.strip())
    assert used.parent == tmp_path
    assert not used.exists()
    assert list(tmp_path.iterdir()) == []


def test_syllable_twin_offers_common_characters():
    twin = SyllableEngine()
    assert "李" in twin.candidates("li", 8)
    assert twin.pick("li", 0).rest == ""
    assert twin.candidates("") == []
