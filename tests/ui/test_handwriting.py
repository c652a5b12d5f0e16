"""The keyboard's 手写 and phrase-pinyin modes, driven by taps and finger strokes.

Real engines: zinnia with Debian's Tegaki model and librime with luna_pinyin
(scripts/setup installs them; the tests skip, saying so, only where they are absent).
Strokes are the hand-made skeletons of tests/input/strokes/make_strokes.py, drawn on
the pad with press, moves and release, as a finger does.
"""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton

from kiosk.journey import Step
from tests.input.strokes.make_strokes import SKELETONS
from tests.ui.taps import at, find, tap, tap_keys, text_of
from tests.ui.test_accessibility import check_screen
from ui.handwriting import PAD_PX, HandwritingPanel, WritingPad
from ui.theme import Theme
from ui.tour import reach


@pytest.fixture(autouse=True)
def _engines():
    from devices.input import rime
    from devices.input.factory import open_handwriting

    if open_handwriting() is None:
        pytest.skip(
            "zinnia / tegaki-zinnia-simplified-chinese not installed (scripts/setup installs them)"
        )
    if not rime.available():
        pytest.skip("librime / rime-data-luna-pinyin not installed (scripts/setup installs them)")
    # Deployed before the tests type, as it is before a resident's first letter (a keyboard
    # starts it when shown; letters typed earlier get their candidates when it is ready).
    rime.shared_engine().wait_ready()


def write(qtbot, pad: WritingPad, char: str) -> None:
    """Draw ``char``'s strokes on the pad: press, a move every few pixels, release."""
    side = pad.width()

    def at_pad(x: float, y: float) -> QPoint:
        return QPoint(round(side * (0.1 + 0.8 * x / 100)), round(side * (0.1 + 0.8 * y / 100)))

    for stroke in SKELETONS[char]:
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=at_pad(*stroke[0]))
        for (ax, ay), (bx, by) in itertools.pairwise(stroke):
            for step in range(1, 9):
                t = step / 8
                qtbot.mouseMove(pad, at_pad(ax + (bx - ax) * t, ay + (by - ay) * t))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=at_pad(*stroke[-1]))


def settle() -> None:
    """Let the rebuilt candidate bars' layouts land (posted layout requests, then the scroll
    area's resize they cause), as they have long before a finger lands."""
    for _ in range(3):
        QApplication.processEvents()


def panel(rig) -> HandwritingPanel:
    return find(rig, HandwritingPanel, "handwriting_panel")


def wait_candidates(qtbot, rig) -> list[str]:
    qtbot.waitUntil(lambda: bool(panel(rig).candidates), timeout=10_000)
    return panel(rig).candidates


def choose(qtbot, rig, char: str) -> None:
    found = wait_candidates(qtbot, rig)
    assert char in found, found
    tap(qtbot, rig, f"hw_candidate_{found.index(char)}")


def to_type_name(qtbot, rig) -> None:
    tap(qtbot, rig, "tile_apply")
    tap(qtbot, rig, "type_id")
    tap_keys(qtbot, rig, "130608195804123029")
    tap(qtbot, rig, "confirm")
    assert at(rig.journey) is Step.TYPE_NAME


def test_a_name_written_stroke_by_stroke_and_chosen_ends_up_in_the_form(qtbot, rig):
    to_type_name(qtbot, rig)
    tap(qtbot, rig, "key_handwrite")
    pad = find(rig, WritingPad, "writing_pad")
    assert pad.width() >= 400 and pad.height() >= 400
    write(qtbot, pad, "李")  # recognised by itself after the pause
    choose(qtbot, rig, "李")
    assert rig.kiosk.voice.last_text == "李"  # the chosen character is read aloud
    assert pad.strokes == [] and panel(rig).candidates == []
    write(qtbot, pad, "明")
    tap(qtbot, rig, "hw_recognise")
    choose(qtbot, rig, "明")
    assert text_of(rig, "name") == "李明"
    tap(qtbot, rig, "confirm")
    assert at(rig.journey) is Step.FIND_ITEM
    assert rig.journey.session.applicant.name == "李明"


def test_undo_a_stroke_and_write_again(qtbot, rig):
    to_type_name(qtbot, rig)
    tap(qtbot, rig, "key_handwrite")
    pad = find(rig, WritingPad, "writing_pad")
    write(qtbot, pad, "王")
    write(qtbot, pad, "一")  # a stray stroke
    assert len(pad.strokes) == 5
    tap(qtbot, rig, "hw_undo")  # 撤销一笔
    assert len(pad.strokes) == 4
    choose(qtbot, rig, "王")
    write(qtbot, pad, "十")
    tap(qtbot, rig, "hw_clear")  # 重写
    assert pad.strokes == [] and panel(rig).candidates == []
    tap(qtbot, rig, "key_mode")  # back to the letter keys
    assert not pad.isVisible()
    tap(qtbot, rig, "key_backspace")
    assert text_of(rig, "name") == ""


def test_a_phrase_chosen_from_pinyin(qtbot, rig):
    tap(qtbot, rig, "tile_request")
    tap(qtbot, rig, "kind_suggestion")
    content = find(rig, QPlainTextEdit, "content")
    tap_keys(qtbot, rig, "cunkouludeng")
    assert find(rig, QPushButton, "candidate_0").text() == "村口路灯"
    tap(qtbot, rig, "candidate_0")
    assert content.toPlainText() == "村口路灯"
    # Part of the letters: 张 of zhangsan leaves san composing.
    tap_keys(qtbot, rig, "zhangsan")
    first = [find(rig, QPushButton, f"candidate_{i}").text() for i in range(4)]
    tap(qtbot, rig, "candidates_more")  # the next four, in the same places
    second = [find(rig, QPushButton, f"candidate_{i}").text() for i in range(4)]
    assert second and not set(first) & set(second)
    assert find(rig, QPushButton, "candidates_more").text() == "前面"
    tap(qtbot, rig, "candidates_more")  # back to the first four
    tap(qtbot, rig, f"candidate_{first.index('张')}")
    assert content.toPlainText() == "村口路灯张"
    assert text_of(rig, "composing") == "拼音：san"
    assert find(rig, QPushButton, "candidate_0").text() == "三"
    tap(qtbot, rig, "candidate_0")
    assert content.toPlainText() == "村口路灯张三"
    assert text_of(rig, "composing") == ""


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
@pytest.mark.parametrize(
    "theme",
    [Theme(), Theme(large=True), Theme(high_contrast=True), Theme(large=True, high_contrast=True)],
    ids=["normal", "large", "contrast", "large-contrast"],
)
def test_the_writing_pad_and_candidate_bars_meet_the_elder_friendly_targets(
    qtbot, rig, theme, size
):
    window = rig.window
    window.resize(*size)
    problems = {}
    for step in (Step.TYPE_NAME, Step.REQUEST):
        reach(rig.journey, step)
        settle()  # going home ends a resident's 长辈模式 (a queued reset): then choose the mode
        window.apply_theme(theme)
        tap(qtbot, rig, "key_handwrite")
        pad = find(rig, WritingPad, "writing_pad")
        assert pad.width() >= (PAD_PX + 100 if theme.large else PAD_PX) >= 400
        write(qtbot, pad, "林")
        tap(qtbot, rig, "hw_recognise")
        assert len(wait_candidates(qtbot, rig)) >= 8
        settle()
        found = check_screen(window, theme)
        if window.minimumSizeHint().width() > size[0]:
            found.append(f"window needs {window.minimumSizeHint().width()}px of width")
        tap(qtbot, rig, "key_mode")  # the pinyin candidate bar with whole words
        tap_keys(qtbot, rig, "yanglaobaoxian")
        settle()
        found += check_screen(window, theme)
        if window.minimumSizeHint().width() > size[0]:
            found.append(f"pinyin: window needs {window.minimumSizeHint().width()}px of width")
        if found:
            problems[step.value] = found
    assert not problems, problems


def test_the_pinyin_bar_shows_exactly_the_engines_candidates_and_no_key_moves(qtbot) -> None:
    """Candidates take the digit keys' row while letters compose, four at a time: what is
    visible is exactly the engine's candidates for the letters now composing (the buttons
    are relabelled, never one left from before), and no letter key, 空格 or 删除 moves when
    they come and go (they used to push every key down at the first letter)."""
    from PySide6.QtWidgets import QLineEdit

    from ui.widgets import PINYIN_CANDIDATES, PINYIN_COLUMNS, Keyboard

    field = QLineEdit()
    keyboard = Keyboard(field)
    qtbot.addWidget(field)
    qtbot.addWidget(keyboard)
    keyboard.show()

    def visible() -> list[str]:
        shown = [
            b
            for b in keyboard.findChildren(QPushButton)
            if b.objectName().startswith("candidate_") and b.isVisible()
        ]
        return [b.text() for b in sorted(shown, key=lambda b: int(b.objectName()[10:]))]

    def key(name: str) -> QPushButton:
        found = keyboard.findChild(QPushButton, name)
        assert found is not None, name
        return found

    def press(name: str) -> None:
        qtbot.mouseClick(key(name), Qt.MouseButton.LeftButton)
        settle()

    watched = ("key_q", "key_a", "key_z", "key_m", "key_space", "key_backspace")

    def places() -> list[tuple[int, int]]:
        return [key(n).mapTo(keyboard, QPoint(0, 0)).toTuple() for n in watched]

    settle()
    at_rest = places()
    assert visible() == [] and key("key_1").isVisible()
    press("key_z")
    expected = keyboard.engine.candidates("z", PINYIN_CANDIDATES)
    assert len(expected) == PINYIN_CANDIDATES
    assert visible() == expected[:PINYIN_COLUMNS]
    assert not key("key_1").isVisible()  # the digits' row holds the candidates now
    assert places() == at_rest
    press("candidates_more")
    assert visible() == expected[PINYIN_COLUMNS:]
    press("key_backspace")
    assert visible() == [] and key("key_1").isVisible()
    assert places() == at_rest
    for letter in "eng":  # fewer candidates than a page: one page, no 更多
        press(f"key_{letter}")
    expected = keyboard.engine.candidates("eng", PINYIN_CANDIDATES)
    assert 0 < len(expected) < PINYIN_COLUMNS
    assert visible() == expected
    assert not key("candidates_more").isVisible()
    assert places() == at_rest
    press("candidate_0")
    assert field.text() == expected[0]
    assert visible() == []
    assert keyboard.composing.text() == ""
