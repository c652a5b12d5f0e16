"""The booking screens (issue 13 item 4) meet the elder-friendly targets of every screen
(tests/ui/test_accessibility.py's checks): font sizes, 60 px targets, gaps, no scrolling,
in both orientations, normal and 长辈模式, with the home visit first and without."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.journey import Step
from tests.ui.test_accessibility import check_screen, fits_without_scrolling
from ui.theme import Theme
from ui.tour import keep_mode, reach


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
@pytest.mark.parametrize("theme", [Theme(), Theme(large=True)], ids=["normal", "large"])
def test_booking_screens_meet_the_elder_friendly_targets(qtbot, rig, theme, size):
    window = rig.window
    window.resize(*size)
    keep_mode(window, theme)
    problems: dict[str, list[str]] = {}
    for name, step, first, choice in (
        ("booking", Step.BOOKING, False, None),
        ("booking (home visit first)", Step.BOOKING, True, None),
        ("booking: window slots", Step.BOOKING, False, "choose_window"),
        ("booking: home visit", Step.BOOKING, True, "choose_visit"),
        ("booked", Step.BOOKED, False, None),
        # the screens that gained the 预约窗口 / 上门服务 button
        ("guide", Step.GUIDE, False, None),
        ("materials", Step.MATERIALS, False, None),
    ):
        reach(rig.journey, step)
        if first:
            rig.journey.declare_disability(True)
        assert rig.journey.step is step
        if choice is not None:
            window.router.current.findChild(QPushButton, choice).click()
        QApplication.processEvents()
        found = check_screen(window, theme)
        window.banner.hide()
        found += fits_without_scrolling(window.router.current)
        if found:
            problems[name] = found
    reach(rig.journey, Step.HOME)
    assert not problems, problems
