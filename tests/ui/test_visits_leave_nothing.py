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


def _alive(qtbot, rig) -> tuple[int, int, int]:
    """Once deferred deletions ran: QObjects under the window, every widget of the application
    (parentless ones too), and the journey's listeners."""
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        qtbot.wait(5)  # event-loop turns: deleteLater() is done there
    return (
        len(rig.window.findChildren(QObject)),
        len(QApplication.allWidgets()),
        len(rig.journey._listeners),
    )


def _visit(qtbot, rig) -> None:
    """A card visit that builds per-visit widgets (item tiles, guide pages, a question), and
    a 我要反映 visit (pinyin candidates), each ended by 结束办理 / 完成."""
    rig.card_sim.insert(CARD)
    qtbot.waitUntil(lambda: rig.journey.step in (Step.FIND_ITEM, Step.DRAFT_OFFER), timeout=10_000)
    if rig.journey.step is Step.DRAFT_OFFER:  # the last visit's answer was kept as a draft
        tap(qtbot, rig, "discard_draft")
    tap(qtbot, rig, "category_0")
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "ylbx")
    tap(qtbot, rig, "item_RS-YL-001")
    tap(qtbot, rig, "begin_form")
    tap(qtbot, rig, "next")
    tap(qtbot, rig, "nav_home")
    tap(qtbot, rig, "go_home")
    rig.card_sim.remove()
    qtbot.waitUntil(lambda: rig.kiosk.reader.status.value == "no_card", timeout=5_000)
    tap(qtbot, rig, "tile_request")
    for syllable in ("lu", "deng", "huai", "le", "hen", "jiu"):
        tap_keys(qtbot, rig, syllable)
        tap(qtbot, rig, "candidate_0")
    tap(qtbot, rig, "send_request")
    assert rig.journey.step is Step.REQUEST_DONE, rig.journey.session.error
    tap(qtbot, rig, "finish")
    tap(qtbot, rig, "go_home")


def test_visits_leave_no_widgets_or_listeners_behind(qtbot, rig):
    """bench/bench_day.py runs a thousand visits; this keeps the count after 12 equal to the
    count after 3 (widgets built per visit must be deleted, listeners not added per visit)."""
    for _ in range(3):  # every screen on the way built, caches warm
        _visit(qtbot, rig)
    after_three = _alive(qtbot, rig)
    for _ in range(9):
        _visit(qtbot, rig)
    assert _alive(qtbot, rig) == after_three
