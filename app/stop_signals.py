"""Ctrl-C and SIGTERM end ``kiosk run`` cleanly: the event loop returns, the closers run.

Python runs a signal handler only between bytecodes. While Qt's event loop waits in C++,
a SIGINT used to surface as ``KeyboardInterrupt`` inside whatever Python callback ran
next (an event filter), printing a traceback while the kiosk kept running; SIGTERM
(``systemctl stop``, the technician's ``kill``) ended the process at once, without
stopping the devices or closing the store. Here the C-level handler writes the signal
number to a socket (:func:`signal.set_wakeup_fd`), a :class:`QSocketNotifier` wakes the
event loop at once, and the Python handler asks the loop to quit. No polling timer.
"""

from __future__ import annotations

import signal
import socket
from types import FrameType

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)


class QuitOnSignals(QObject):
    """Installed once per ``kiosk run``; :attr:`received` is the signal that ended the loop."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.received: int | None = None
        self._app = app
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        self._app.quit()

    def _drain(self) -> None:
        """The Python handler has already run by the time this slot does; empty the pipe."""
        try:
            while self._reader.recv(64):
                pass
        except BlockingIOError:
            pass

    def exit_code(self, loop_result: int) -> int:
        """128 + the signal's number, as a shell reports a process a signal stopped."""
        return 128 + self.received if self.received is not None else loop_result

    def uninstall(self) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
