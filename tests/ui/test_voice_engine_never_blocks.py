"""Read-aloud never holds a screen up: a silent speech-dispatcher is named, not waited on.

Found while measuring start-up (issue 16): speech-dispatcher accepted the connection and
never answered, and QtTextToSpeech's ``speechd`` engine, built on the GUI thread after the
first frame, waited for it for good; the kiosk froze on its home screen and ignored
SIGTERM. The voice now speaks speech-dispatcher's protocol on a thread of its own. Here its
twin listens on a real socket (``SPEECHD_ADDRESS`` points the voice at it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.voice.simulator import SimulatedSpeechDispatcher
from ui.speech import Voice


@pytest.fixture
def sock(speechd_socket: Path) -> Path:
    return speechd_socket


def test_a_silent_speech_dispatcher_leaves_the_screen_working(qtbot, sock) -> None:
    silent = SimulatedSpeechDispatcher(sock, mode="silent")
    voice = Voice(timeout_s=0.3)  # the kiosk's default: speech-dispatcher
    try:
        voice.start()
        voice.say("欢迎使用自助服务终端")  # returns at once: the speaker's thread waits
        assert silent.wait_for(lambda: silent.connections == 1)
        qtbot.waitUntil(
            lambda: voice.problem == "speech-dispatcher does not answer", timeout=10_000
        )
        assert voice.available is False and voice.checked
    finally:
        voice.close()
        silent.close()


def test_the_kiosk_voice_speaks_without_qt_text_to_speech(qtbot, sock) -> None:
    dispatcher = SimulatedSpeechDispatcher(sock)
    voice = Voice(start_later=True)
    try:
        voice.say("第一屏")  # the home screen, before the first frame: kept for later
        assert dispatcher.connections == 0
        with qtbot.waitSignal(voice.spoken, timeout=5_000) as spoken:
            voice.start()
        assert spoken.args == ["第一屏"]
        assert dispatcher.wait_for(lambda: dispatcher.said == ["第一屏"])
        assert voice.engine == "speechd" and voice.available
        voice.forget()  # the visitor left: stop mid-sentence
        assert dispatcher.wait_for(lambda: dispatcher.commands[-1] == "CANCEL self")
    finally:
        voice.close()
        dispatcher.close()


def test_the_mock_engine_is_up_at_once_and_says_what_was_waiting(qtbot) -> None:
    voice = Voice("mock", start_later=True)
    voice.say("第一屏")
    with qtbot.waitSignal(voice.spoken, timeout=5_000) as spoken:
        voice.start()
    assert spoken.args == ["第一屏"]
    assert voice.available and voice.problem == ""


def test_an_engine_that_is_not_installed_is_named(qtbot) -> None:
    voice = Voice("festival")
    voice.say("第一屏")
    assert voice.available is False
    assert voice.problem == "text-to-speech engine festival is not installed"
