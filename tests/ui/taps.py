"""Helpers that drive the UI the way a resident does: by tapping visible buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget

from kiosk.journey import Step


def current_screen(rig) -> QWidget:
    return rig.window.router.current


def find(rig, kind, name: str):
    """The visible widget; pending events (queued shows of rebuilt lists) are processed first,
    as they would be before a real finger lands."""
    QApplication.processEvents()
    screen = current_screen(rig)
    for widget in screen.findChildren(kind, name):
        if widget.isVisible():
            return widget
    for widget in rig.window.findChildren(kind, name):  # banner, dock
        if widget.isVisible():
            return widget
    raise AssertionError(f"no visible {kind.__name__} {name!r} on {screen.objectName()}")


def tap(qtbot, rig, name: str) -> None:
    button = find(rig, QPushButton, name)
    assert button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def tap_keys(qtbot, rig, text: str) -> None:
    """Type on the on-screen number pad or keyboard of the current screen."""
    for char in text:
        tap(qtbot, rig, f"key_{char.lower() if char.isalpha() and char != 'X' else char}")


def text_of(rig, name: str) -> str:
    screen = current_screen(rig)
    widget = screen.findChild(QLabel, name) or screen.findChild(QLineEdit, name)
    assert widget is not None, name
    return widget.text()


def wait_step(qtbot, rig, step: Step, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: rig.journey.step is step, timeout=timeout)


def at(journey: Any) -> Step:
    """The journey's step, read fresh (a function, so type checkers do not pin it)."""
    step: Step = journey.step
    return step
