"""What one resident's visit leaves behind for the next (issue 16, goal 6: a day without leaks).

Found by ``bench/bench_day.py`` and ``bench/bench_ui.py --only-taps``, which drive visit
after visit through the real widgets and the card simulator.
"""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.journey import Step
from tests.ui.taps import current_screen, find, tap, tap_keys, wait_step

CARD = "resident-longterm"


def test_the_search_keyboard_is_closed_for_the_next_resident(qtbot, rig):
    """The wipe at the end of a visit runs while another screen is shown; it asked the
    keyboard ``isVisible()``, which is False then, so a keyboard left open stayed open and
    the next resident's 打字搜索 tap closed it instead."""
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "ylbx")
    tap(qtbot, rig, "item_RS-YL-001")  # the guide is shown: the keyboard is left open behind it
    tap(qtbot, rig, "nav_home")  # 结束办理
    tap(qtbot, rig, "go_home")
    rig.card_sim.remove()
    qtbot.waitUntil(lambda: rig.kiosk.reader.status.value == "no_card", timeout=5_000)

    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    screen = current_screen(rig)
    assert screen.findChild(QWidget, "category_heading").isVisible()  # the categories again
    assert not find(rig, QPushButton, "show_keyboard").isChecked()
    assert not [key for key in screen.findChildren(QPushButton, "key_y") if key.isVisible()]
    tap(qtbot, rig, "show_keyboard")  # one tap opens it, as for the first resident
    assert find(rig, QPushButton, "key_y").isVisible()
