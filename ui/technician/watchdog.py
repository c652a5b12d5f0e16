"""systemd readiness and watchdog pings from the GUI thread (deploy/systemd/kiosk.service).

The unit is ``Type=notify`` with ``WatchdogSec``: :meth:`SystemdWatchdog.start`
sends ``READY=1`` and then ``WATCHDOG=1`` from a QTimer on the GUI thread, so
a frozen event loop (a blocked GUI, a deadlock) stops the pings and systemd
restarts the kiosk. Outside systemd (no ``NOTIFY_SOCKET``) it does nothing.
The protocol is sd_notify(3): one datagram to a Unix socket.
"""

from __future__ import annotations

import os
import socket

from PySide6.QtCore import QObject, QTimer


def notify_socket_address(environ: dict[str, str] | None = None) -> str | None:
    """Where systemd listens (``NOTIFY_SOCKET``; a leading ``@`` is the abstract namespace)."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if not address:
        return None
    return "\0" + address[1:] if address.startswith("@") else address


def watchdog_interval_ms(environ: dict[str, str] | None = None) -> int | None:
    """Half the watchdog period systemd set (``WATCHDOG_USEC``), as systemd recommends."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    return max(1000, int(usec) // 2000) if usec.isdigit() else None


def sd_notify(message: str, address: str | None) -> bool:
    if address is None:
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.sendto(message.encode(), address)
        except OSError:
            return False
    return True


class SystemdWatchdog(QObject):
    def __init__(
        self, environ: dict[str, str] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.address = notify_socket_address(environ)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.ping)
        interval = watchdog_interval_ms(environ)
        if interval is not None:
            self.timer.setInterval(interval)
        self._has_watchdog = interval is not None
        self.pings = 0

    def start(self) -> None:
        """Call once the main window shows."""
        sd_notify("READY=1", self.address)
        if self._has_watchdog and self.address is not None:
            self.timer.start()

    def ping(self) -> None:
        if sd_notify("WATCHDOG=1", self.address):
            self.pings += 1

    def stopping(self) -> None:
        self.timer.stop()
        sd_notify("STOPPING=1", self.address)
