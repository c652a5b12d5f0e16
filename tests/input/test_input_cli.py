"""``kiosk input handwrite|pinyin``: the contract, through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.input.conftest import STROKES

REPO = Path(__file__).resolve().parents[2]


def kiosk(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_HOME": str(tmp / "home"), "TMPDIR": str(tmp)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_handwrite_json_gives_ten_candidates_per_character_in_input_order(
    zinnia, stroke_set, tmp_path
):
    picked = [next(e for e in stroke_set if e["label"] == label) for label in ("王", "林", "明")]
    file = tmp_path / "name.json"
    file.write_text(json.dumps({"characters": picked}), encoding="utf-8")
    result = kiosk("input", "handwrite", str(file), "--json", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout)["results"]
    assert len(results) == 3
    assert all(len(r["candidates"]) >= 10 for r in results)
    assert [r["candidates"][0] for r in results] == ["王", "林", "明"]


def test_handwrite_text_prints_one_line_per_character(zinnia, tmp_path):
    result = kiosk("input", "handwrite", str(STROKES), tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    count = len(json.loads(STROKES.read_text(encoding="utf-8"))["characters"])
    assert len(lines) == count
    assert lines[0].startswith("1: 一 ") and len(lines[0].split()) == 11


@pytest.mark.parametrize(
    "content",
    ["not json", '{"chars": []}', '{"characters": [{"width": 0, "height": 4, "strokes": []}]}'],
)
def test_handwrite_rejects_a_bad_file_with_exit_2(tmp_path, content):
    file = tmp_path / "bad.json"
    file.write_text(content, encoding="utf-8")
    result = kiosk("input", "handwrite", str(file), tmp=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("kiosk input: ")


def test_pinyin_json_gives_whole_words_best_first(rime, tmp_path):
    result = kiosk("input", "pinyin", "yanglaobaoxian", "--json", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["candidates"][0] == "养老保险"
    assert payload["engine"] == "rime"
    assert list(tmp_path.glob("kiosk-rime-*")) == []  # nothing typed is left behind


def test_pinyin_text_and_bad_letters(rime, tmp_path):
    result = kiosk("input", "pinyin", "beijing", tmp=tmp_path)
    assert result.returncode == 0 and result.stdout.split()[0] == "北京"
    bad = kiosk("input", "pinyin", "bei jing!", tmp=tmp_path)
    assert bad.returncode == 2 and "a-z" in bad.stderr
