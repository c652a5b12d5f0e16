"""``kiosk staff …`` as a technician scripts it (PINs on standard input, never in argv)."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest
from staffhelpers import STAFF_NAME, TECH_NAME

from app.commands import staff as staff_cmd


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "home"))
    parser = argparse.ArgumentParser()
    staff_cmd.register(parser.add_subparsers())

    def invoke(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        args = parser.parse_args(list(argv))
        code = args.handler(args)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_add_list_set_pin_and_disable(run):
    assert (
        run(
            "staff",
            "add",
            "--number",
            "9001",
            "--name",
            TECH_NAME,
            "--role",
            "technician",
            "--pin-stdin",
            stdin="135790\n",
        )[0]
        == 0
    )
    code, out, _ = run(
        "staff", "add", "--number", "1001", "--name", STAFF_NAME, "--pin-stdin", stdin="246810\n"
    )
    assert (code, out.strip()) == (0, "added staff 1001")
    code, _, err = run(
        "staff", "add", "--number", "1002", "--name", "x", "--pin-stdin", stdin="123456\n"
    )
    assert code == 1 and "连续" in err
    code, out, _ = run("staff", "list", "--json")
    listed = json.loads(out)
    assert [
        (m["number"], m["role"], m["active"], m["has_card"], m["locked_for_s"]) for m in listed
    ] == [
        ("1001", "staff", True, False, 0),
        ("9001", "technician", True, False, 0),
    ]
    assert set(listed[0]) == {"number", "name", "role", "active", "has_card", "locked_for_s"}
    assert run("staff", "set-pin", "1001", "--pin-stdin", stdin="802468\n")[0] == 0
    assert run("staff", "set-pin", "4242", "--pin-stdin", stdin="802468\n")[0] == 1
    assert (
        run("staff", "bind-card", "1001", "--card-id-stdin", stdin="330102198001011234\n")[0] == 0
    )
    assert run("staff", "disable", "1001")[0] == 0
    code, out, _ = run("staff", "list")
    assert "已停用" in out and "已绑卡" in out and "技术人员" in out
