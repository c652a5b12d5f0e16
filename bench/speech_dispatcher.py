"""A private speech-dispatcher whose sound goes to ALSA's null device, for the benches.

This machine has no sound card, and speech-dispatcher 0.11.4 with no working audio output
deadlocks after the first text it is asked to say ("Audio event but server audio not set
up": its espeak-ng module blocks writing to it, and it stops answering). A kiosk has a sound
card; the benches give it one that discards the samples: ``pcm.!default { type null }`` in
the dispatcher's own ``~/.asoundrc`` and ``AudioOutputMethod "alsa"`` in a copy of its
configuration. ``SPEECHD_ADDRESS`` points this process and its children at it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def null_audio_dispatcher() -> Iterator[Path | None]:
    """Yields the socket's path, or None (and changes nothing) without speech-dispatcher."""
    program = shutil.which("speech-dispatcher")
    if program is None or not Path("/etc/speech-dispatcher").is_dir():
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="spd-"))
    home, conf, sock = root / "home", root / "conf", root / "speechd.sock"
    home.mkdir()
    shutil.copytree("/etc/speech-dispatcher", conf)
    with (conf / "speechd.conf").open("a") as config:
        config.write('\nAudioOutputMethod "alsa"\n')
    (home / ".asoundrc").write_text("pcm.!default { type null }\n")
    server = subprocess.Popen(
        [
            program,
            "--run-single",
            "--timeout",
            "0",
            "--config-dir",
            str(conf),
            "--communication-method",
            "unix_socket",
            "--socket-path",
            str(sock),
            "--log-dir",
            str(root),
            "--pid-file",
            str(root / "pid"),
        ],
        env={**os.environ, "HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    before = os.environ.get("SPEECHD_ADDRESS")
    try:
        deadline = time.monotonic() + 30
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.environ["SPEECHD_ADDRESS"] = f"unix_socket:{sock}"
        yield sock
    finally:
        if before is None:
            os.environ.pop("SPEECHD_ADDRESS", None)
        else:
            os.environ["SPEECHD_ADDRESS"] = before
        os.killpg(server.pid, signal.SIGKILL)  # a throwaway; a hung one ignores SIGTERM
        server.wait(10)
        shutil.rmtree(root, ignore_errors=True)
