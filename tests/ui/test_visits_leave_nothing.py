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


def test_the_form_keyboard_kept_across_questions_starts_each_question_afresh(qtbot, rig):
    """The form keeps one keyboard (and one pad of each kind) instead of building one per
    question; letters composing, or the writing pad, on one question must not carry over."""
    from tests.ui.taps import at, text_of

    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "ylbx")
    tap(qtbot, rig, "item_RS-YL-001")
    tap(qtbot, rig, "begin_form")
    assert rig.journey.current_field().key == "name"
    tap_keys(qtbot, rig, "zh")  # composing, not picked
    assert text_of(rig, "composing") == "拼音：zh"
    tap(qtbot, rig, "key_handwrite")  # and the writing pad open
    tap(qtbot, rig, "next")  # ID number: the pad with X
    assert find(rig, QPushButton, "key_X").isVisible()
    tap(qtbot, rig, "next")
    tap_keys(qtbot, rig, "13812345678")  # phone: the plain pad
    assert not [k for k in current_screen(rig).findChildren(QPushButton, "key_X") if k.isVisible()]
    tap(qtbot, rig, "next")
    assert rig.journey.current_field().key == "address"
    assert text_of(rig, "composing") == ""
    assert find(rig, QPushButton, "key_a").isVisible()  # the letter keys, not the writing pad
    assert not find(rig, QPushButton, "key_handwrite").isChecked()
    assert not [
        b
        for b in current_screen(rig).findChildren(QPushButton)
        if b.objectName().startswith("candidate_") and b.isVisible()
    ]
    tap(qtbot, rig, "next")
    tap(qtbot, rig, "option_0")
    tap(qtbot, rig, "option_0")
    assert at(rig.journey) is Step.REVIEW
