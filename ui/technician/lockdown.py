"""Kiosk-mode lockdown inside the app: fullscreen, no decorations, no shortcut leads out.

The compositor (cage, see deploy/) already has no task switcher or desktop; this
filter additionally swallows the shortcuts Qt itself or a misconfigured session
would honour, so a resident with a keyboard cannot close or leave the kiosk.
Maintenance mode (technician PIN) is the only way to reach anything else.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from ui.window_input import WindowInput

_BLOCKED_KEYS = frozenset(
    {
        Qt.Key.Key_F4,  # Alt+F4
        Qt.Key.Key_Tab,  # Alt+Tab, Ctrl+Tab
        Qt.Key.Key_Escape,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_Menu,
        Qt.Key.Key_Q,  # Ctrl+Q
        Qt.Key.Key_W,  # Ctrl+W
        Qt.Key.Key_Backspace,  # Ctrl+Alt+Backspace
        Qt.Key.Key_Delete,  # Ctrl+Alt+Delete
    }
)
_MODIFIERS = (
    Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.MetaModifier
)


def is_escape_shortcut(event: QKeyEvent) -> bool:
    """Shortcuts that could close or leave the kiosk window."""
    key = Qt.Key(event.key())
    if key in (Qt.Key.Key_Meta, Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_Menu):
        return True
    if event.modifiers() & _MODIFIERS and key in _BLOCKED_KEYS:
        return True
    return Qt.Key.Key_F1 <= key <= Qt.Key.Key_F35 and bool(event.modifiers() & _MODIFIERS)


class ShortcutBlocker(QObject):
    """Event filter on the kiosk window: its keys where they enter it (:mod:`ui.window_input`)
    and its own close events. ``enabled`` is False while maintenance mode is open.

    The app defines no QShortcut or QAction shortcut, so every key a resident presses
    reaches the window's QWindow as a key press before any widget: nothing that could
    lead out passes by. Not application-wide: that filter ran Python for every event of
    every widget (issue 16)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = True
        self.installed = False
        self.blocked = 0
        self._input: WindowInput | None = None

    def install(self, window: QWidget) -> None:
        if self.installed:
            return
        window.installEventFilter(self)  # close requests reach the widget
        self._input = WindowInput(window, self)  # keys reach its QWindow first
        self.installed = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            self.enabled
            and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and is_escape_shortcut(event)
        ):
            self.blocked += 1
            return True
        if (
            self.enabled
            and event.type() == QEvent.Type.Close
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and watched.property("kiosk_locked")
        ):
            event.ignore()
            return True
        return False


def lock_down(window: QWidget, blocker: ShortcutBlocker) -> None:
    """Frameless, always on top, fullscreen; the window refuses to close while locked."""
    window.setWindowFlags(
        Qt.WindowType.FramelessWindowHint
        | Qt.WindowType.WindowStaysOnTopHint
        | Qt.WindowType.Window
    )
    window.setProperty("kiosk_locked", True)
    blocker.install(window)
    blocker.enabled = True
    window.showFullScreen()


def release(window: QWidget, blocker: ShortcutBlocker) -> None:
    """Maintenance mode: shortcuts and closing allowed again until :func:`lock_down`."""
    blocker.enabled = False
    window.setProperty("kiosk_locked", False)
