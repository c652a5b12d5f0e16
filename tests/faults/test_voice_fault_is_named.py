"""Read-aloud that cannot speak is a red check in ``kiosk doctor``, not a silent screen.

An elderly resident who relies on 朗读 meets only silence when speech-dispatcher is
missing or hangs; nothing else on the terminal said so. The doctor now asks it the way the
kiosk does (``devices.voice.ssip.answers``); its twin listens on a real socket.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.voice.simulator import SimulatedSpeechDispatcher
from kiosk.diagnostics import CheckKey, CheckStatus, VoiceFact, check_voice
from tests.faults.faulthelpers import kiosk_json


@pytest.fixture
def sock(speechd_socket: Path) -> Path:
    return speechd_socket


def voice_check(report: dict) -> dict:
    return next(c for c in report["checks"] if c["key"] == "voice")


def test_a_silent_speech_dispatcher_is_a_red_check(tmp_path: Path, sock: Path) -> None:
    silent = SimulatedSpeechDispatcher(sock, mode="silent")
    try:
        code, report = kiosk_json("doctor", home=tmp_path / "home")
    finally:
        silent.close()
    check = voice_check(report)
    assert check["status"] == "failed" and code == 1
    assert check["title"] == "语音朗读"
    assert "没有应答" in check["detail"]
    assert check["data"]["voice_problem"] == "speech-dispatcher does not answer"


def test_an_answering_speech_dispatcher_is_ok(tmp_path: Path, sock: Path) -> None:
    dispatcher = SimulatedSpeechDispatcher(sock)
    try:
        _code, report = kiosk_json("doctor", home=tmp_path / "home")
    finally:
        dispatcher.close()
    assert voice_check(report)["status"] == "ok"
    assert dispatcher.commands[0] == "SET self CLIENT_NAME kiosk:doctor:main"
    _code, skipped = kiosk_json("doctor", "--skip-devices", home=tmp_path / "home")
    assert voice_check(skipped)["status"] == "warning"


def test_each_reason_has_its_own_words() -> None:
    assert check_voice(VoiceFact(enabled=False)) is None  # read-aloud switched off: no check
    missing = check_voice(VoiceFact(True, problem="speech-dispatcher is not installed"))
    assert missing is not None and missing.status is CheckStatus.FAILED
    assert "没有安装" in missing.detail and "speech-dispatcher-espeak-ng" in missing.action
    other = check_voice(VoiceFact(True, problem="speech-dispatcher refused SET: 500 ERR"))
    assert other is not None and other.key is CheckKey.VOICE
    assert "500 ERR" in other.detail and other.status is CheckStatus.FAILED
