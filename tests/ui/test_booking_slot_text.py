"""The window-slot buttons of the booking screen show their whole text in every mode.

The fault: each button said the whole slot ("2026年12月4日（星期五）上午 9:00—11:30"), two to a
row; in portrait (1080 px) the text was wider than the button and cut off at both ends, so a
resident could not read the date or the end of the half day. The accessibility check measures
sizes and gaps, not whether a button's text fits it, so it passed. Now each day is a line of
its own (read aloud with the page) and the buttons say only the half day."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.journey import Step
from ui.theme import Theme
from ui.tour import keep_mode, reach

PADDING_PX = 2 * 24 + 2 * 3  # the theme's button padding and border, left and right


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
@pytest.mark.parametrize("theme", [Theme(), Theme(large=True)], ids=["normal", "large"])
def test_slot_buttons_text_is_not_cut_off(qtbot, rig, theme, size):
    window = rig.window
    window.resize(*size)
    keep_mode(window, theme)
    reach(rig.journey, Step.BOOKING)
    window.router.current.findChild(QPushButton, "choose_window").click()
    QApplication.processEvents()
    screen = window.router.current
    slots = [b for b in screen.findChildren(QPushButton) if b.objectName().startswith("slot_")]
    shown = [b for b in slots if b.isVisible()]
    assert shown, "no slot on the first page"
    cut = []
    for button in shown:
        metrics = button.fontMetrics()
        widest = max(metrics.horizontalAdvance(line) for line in button.text().split("\n"))
        if widest + PADDING_PX > button.width():
            cut.append(f"{button.text()!r}: {widest + PADDING_PX}px in {button.width()}px")
    assert not cut, cut
    days = [
        w.text()
        for w in screen.findChildren(QLabel)
        if w.objectName().startswith("slot_day_") and w.isVisible()
    ]
    assert days and all("月" in d and "星期" in d for d in days)
    reach(rig.journey, Step.HOME)
