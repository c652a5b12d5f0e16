"""Does speech-dispatcher answer? Asked before the kiosk builds its ``speechd`` voice.

libspeechd's ``spd_open`` (inside ``QTextToSpeech("speechd")``) waits without a timeout for
speech-dispatcher's first reply; a dispatcher that accepts connections but never replies
froze the kiosk (``ui/speech.py``). This asks the same first question, with a timeout:
the SSIP greeting every client sends, ``SET self CLIENT_NAME``, whose reply starts ``208``.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

PROBE_TIMEOUT_S = 5.0
"""A healthy dispatcher answers in milliseconds; a busy board may take a second."""


def socket_path(environ: dict[str, str] | None = None) -> Path | None:
    """Where libspeechd connects: ``SPEECHD_ADDRESS`` (``unix_socket:PATH``) or its default,
    ``speech-dispatcher/speechd.sock`` in the user's runtime directory (else cache directory).
    ``None`` for an ``inet_socket:`` address, which this does not ask."""
    env = os.environ if environ is None else environ
    address = env.get("SPEECHD_ADDRESS", "")
    if address:
        kind, _, rest = address.partition(":")
        return Path(rest) if kind == "unix_socket" and rest else None
    runtime = env.get("XDG_RUNTIME_DIR") or env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(runtime) / "speech-dispatcher" / "speechd.sock"


def answers(timeout_s: float = PROBE_TIMEOUT_S, path: Path | None = None) -> bool | None:
    """True: it replied; False: it is there but silent (or refuses); None: nothing listens
    there yet (libspeechd then starts speech-dispatcher itself) or the address is not a
    local socket."""
    where = path if path is not None else socket_path()
    if where is None:
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout_s)
        try:
            conn.connect(str(where))
        except (FileNotFoundError, ConnectionRefusedError):
            return None
        except OSError:
            return False
        try:
            conn.sendall(b"SET self CLIENT_NAME kiosk:probe:main\r\n")
            reply = conn.recv(256)
            conn.sendall(b"QUIT\r\n")
        except OSError:  # TimeoutError included
            return False
    return reply.startswith(b"2")
