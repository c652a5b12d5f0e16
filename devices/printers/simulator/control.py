"""The simulator's control channel: JSON lines over a unix socket.

Request ``{"cmd": "paper-out"}`` (or ``paper-in``, ``near-end``, ``cover-open``,
``cover-close``, ``offline``, ``online``, ``mute``, ``unmute``,
``paper-lines`` with ``"lines": N``, ``status``, ``jobs``); answer
``{"ok": true, "state": {...}}`` or ``{"ok": false, "error": "..."}``.
Any process can drive it: the dev dock, ``kiosk sim printer``, a test.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from pathlib import Path
from typing import Any

from devices.printers.simulator.server import PrinterSimulator


class _Handler(socketserver.StreamRequestHandler):
    server: _ControlServer

    def handle(self) -> None:
        for raw in self.rfile:
            try:
                request = json.loads(raw)
                args = {k: v for k, v in request.items() if k != "cmd"}
                reply: dict[str, Any] = {
                    "ok": True,
                    **self.server.sim.control(request["cmd"], **args),
                }
            except (ValueError, KeyError, TypeError) as exc:
                reply = {"ok": False, "error": str(exc)}
            self.wfile.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")


class _ControlServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path, sim: PrinterSimulator) -> None:
        self.sim = sim
        super().__init__(str(path), _Handler)


class ControlServer:
    """Serves ``sim`` on the unix socket ``path`` from a background thread."""

    def __init__(self, sim: PrinterSimulator, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        self._server = _ControlServer(path, sim)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="printer-sim-control", daemon=True
        )

    def start(self) -> ControlServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Idempotent: the owner and an atexit hook may both call it."""
        if not self._thread.is_alive():
            self._server.server_close()
            self.path.unlink(missing_ok=True)
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.path.unlink(missing_ok=True)


def send_command(path: Path, cmd: str, timeout: float = 5.0, **args: Any) -> dict[str, Any]:
    """Send one command to a running simulator and return its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        sock.sendall(json.dumps({"cmd": cmd, **args}).encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
    reply: dict[str, Any] = json.loads(buf)
    return reply
