"""``kiosk card read`` and ``kiosk sim card ...`` through app.cli.main and a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from devices.cards.sim.control import ControlServer, control_path, send_control
from devices.cards.sim.profiles import SamProfile
from devices.cards.sim.sam_simulator import SamSimulator

JSON_KEYS = [
    "card_type",
    "name",
    "name_en",
    "gender",
    "nation",
    "birth_date",
    "address",
    "id_number",
    "issuer",
    "valid_from",
    "valid_to",
    "nationality",
    "photo_wlt_base64",
]


@pytest.fixture
def controlled(sim: SamSimulator) -> Iterator[SamSimulator]:
    server = ControlServer(sim, control_path(sim.run_dir))
    server.start()
    yield sim
    server.stop()


def test_card_read_json(sim: SamSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    sim.insert("resident-longterm")
    code = main(["card", "read", "--reader", f"sam:{sim.port_path}", "--json", "--timeout", "5"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert list(data) == JSON_KEYS
    assert data["card_type"] == "resident"
    assert data["valid_to"] == "长期"
    assert data["birth_date"] == "1958-04-12"
    assert data["nation"] == "汉"
    assert len(data["photo_wlt_base64"]) == 1368  # base64 of 1,024 bytes


@pytest.mark.parametrize(
    ("profile", "card_type"),
    [
        ("foreign-old", "foreign_permanent"),
        ("foreign-2023", "foreign_permanent"),
        ("hmt", "hmt_residence"),
    ],
)
def test_card_read_json_other_card_types(
    sim: SamSimulator, capsys: pytest.CaptureFixture[str], profile: str, card_type: str
) -> None:
    sim.insert(profile)
    assert main(["card", "read", "--reader", f"sam:{sim.port_path}", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["card_type"] == card_type


def test_card_read_text(sim: SamSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    sim.insert("resident-minority")
    assert main(["card", "read", "--reader", f"sam:{sim.port_path}"]) == 0
    out = capsys.readouterr().out
    assert "姓名：阿依古丽·买买提" in out
    assert "证件类型：居民身份证" in out


def test_card_read_no_card_exits_2(sim: SamSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "read", "--reader", f"sam:{sim.port_path}", "--timeout", "0.5"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().count("\n") == 0 and "no card" in captured.err


def test_card_read_missing_port_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "read", "--reader", f"sam:{tmp_path}/nothing", "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "port_lost" in err


def test_card_read_bad_url_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "read", "--reader", "usb:0"]) == 1
    assert "读卡器地址无效" in capsys.readouterr().err


def test_card_read_silent_reader_exits_1(
    sim: SamSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.silent(True)
    assert main(["card", "read", "--reader", f"sam:{sim.port_path}", "--timeout", "10"]) == 1
    assert "timeout" in capsys.readouterr().err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["card", "--help"],
        ["card", "read", "--help"],
        ["sim", "card", "--help"],
        *(
            ["sim", "card", verb, "--help"]
            for verb in (
                "serve", "insert", "remove", "bad-checksum", "garbage", "fail-read", "silent", "talk",
                "unplug", "replug", "status", "profiles",
            )
        ),
    ):  # fmt: skip
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
        assert "usage:" in capsys.readouterr().out


def test_sim_card_verbs_drive_a_running_simulator(
    controlled: SamSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = ["--run-dir", str(controlled.run_dir)]
    assert main(["sim", "card", "insert", "hmt", *run_dir]) == 0
    assert controlled.state().card == "hmt"
    assert main(["sim", "card", "remove", *run_dir]) == 0
    assert controlled.state().card is None
    assert main(["sim", "card", "silent", *run_dir]) == 0
    assert controlled.state().silent
    assert main(["sim", "card", "talk", *run_dir]) == 0
    assert not controlled.state().silent
    assert main(["sim", "card", "bad-checksum", "--count", "2", *run_dir]) == 0
    assert main(["sim", "card", "garbage", "--instead", *run_dir]) == 0
    assert main(["sim", "card", "fail-read", "--count", "2", *run_dir]) == 0
    assert main(["sim", "card", "unplug", *run_dir]) == 0
    assert not controlled.state().plugged
    assert main(["sim", "card", "replug", *run_dir]) == 0
    assert controlled.state().plugged
    assert main(["sim", "card", "status", *run_dir]) == 0
    assert main(["sim", "card", "insert", "nobody", *run_dir]) == 1
    assert "unknown profile" in capsys.readouterr().err


def test_sim_card_verb_without_simulator_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sim", "card", "remove", "--run-dir", str(tmp_path)]) == 1
    assert "no simulator" in capsys.readouterr().err


def test_control_rejects_unknown_actions(controlled: SamSimulator) -> None:
    answer = send_control(control_path(controlled.run_dir), {"action": "explode"})
    assert answer == {"ok": False, "error": "unknown action 'explode'"}
    answer = send_control(
        control_path(controlled.run_dir), {"action": "read-delay", "seconds": "x"}
    )
    assert answer["ok"] is False


def test_profiles_lists_every_profile(
    capsys: pytest.CaptureFixture[str], profiles: dict[str, SamProfile]
) -> None:
    assert main(["sim", "card", "profiles"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(profiles)


def test_serve_and_read_in_separate_processes(tmp_path: Path) -> None:
    """The dev-dock workflow: one process serves, others drive it and read from it."""
    run_dir = tmp_path / "run"
    env = dict(os.environ)
    kiosk = [sys.executable, "-m", "app.cli"]
    serve = subprocess.Popen(
        [
            *kiosk,
            "sim",
            "card",
            "serve",
            "--run-dir",
            str(run_dir),
            "--profile",
            "resident-rare-char",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert serve.stdout is not None
        lines = dict(serve.stdout.readline().strip().split(": ", 1) for _ in range(3))
        assert Path(lines["control"]) == control_path(run_dir)
        read = subprocess.run(
            [*kiosk, "card", "read", "--reader", lines["reader"], "--json", "--timeout", "10"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert read.returncode == 0, read.stderr
        assert json.loads(read.stdout)["name"] == "王喆"
        drive = subprocess.run(
            [*kiosk, "sim", "card", "remove", "--run-dir", str(run_dir)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert drive.returncode == 0, drive.stderr
        read = subprocess.run(
            [*kiosk, "card", "read", "--reader", lines["reader"], "--timeout", "0.5"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert read.returncode == 2
    finally:
        serve.terminate()
        assert serve.wait(timeout=10) == 0
        if serve.stdout is not None:
            serve.stdout.close()


def test_sam_sim_url_starts_an_in_process_simulator(tmp_path: Path) -> None:
    from devices.cards.factory import open_card_reader
    from devices.cards.sim_reader import SimulatedSamReader
    from tests.cards.conftest import FAST, EventLog

    reader = open_card_reader("sam:sim", run_dir=tmp_path / "demo", timings=FAST)
    assert isinstance(reader, SimulatedSamReader)
    events = EventLog()
    reader.add_listener(events)
    reader.start()
    try:
        answer = send_control(reader.control_path, {"action": "insert", "profile": "hmt"})
        assert answer["ok"]
        from devices.cards.events import CardInserted

        event = events.wait_for(lambda e: isinstance(e, CardInserted))
        assert isinstance(event, CardInserted) and event.holder.name == "陈志明"
    finally:
        reader.stop()
    assert not reader.control_path.exists()
