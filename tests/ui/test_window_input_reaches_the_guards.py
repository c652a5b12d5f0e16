"""The idle guard and the shortcut blocker see input where it really arrives (issue 16).

They used to be application-wide event filters: Python ran for every event of every
widget (~450 per screen change), and the first call made PySide6 build ~180 enums before
the home screen. They now watch the kiosk window's QWindow, which receives every touch,
click and key before the widget under it. These tests deliver input the way the
platform does, to the QWindow (``QTest`` on the window handle goes through Qt's window
system interface), never by calling the filters, including a QWindow created after the
filter was installed (``lock_down`` shows the window).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QWidget

from kiosk.journey import Step
from tests.ui.taps import tap, wait_step
from ui.technician.lockdown import ShortcutBlocker, lock_down, release


def _away_from_home_with_the_wait_stopped(qtbot, rig) -> None:
    tap(qtbot, rig, "tile_my_applications")
    wait_step(qtbot, rig, Step.IDENTIFY)
    rig.window.idle.idle.stop()  # as if the wait had run out of interest; input must restart it
    assert not rig.window.idle.idle.isActive()


def test_a_touch_on_the_window_restarts_the_idle_wait(qtbot, rig):
    _away_from_home_with_the_wait_stopped(qtbot, rig)
    handle = rig.window.windowHandle()
    assert handle is not None
    QTest.mouseClick(
        handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(5, 5)
    )
    assert rig.window.idle.idle.isActive()


def test_a_key_on_the_window_restarts_the_idle_wait(qtbot, rig):
    _away_from_home_with_the_wait_stopped(qtbot, rig)
    QTest.keyClick(rig.window.windowHandle(), Qt.Key.Key_5)
    assert rig.window.idle.idle.isActive()


def test_the_idle_guard_is_not_an_application_wide_filter(qtbot, rig):
    """Events sent straight to a widget outside the kiosk's window (no QWindow on the way)
    are not seen: the guard no longer runs Python for every event of the application."""
    _away_from_home_with_the_wait_stopped(qtbot, rig)
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    QTest.keyClick(other, Qt.Key.Key_5)  # QTest on a widget: QApplication::notify, no QWindow
    assert other.text() == "5"  # the widget did get the key ...
    assert not rig.window.idle.idle.isActive()  # ... and the guard never saw it


def test_lockdown_blocks_an_escape_shortcut_typed_on_the_window_it_shows(qtbot):
    """As in ``kiosk run``: the blocker is installed before the window has a QWindow."""
    window = QWidget()
    qtbot.addWidget(window)
    blocker = ShortcutBlocker()
    assert window.windowHandle() is None
    lock_down(window, blocker)  # shows it full screen: the QWindow is created now
    qtbot.waitUntil(lambda: window.windowHandle() is not None and window.isVisible())
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    blocked = blocker.blocked
    assert blocked >= 1
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_5)  # typing still goes through
    assert blocker.blocked == blocked
    release(window, blocker)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert blocker.blocked == blocked
