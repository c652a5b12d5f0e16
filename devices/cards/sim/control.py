"""The simulator's control channel: JSON lines over a unix socket in the run directory.

One request per line, e.g. ``{"action": "insert", "profile": "resident-longterm"}``;
one answer per line, ``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}``.
A unix socket (not TCP) keeps the dev dock local to the machine and owned by the
user (mode 0600).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from devices.cards.sim.sam_simulator import SamSimulator

log = logging.getLogger(__name__)

ACTIONS = (
    "insert",
    "remove",
    "bad-checksum",
    "garbage",
    "fail-read",
    "silent",
    "talk",
    "unplug",
    "replug",
    "read-delay",
    "status",
)


def control_path(run_dir: Path) -> Path:
    return run_dir / "sam-control.sock"


def handle_request(sim: SamSimulator, request: dict[str, Any]) -> dict[str, Any]:
    """Apply one control request; pure dispatch, so tests can call it without a socket."""
    action = request.get("action")
    count = int(request.get("count", 1))
    if action == "insert":
        profile = str(request.get("profile", ""))
        if profile not in sim.profiles:
            return {"ok": False, "error": f"unknown profile {profile!r}"}
        sim.insert(profile)
    elif action == "remove":
        sim.remove()
    elif action == "bad-checksum":
        sim.bad_checksum(count)
    elif action == "garbage":
        sim.garbage(count, instead=bool(request.get("instead", False)))
    elif action == "fail-read":
        sim.fail_reads(count)
    elif action == "silent":
        sim.silent(True)
    elif action == "talk":
        sim.silent(False)
    elif action == "unplug":
        sim.unplug()
    elif action == "replug":
        sim.replug()
    elif action == "read-delay":
        sim.read_delay = float(request.get("seconds", 0.0))
    elif action != "status":
        return {"ok": False, "error": f"unknown action {action!r}"}
    return {"ok": True, "state": asdict(sim.state()), "port": sim.port_path}


class ControlServer:
    """Accept control connections for one simulator on a background thread."""

    def __init__(self, sim: SamSimulator, path: Path) -> None:
        self.sim = sim
        self.path = path
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(str(self.path))
        os.chmod(self.path, 0o600)
        self._sock.listen(8)
        self._thread = threading.Thread(target=self._accept, name="sam-sim-control", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._closed.set()
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(5)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _accept(self) -> None:
        sock = self._sock
        assert sock is not None
        while not self._closed.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as stream:
                for line in stream:
                    try:
                        answer = handle_request(self.sim, json.loads(line))
                    except (ValueError, TypeError, KeyError, TimeoutError) as exc:
                        answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                    stream.write(json.dumps(answer).encode() + b"\n")
                    stream.flush()


def send_control(path: Path, request: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    """Send one request to a running simulator and return its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        sock.sendall(json.dumps(request).encode() + b"\n")
        with sock.makefile("rb") as stream:
            line = stream.readline()
    if not line:
        raise ConnectionError("simulator closed the control connection")
    answer: dict[str, Any] = json.loads(line)
    return answer
