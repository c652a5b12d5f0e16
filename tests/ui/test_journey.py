"""The journey on the touchscreen: the router and the back button follow the core's tables.

The journey itself (tables, back stack, sub-flows) is tested without Qt in
tests/core/test_journey.py; here real widgets are tapped offscreen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from kiosk.journey import Step
from tests.ui.taps import at, current_screen, find, tap, tap_keys

ID = "130608195804123029"


def test_the_router_has_one_screen_per_step(rig):
    screens = rig.window.router.screens
    assert set(screens) == set(Step)
    assert all(screen.step is step for step, screen in screens.items())


def test_the_back_button_retraces_the_screens_visited(qtbot, rig):
    tap(qtbot, rig, "tile_apply")
    tap(qtbot, rig, "type_id")
    tap_keys(qtbot, rig, ID)
    tap(qtbot, rig, "confirm")
    tap_keys(qtbot, rig, "li")
    tap(qtbot, rig, "candidate_0")
    tap(qtbot, rig, "confirm")
    assert at(rig.journey) is Step.FIND_ITEM
    for step in (Step.TYPE_NAME, Step.TYPE_ID, Step.IDENTIFY):
        tap(qtbot, rig, "nav_back")
        assert at(rig.journey) is step
        assert current_screen(rig).step is step
    tap(qtbot, rig, "nav_back")  # from identify: the only way back is home
    assert at(rig.journey) is Step.HOME and rig.journey.back_stack == ()


def test_going_back_keeps_the_typed_id_number_on_screen(qtbot, rig):
    tap(qtbot, rig, "tile_apply")
    tap(qtbot, rig, "type_id")
    tap_keys(qtbot, rig, ID)
    tap(qtbot, rig, "confirm")
    assert at(rig.journey) is Step.TYPE_NAME
    tap(qtbot, rig, "nav_back")
    assert at(rig.journey) is Step.TYPE_ID
    assert find(rig, QLineEdit, "id_number").text() == ID
