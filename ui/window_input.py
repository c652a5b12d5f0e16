"""Watch input where it enters the kiosk's window, not application-wide (issue 16).

The idle guard and the shortcut blocker only need the touches, clicks and keys a resident
makes. As application-wide event filters they were called from C++ into Python for every
event of every widget: about 450 calls per screen change (paint, layout, polish...), and
the first of them made PySide6 resolve its lazily created types, building some 180 Python
enums (~15-50 ms) before the home screen was shown. Every touch, click and key press
first reaches the top-level window's :class:`QWindow`, which hands it on to the widget
under the finger; a filter there sees all of them and little else.

The QWindow exists only once the window is shown (``kiosk run`` installs the shortcut
blocker before :func:`ui.technician.lockdown.lock_down` shows the window), and Qt may
replace it when the native window is recreated, so the filter follows it: a filter on
the window widget itself (its own events only) attaches on ``WinIdChange`` and ``Show``.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QWidget

_HANDLE_CHANGED = (QEvent.Type.WinIdChange, QEvent.Type.Show)


class WindowInput(QObject):
    """Installs ``watcher`` as an event filter on ``window``'s QWindow, now and after every change."""

    def __init__(self, window: QWidget, watcher: QObject) -> None:
        super().__init__(watcher)
        self._window = window
        self._watcher = watcher
        self._handle: QWindow | None = None
        window.installEventFilter(self)
        self._attach()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _HANDLE_CHANGED:
            self._attach()
        return False

    def _attach(self) -> None:
        handle = self._window.windowHandle()
        if handle is None or handle is self._handle:
            return
        handle.installEventFilter(self._watcher)
        self._handle = handle  # a replaced QWindow took its filters with it when deleted

    def stop(self) -> None:
        if shiboken6.isValid(self._window):
            self._window.removeEventFilter(self)
        if self._handle is not None and shiboken6.isValid(self._handle):
            self._handle.removeEventFilter(self._watcher)
        self._handle = None
