"""A speech-dispatcher that never answers must not freeze the kiosk.

Found while measuring start-up (issue 16): speech-dispatcher accepted the connection and
never answered, and ``QTextToSpeech("speechd")``, built on the GUI thread after the first
frame, waited for it for good; the kiosk froze on its home screen and ignored SIGTERM.
Here real sockets play speech-dispatcher (``SPEECHD_ADDRESS`` points libspeechd and the
probe at them).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.speech_dispatcher import answers, socket_path
from ui.speech import Voice


class FakeDispatcher:
    """Accepts SSIP connections; answers the greeting with ``reply``, or never (None)."""

    def __init__(self, path: Path, reply: bytes | None) -> None:
        self.reply = reply
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen()
        self.accepted: list[socket.socket] = []
        self.connected = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.accepted.append(conn)
            self.connected.set()
            if self.reply is not None:
                conn.recv(256)
                conn.sendall(self.reply)

    def close(self) -> None:
        self.server.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def sock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "speechd.sock"
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{path}")
    return path


@pytest.fixture
def silent(sock: Path) -> Iterator[FakeDispatcher]:
    dispatcher = FakeDispatcher(sock, None)
    yield dispatcher
    dispatcher.close()


def test_a_silent_speech_dispatcher_leaves_the_screen_working(qtbot, silent) -> None:
    from PySide6.QtTextToSpeech import QTextToSpeech

    if "speechd" not in QTextToSpeech.availableEngines():
        pytest.skip("the speechd engine (libspeechd) is not installed")
    voice = Voice("speechd", probe_timeout_s=0.3)
    voice.start()  # returns at once: speech-dispatcher is asked on a thread of its own
    assert silent.connected.wait(10)
    voice.say("欢迎使用自助服务终端")  # nothing waits on speech-dispatcher
    qtbot.waitUntil(lambda: voice.problem == "speech-dispatcher does not answer", timeout=10_000)
    assert voice.available is False
    assert len(silent.accepted) == 1  # only the probe: the engine was never built on it


def test_the_probe_tells_answering_silent_and_absent_apart(sock: Path) -> None:
    assert socket_path() == sock
    assert answers(1.0) is None  # nothing listens yet: libspeechd starts speech-dispatcher
    good = FakeDispatcher(sock, b"208 OK CLIENT NAME SET\r\n")
    try:
        assert answers(5.0) is True
    finally:
        good.close()
    sock.unlink()
    refusing = FakeDispatcher(sock, b"500 ERR\r\n")
    try:
        assert answers(5.0) is False
    finally:
        refusing.close()
    sock.unlink()
    silent = FakeDispatcher(sock, None)
    try:
        assert answers(0.2) is False
    finally:
        silent.close()


def test_the_default_address_is_libspeechds(tmp_path: Path) -> None:
    runtime = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert socket_path(runtime) == tmp_path / "speech-dispatcher" / "speechd.sock"
    assert socket_path({"SPEECHD_ADDRESS": "inet_socket:127.0.0.1:6560"}) is None


def test_the_mock_engine_is_up_at_once_and_says_what_was_waiting(qtbot) -> None:
    voice = Voice("mock", start_later=True)
    voice.say("第一屏")
    with qtbot.waitSignal(voice.spoken, timeout=5_000) as spoken:
        voice.start()
    assert spoken.args == ["第一屏"]
    assert voice.available and voice.problem == ""
