"""Helpers that drive the UI the way a resident does: by tapping visible buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget

from kiosk.journey import Step


def current_screen(rig) -> QWidget:
    return rig.window.router.current


def _visible(rig, kind, name: str):
    QApplication.processEvents()
    for widget in current_screen(rig).findChildren(kind, name):
        if widget.isVisible():
            return widget
    for widget in rig.window.findChildren(kind, name):  # banner, dock
        if widget.isVisible():
            return widget
    return None


def find(rig, kind, name: str):
    """The visible widget; pending events (queued shows of rebuilt lists) are processed first,
    as they would be before a real finger lands."""
    widget = _visible(rig, kind, name)
    if widget is None:
        screen = current_screen(rig)
        raise AssertionError(f"no visible {kind.__name__} {name!r} on {screen.objectName()}")
    return widget


def tap(qtbot, rig, name: str) -> None:
    if name.startswith("candidate_"):
        # librime deploys in the background from the moment a pinyin keyboard is shown; the
        # letters typed meanwhile get their candidates when it is ready, and a resident taps
        # one once it is there (ui/widgets.py Keyboard._candidates_now).
        qtbot.waitUntil(lambda: _visible(rig, QPushButton, name) is not None, timeout=10_000)
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
