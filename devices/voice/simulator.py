"""A speech-dispatcher twin on a unix socket, speaking real SSIP: what tests listen to.

It answers the commands the kiosk sends the way speech-dispatcher 0.11 does (replies
recorded from the real one) and keeps every text it was asked to say. It can also
misbehave as real ones were seen to: accept connections and never answer (``silent``),
or refuse every client (``refusing``).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_REPLIES = {
    "SET self CLIENT_NAME": "208 OK CLIENT NAME SET",
    "SET self LANGUAGE": "201 OK LANGUAGE SET",
    "SET self RATE": "203 OK RATE SET",
    "SET self PRIORITY": "202 OK PRIORITY SET",
    "CANCEL": "213 OK CANCELED",
    "STOP": "210 OK STOPPED",
    "QUIT": "231 HAPPY HACKING",
}


class SimulatedSpeechDispatcher:
    """Listens on ``path`` until :meth:`close`; ``mode`` is "answering", "silent" or "refusing"."""

    def __init__(self, path: Path, mode: str = "answering") -> None:
        self.path = path
        self.mode = mode
        self.said: list[str] = []
        """Every text queued by SPEAK, in order."""
        self.commands: list[str] = []
        """Every command line received (SPEAK's data excluded)."""
        self.connections = 0
        self.release = threading.Event()
        """Cleared, SPEAK's data is read but not acknowledged until it is set (a busy dispatcher)."""
        self.release.set()
        self.changed = threading.Condition()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen()
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, name="ssip-sim", daemon=True).start()

    def wait_for(self, predicate: Callable[[], object], timeout: float = 10.0) -> bool:
        """Wait until ``predicate()`` holds (checked on every change), at most ``timeout``."""
        with self.changed:
            return bool(self.changed.wait_for(predicate, timeout))

    def close(self) -> None:
        """Stop listening and hang up on every client, as a dispatcher that died would."""
        self._server.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        for conn in list(self._open):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._open.append(conn)
            with self.changed:
                self.connections += 1
                self.changed.notify_all()
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn.makefile("rb") as lines:
            for raw in lines:
                line = raw.decode("utf-8").rstrip("\r\n")
                self._note(self.commands, line)
                if self.mode == "silent":
                    continue
                if self.mode == "refusing":
                    conn.sendall(b"500 ERR INVALID COMMAND\r\n")
                    continue
                if line == "SPEAK":
                    conn.sendall(b"230 OK RECEIVING DATA\r\n")
                    self._note(self.said, _read_data(lines))
                    self.release.wait()
                    conn.sendall(b"225-1\r\n225 OK MESSAGE QUEUED\r\n")
                    continue
                reply = next((r for c, r in _REPLIES.items() if line.startswith(c)), None)
                conn.sendall((reply or "500 ERR INVALID COMMAND").encode() + b"\r\n")
                if line == "QUIT":
                    return

    def _note(self, into: list[str], item: str) -> None:
        with self.changed:
            into.append(item)
            self.changed.notify_all()


def _read_data(lines: BinaryIO) -> str:
    """SPEAK's data block up to the lone dot, dots un-doubled, lines joined with \\n."""
    got: list[str] = []
    for raw in lines:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line == ".":
            break
        got.append(line[1:] if line.startswith("..") else line)
    return "\n".join(got)


def main(argv: list[str] | None = None) -> None:
    """``python -m devices.voice.simulator SOCKET [MODE] [--hung]``: the twin in a process of
    its own until killed. ``--hung`` makes it what a deadlocked speech-dispatcher 0.11 is:
    named ``speech-dispatcher``, silent, and deaf to SIGTERM."""
    import argparse
    import ctypes
    import signal

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("socket", type=Path)
    parser.add_argument("mode", nargs="?", default="answering")
    parser.add_argument("--hung", action="store_true")
    args = parser.parse_args(argv)
    mode = args.mode
    if args.hung:
        mode = "silent"
        ctypes.CDLL(None).prctl(15, b"speech-dispatcher", 0, 0, 0)  # PR_SET_NAME
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    SimulatedSpeechDispatcher(args.socket, mode)
    threading.Event().wait()


if __name__ == "__main__":
    main()
