"""Ctrl-C and SIGTERM end ``kiosk run``: no traceback, the shutdown steps run, exit 128 + n.

Before the fix a SIGINT surfaced as ``KeyboardInterrupt`` inside a Qt event filter (a
traceback, and the kiosk kept running) and a SIGTERM killed the process without stopping
the devices or closing the store. The real CLI runs in a subprocess; it tells the test
when it is up and when it stops through the systemd notify socket it already speaks
(``READY=1`` once the window shows, ``STOPPING=1`` from the shutdown path), so the test
waits on those datagrams, never on time.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

WAIT_S = 120  # a ceiling on a busy CI machine, never a pace: every wait ends on a datagram


def _next_message(sock: socket.socket) -> str:
    return sock.recv(256).decode()


@pytest.mark.parametrize(
    ("sig", "argv"),
    [
        (signal.SIGINT, ["run", "--windowed"]),
        (signal.SIGTERM, ["run", "--windowed"]),
        (signal.SIGINT, ["run", "--demo"]),
    ],
    ids=["ctrl-c", "sigterm", "ctrl-c-demo"],
)
def test_stop_signal_quits_the_loop_and_runs_the_shutdown_steps(
    tmp_path: Path, sig: signal.Signals, argv: list[str]
) -> None:
    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(address)
        notify.settimeout(WAIT_S)
        env = dict(os.environ)
        env.update(
            KIOSK_HOME=str(tmp_path / "home"),
            QT_QPA_PLATFORM="offscreen",
            NOTIFY_SOCKET=address,
        )
        env.pop("WATCHDOG_USEC", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert _next_message(notify) == "READY=1"
            proc.send_signal(sig)
            assert _next_message(notify) == "STOPPING=1"  # the shutdown path ran
            _out, err = proc.communicate(timeout=WAIT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert "Traceback" not in err, err
    assert "KeyboardInterrupt" not in err, err
    assert proc.returncode == 128 + sig, err
