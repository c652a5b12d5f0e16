"""speech-dispatcher's own protocol, SSIP: where it listens, starting it, one session.

The kiosk used to speak through QtTextToSpeech's ``speechd`` engine (libspeechd). Building
that engine held the GUI thread for ~1.1 s after the first frame and kept all 1,530 voices
of espeak-ng listed in memory (+5.4 MB), and libspeechd's ``spd_open`` waited without a
timeout: a speech-dispatcher that accepted connections and never replied froze the kiosk.
The part of SSIP read-aloud needs is a handful of text lines, so the kiosk speaks it
itself, with a timeout on every reply, off the GUI thread (:mod:`devices.voice.speaker`).

What libspeechd did and this keeps: the address from ``SPEECHD_ADDRESS`` or its default
socket, and starting speech-dispatcher with ``--spawn`` when nothing listens there yet.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_S = 5.0
"""A healthy dispatcher answers in milliseconds; a busy board may take a second."""

SPAWN_TIMEOUT_S = 15.0
"""``speech-dispatcher --spawn`` returns once its socket listens (0.2 s here)."""

CLIENT_NAME = "kiosk:voice:main"


class SsipError(Exception):
    """Read-aloud cannot reach speech-dispatcher; the message says why (English, for logs)."""


class SilentDispatcher(SsipError):
    """It took the connection and did not answer in time; ``pid`` is the process listening
    (from the socket's peer credentials), when the socket is a local one."""

    def __init__(self, pid: int | None) -> None:
        super().__init__("speech-dispatcher does not answer")
        self.pid = pid


@dataclass(frozen=True)
class Address:
    """A unix socket (``path``) or a TCP port (``host``, ``port``), as libspeechd reads it."""

    path: Path | None = None
    host: str = ""
    port: int = 0

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else f"{self.host}:{self.port}"


def address(environ: dict[str, str] | None = None) -> Address:
    """Where libspeechd would connect: ``SPEECHD_ADDRESS`` (``unix_socket:PATH`` or
    ``inet_socket:HOST:PORT``), else ``speech-dispatcher/speechd.sock`` in the user's
    runtime directory (else the cache directory)."""
    env = os.environ if environ is None else environ
    given = env.get("SPEECHD_ADDRESS", "")
    if given:
        kind, _, rest = given.partition(":")
        if kind == "unix_socket" and rest:
            return Address(path=Path(rest))
        if kind == "inet_socket":
            host, _, port = rest.rpartition(":")
            if port.isdigit():
                return Address(host=host or "127.0.0.1", port=int(port))
            return Address(host=rest or "127.0.0.1", port=6560)
        raise SsipError(
            f"SPEECHD_ADDRESS {given!r} is not unix_socket:PATH or inet_socket:HOST:PORT"
        )
    runtime = env.get("XDG_RUNTIME_DIR") or env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Address(path=Path(runtime) / "speech-dispatcher" / "speechd.sock")


def data_block(text: str) -> bytes:
    """``text`` as SSIP's SPEAK data: CRLF lines, a leading dot doubled, ended by a lone dot."""
    lines = re.split(r"\r\n|\r|\n", text)
    escaped = ["." + line if line.startswith(".") else line for line in lines]
    return ("\r\n".join(escaped) + "\r\n.\r\n").encode("utf-8")


class Session:
    """One SSIP connection: each command waits for its reply, at most ``timeout_s``."""

    def __init__(self, conn: socket.socket, timeout_s: float) -> None:
        conn.settimeout(timeout_s)
        self._conn = conn
        self._replies = conn.makefile("rb")

    def command(self, line: str) -> str:
        """Send one command; return its final reply line. A 4xx/5xx reply raises."""
        return self._send(line.encode("utf-8") + b"\r\n", line.split(" ", 1)[0])

    def speak(self, text: str) -> None:
        """Queue ``text`` to be read aloud (SPEAK, then the data block)."""
        self.command("SPEAK")
        self._send(data_block(text), "SPEAK data")

    def close(self) -> None:
        """Say goodbye if it still listens; never raises."""
        try:
            self._conn.settimeout(0.5)
            self._conn.sendall(b"QUIT\r\n")
        except OSError:
            pass
        finally:
            self._replies.close()
            self._conn.close()

    def peer_pid(self) -> int | None:
        """The process at the other end of a unix socket (``SO_PEERCRED``), else None."""
        if self._conn.family != socket.AF_UNIX:
            return None
        try:
            creds = self._conn.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
            )
        except OSError:
            return None
        pid, _uid, _gid = struct.unpack("3i", creds)
        return pid or None

    def _send(self, payload: bytes, what: str) -> str:
        try:
            self._conn.sendall(payload)
            while True:
                raw = self._replies.readline(4096)
                if not raw:
                    raise SsipError("speech-dispatcher closed the connection")
                reply = raw.decode("utf-8", "replace").rstrip("\r\n")
                if reply[3:4] != "-":  # "NNN-" lines continue, "NNN " ends the reply
                    break
        except TimeoutError as exc:
            raise SilentDispatcher(self.peer_pid()) from exc
        except OSError as exc:
            raise SsipError(f"speech-dispatcher connection lost ({type(exc).__name__})") from exc
        if not reply[:1] == "2":
            raise SsipError(f"speech-dispatcher refused {what}: {reply[:80]}")
        return reply


Starter = Callable[[Path], None]
"""Starts a dispatcher listening on the path, or raises :class:`SsipError` saying why."""


def open_session(
    where: Address,
    *,
    timeout_s: float = TIMEOUT_S,
    start: Starter | None = None,
    client_name: str = CLIENT_NAME,
) -> Session:
    """Connect and greet (``SET self CLIENT_NAME``, the first thing every client says).

    A unix socket nobody listens on is handed to ``start`` (:func:`start_dispatcher`, the
    way libspeechd starts speech-dispatcher, unless given another), and the connection is
    tried once more; ``start=None`` only connects.
    """
    try:
        conn = _connect(where, timeout_s)
    except (FileNotFoundError, ConnectionRefusedError):
        if start is None or where.path is None:
            raise SsipError(
                f"speech-dispatcher is not running (nothing listens on {where})"
            ) from None
        start(where.path)
        try:
            conn = _connect(where, timeout_s)
        except OSError as exc:
            raise SsipError(
                f"speech-dispatcher started but {where} does not accept ({exc})"
            ) from exc
    except TimeoutError as exc:
        raise SilentDispatcher(None) from exc
    except OSError as exc:
        raise SsipError(f"cannot connect to speech-dispatcher at {where} ({exc})") from exc
    session = Session(conn, timeout_s)
    try:
        session.command(f"SET self CLIENT_NAME {client_name}")
    except SsipError:
        session.close()
        raise
    return session


def start_dispatcher(path: Path) -> None:
    """``speech-dispatcher --spawn`` on ``path``, as libspeechd's autospawn runs it."""
    program = shutil.which("speech-dispatcher")
    if program is None:
        raise SsipError("speech-dispatcher is not installed")
    command = [
        program,
        "--spawn",
        "--communication-method",
        "unix_socket",
        "--socket-path",
        str(path),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=SPAWN_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SsipError("speech-dispatcher did not start in time") from exc
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise SsipError(
            f"speech-dispatcher could not start: {said[-1][:160] if said else done.returncode}"
        )


def _connect(where: Address, timeout_s: float) -> socket.socket:
    if where.path is not None:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout_s)
        try:
            conn.connect(str(where.path))
        except OSError:
            conn.close()
            raise
        return conn
    return socket.create_connection((where.host, where.port), timeout=timeout_s)


def answers(timeout_s: float = TIMEOUT_S, where: Address | None = None) -> str:
    """Whether read-aloud can reach speech-dispatcher now: "" if it answered, else why not.

    Starts it if nothing listens yet, as the kiosk would (``kiosk doctor``'s voice check).
    """
    try:
        open_session(
            where or address(),
            timeout_s=timeout_s,
            start=start_dispatcher,
            client_name="kiosk:doctor:main",
        ).close()
    except SsipError as exc:
        return str(exc)
    return ""
