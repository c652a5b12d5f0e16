"""Read-aloud through speech-dispatcher's own protocol: what goes over the socket, and faults.

The twin (:mod:`devices.voice.simulator`) listens on a real unix socket and answers as
speech-dispatcher 0.11 does; the last test talks to the real ``speech-dispatcher``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.voice.simulator import SimulatedSpeechDispatcher
from devices.voice.speaker import SpeechDispatcherSpeaker
from devices.voice.ssip import Address, SsipError, address, answers, data_block
from tests.sync.synchelpers import wait_until

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sock(speechd_socket: Path) -> Path:
    return speechd_socket


@pytest.fixture
def dispatcher(sock: Path) -> Iterator[SimulatedSpeechDispatcher]:
    twin = SimulatedSpeechDispatcher(sock)
    yield twin
    twin.close()


def speaker_for(sock: Path, **kwargs: object) -> SpeechDispatcherSpeaker:
    return SpeechDispatcherSpeaker(Address(path=sock), **kwargs)  # type: ignore[arg-type]


def test_a_screen_is_said_in_chinese_a_little_slower(sock, dispatcher) -> None:
    speaker = speaker_for(sock)
    assert speaker.answered is None  # nothing asked yet: no finding for the doctor
    try:
        speaker.say("欢迎使用自助服务终端")
        assert dispatcher.wait_for(lambda: dispatcher.said == ["欢迎使用自助服务终端"])
        assert dispatcher.commands[:6] == [
            "SET self CLIENT_NAME kiosk:voice:main",
            "SET self LANGUAGE zh",
            "SET self RATE -20",
            "SET self PRIORITY text",
            "CANCEL self",  # whatever the last screen was saying stops first
            "SPEAK",
        ]
        assert speaker.idle.wait(5) and speaker.problem == ""
        assert speaker.answered is True
    finally:
        speaker.close()
    assert dispatcher.wait_for(lambda: dispatcher.commands[-1] == "QUIT")


def test_lines_that_start_with_a_dot_survive_the_end_marker(sock, dispatcher) -> None:
    text = "第一行\n.第二行以点开头\r\n..两个点\n."
    assert data_block("a\n.b") == b"a\r\n..b\r\n.\r\n"
    speaker = speaker_for(sock)
    try:
        speaker.say(text)
        assert dispatcher.wait_for(lambda: len(dispatcher.said) == 1)
        assert dispatcher.said == [text.replace("\r\n", "\n")]
    finally:
        speaker.close()


def test_only_the_newest_screen_is_said_not_a_backlog(sock, dispatcher) -> None:
    dispatcher.release.clear()  # the dispatcher takes its time over the first text
    speaker = speaker_for(sock)
    try:
        speaker.say("第一屏")
        assert dispatcher.wait_for(lambda: dispatcher.said == ["第一屏"])
        speaker.say("第二屏")
        speaker.say("第三屏")
        dispatcher.release.set()
        assert speaker.idle.wait(5)
        assert dispatcher.said == ["第一屏", "第三屏"]
        assert dispatcher.connections == 1
    finally:
        speaker.close()


def test_stopping_before_anything_was_said_does_not_connect(sock, dispatcher) -> None:
    speaker = speaker_for(sock)
    try:
        speaker.stop()
        assert speaker.idle.wait(5)
        assert dispatcher.connections == 0
        speaker.say("请插入身份证")
        assert dispatcher.wait_for(lambda: dispatcher.said == ["请插入身份证"])
        speaker.stop()  # the resident walked away mid-sentence
        assert dispatcher.wait_for(lambda: dispatcher.commands[-1] == "CANCEL self")
        assert dispatcher.commands.count("CANCEL self") == 2
    finally:
        speaker.close()


def test_a_silent_dispatcher_is_named_and_a_new_one_is_picked_up(sock) -> None:
    silent = SimulatedSpeechDispatcher(sock, mode="silent")
    problems: list[str] = []
    speaker = speaker_for(sock, timeout_s=0.3, on_problem=problems.append)
    try:
        speaker.say("第一屏")  # returns at once: the waiting is the speaker thread's
        assert silent.wait_for(lambda: silent.connections == 1)
        assert speaker.idle.wait(5)
        assert speaker.problem == "speech-dispatcher does not answer"
        assert speaker.answered is False
        silent.close()  # the technician restarts it
        fresh = SimulatedSpeechDispatcher(sock)
        try:
            speaker.say("第二屏")
            assert fresh.wait_for(lambda: fresh.said == ["第二屏"])
            assert speaker.idle.wait(5)
            assert speaker.problem == ""
            assert problems == ["speech-dispatcher does not answer", ""]
        finally:
            fresh.close()
    finally:
        speaker.close()


def test_a_dispatcher_that_refuses_or_hangs_up_is_named(sock) -> None:
    refusing = SimulatedSpeechDispatcher(sock, mode="refusing")
    try:
        assert answers(5.0, Address(path=sock)).startswith("speech-dispatcher refused SET")
    finally:
        refusing.close()
    speaking = SimulatedSpeechDispatcher(sock)
    speaker = speaker_for(sock, timeout_s=2.0)
    try:
        speaker.say("第一屏")
        assert speaking.wait_for(lambda: speaking.said == ["第一屏"])
        assert speaker.idle.wait(5)
        speaking.close()  # it dies with the kiosk's connection open
        speaker.say("第二屏")
        assert speaker.idle.wait(5)
        assert speaker.problem.startswith("speech-dispatcher")
        assert speaker.problem != ""
    finally:
        speaker.close()


def test_with_nothing_listening_it_is_started_or_named(sock, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(sock.parent))  # no speech-dispatcher to start
    assert answers(1.0, Address(path=sock)) == "speech-dispatcher is not installed"
    stale = socket.socket(socket.AF_UNIX)  # left behind by a dispatcher that died
    stale.bind(str(sock))
    stale.close()
    assert answers(1.0, Address(path=sock)) == "speech-dispatcher is not installed"
    port = _closed_port()  # a TCP address is never started, only named
    assert answers(1.0, Address(host="127.0.0.1", port=port)) == (
        f"speech-dispatcher is not running (nothing listens on 127.0.0.1:{port})"
    )


def test_the_address_is_libspeechds(tmp_path: Path) -> None:
    assert address({"XDG_RUNTIME_DIR": str(tmp_path)}) == Address(
        path=tmp_path / "speech-dispatcher" / "speechd.sock"
    )
    assert address({"SPEECHD_ADDRESS": "unix_socket:/run/s.sock"}) == Address(
        path=Path("/run/s.sock")
    )
    assert address({"SPEECHD_ADDRESS": "inet_socket:10.0.0.2:6561"}) == Address(
        host="10.0.0.2", port=6561
    )
    assert address({"SPEECHD_ADDRESS": "inet_socket"}) == Address(host="127.0.0.1", port=6560)
    with pytest.raises(SsipError, match="SPEECHD_ADDRESS"):
        address({"SPEECHD_ADDRESS": "pipe:/x"})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(
    shutil.which("speech-dispatcher") is None, reason="speech-dispatcher not installed"
)
def test_the_real_speech_dispatcher_queues_what_the_kiosk_says(sock) -> None:
    server = subprocess.Popen(
        [
            "speech-dispatcher",
            "--run-single",
            "--timeout",
            "30",
            "--communication-method",
            "unix_socket",
            "--socket-path",
            str(sock),
            "--log-dir",
            str(sock.parent),
            "--pid-file",
            str(sock.parent / "pid"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until(sock.exists, timeout=30, what="speech-dispatcher's socket")
        assert answers(20.0, Address(path=sock)) == ""
        speaker = speaker_for(sock, timeout_s=20.0)
        try:
            speaker.say("欢迎使用自助服务终端\n.以点开头的一行")
            assert speaker.idle.wait(30)
            assert speaker.problem == ""  # every reply was 2xx: 225 OK MESSAGE QUEUED
        finally:
            speaker.close(wait_s=5.0)
    finally:  # SIGKILL: with no sound card it deadlocks after its first text, deaf to SIGTERM
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)


def _hung_dispatcher(sock: Path) -> subprocess.Popen[bytes]:
    """A process that is what speech-dispatcher 0.11 became here once its audio output was
    gone: named speech-dispatcher, holding the socket, silent, deaf to SIGTERM."""
    hung = subprocess.Popen(
        [sys.executable, "-m", "devices.voice.simulator", str(sock), "--hung"], cwd=REPO
    )
    wait_until(sock.exists, timeout=30, what="the hung twin's socket")
    return hung


def test_a_dispatcher_that_hangs_is_ended_and_a_new_one_started(sock) -> None:
    hung = _hung_dispatcher(sock)
    started: list[SimulatedSpeechDispatcher] = []

    def start(path: Path) -> None:  # what speech-dispatcher --spawn does, stale socket too
        path.unlink(missing_ok=True)
        started.append(SimulatedSpeechDispatcher(path))

    speaker = speaker_for(sock, timeout_s=0.5, start=start, restart_every_s=3600)
    again: subprocess.Popen[bytes] | None = None
    try:
        speaker.say("第一屏")
        assert speaker.idle.wait(15)
        assert hung.wait(10) == -signal.SIGKILL  # SIGTERM was not enough
        assert [twin.said for twin in started] == [["第一屏"]]  # said by the new one
        assert speaker.problem == "" and speaker.answered is True
        started[0].close()  # it hangs again within the hour: not ended over and over
        again = _hung_dispatcher(sock)
        speaker.say("第二屏")
        assert speaker.idle.wait(15)
        assert speaker.problem == "speech-dispatcher does not answer"
        assert again.poll() is None
    finally:
        speaker.close()
        for process in (hung, again):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)
        for twin in started:
            twin.close()


def test_only_this_users_speech_dispatcher_is_ever_ended() -> None:
    from devices.voice.restart import end_silent_dispatcher

    assert end_silent_dispatcher(os.getpid()) == "the silent socket is this process's own"
    with subprocess.Popen(["sleep", "30"]) as other:
        comm = Path(f"/proc/{other.pid}/comm")
        wait_until(lambda: comm.read_text().strip() == "sleep", what="sleep's exec")
        try:
            assert end_silent_dispatcher(other.pid) == (
                "the silent socket belongs to 'sleep', not speech-dispatcher"
            )
            assert other.poll() is None
        finally:
            other.kill()
    assert end_silent_dispatcher(1) != ""  # init: not ours, never signalled
