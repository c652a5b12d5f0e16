"""A keyboard opens librime and the handwriting model only when a resident is about to use them.

The item list's search keyboard (letter mode) is built in nearly every visit. It used to open
librime (~25 MB) at once, and every pinyin keyboard the handwriting model (~26 MB mapped),
both kept for the life of the process although most residents identify by card and never
type (issue 16, goal 2). Now: librime when a keyboard is shown in pinyin mode or switched
to it (it deploys in the background while the resident reads the screen); the model at the
first 手写 tap. The engines are counted here at the two functions every keyboard goes through.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QLineEdit

from devices.input.handwriting import HandwritingRecogniser, Ink
from devices.input.pinyin import PinyinEngine, SyllableEngine
from ui import handwriting
from ui.widgets import Keyboard


class Recogniser:
    name = "test"

    def recognise(self, ink: Ink, limit: int = 10) -> list[str]:
        return ["人"]


@dataclass
class Opened:
    pinyin: int = 0
    handwriting: int = 0
    recogniser: HandwritingRecogniser | None = field(default_factory=Recogniser)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[Opened]:
    counts = Opened()

    def pinyin_engine() -> PinyinEngine:
        counts.pinyin += 1
        return SyllableEngine()

    def handwriting_engine() -> HandwritingRecogniser | None:
        counts.handwriting += 1
        return counts.recogniser

    monkeypatch.setattr(handwriting, "pinyin_engine", pinyin_engine)
    monkeypatch.setattr(handwriting, "handwriting_engine", handwriting_engine)
    monkeypatch.setattr(handwriting, "handwriting_possible", lambda: True)
    yield counts


def _keyboard(qtbot, *, pinyin: bool) -> Keyboard:
    field_ = QLineEdit()
    qtbot.addWidget(field_)
    keyboard = Keyboard(field_, pinyin=pinyin)
    qtbot.addWidget(keyboard)
    return keyboard


def test_the_search_keyboard_types_letters_without_opening_any_engine(qtbot, opened) -> None:
    keyboard = _keyboard(qtbot, pinyin=False)
    keyboard.show()
    qtbot.waitExposed(keyboard)
    for key in "ylbx":
        keyboard._press(key)
    assert keyboard.target is not None and keyboard.target.text() == "ylbx"
    assert (opened.pinyin, opened.handwriting) == (0, 0)
    keyboard.mode.click()  # the resident switches to 拼音: letters are coming
    assert opened.pinyin == 1
    assert opened.handwriting == 0


def test_a_pinyin_keyboard_opens_librime_when_shown_and_the_model_at_the_first_handwriting(
    qtbot, opened
) -> None:
    keyboard = _keyboard(qtbot, pinyin=True)
    assert (opened.pinyin, opened.handwriting) == (0, 0)  # built, not shown
    assert keyboard.hand.isVisibleTo(keyboard)  # 手写 is offered all the same
    keyboard.show()
    qtbot.waitExposed(keyboard)
    assert opened.pinyin == 1 and opened.handwriting == 0
    keyboard._press("z")
    assert keyboard._shown  # candidates from the engine opened at show
    assert opened.pinyin == 1  # once per keyboard
    keyboard.hand.click()
    assert opened.handwriting == 1
    assert keyboard.handwriting is not None and keyboard.handwriting.isVisible()
    assert not keyboard.keys.isVisible()


def test_a_model_that_will_not_open_leaves_the_keys_and_hides_handwriting(qtbot, opened) -> None:
    opened.recogniser = None  # installed, but the recogniser fails to open
    keyboard = _keyboard(qtbot, pinyin=True)
    keyboard.show()
    qtbot.waitExposed(keyboard)
    keyboard.hand.click()
    assert opened.handwriting == 1
    assert keyboard.handwriting is None
    assert keyboard.keys.isVisible()  # never a keyboard with neither keys nor pad
    assert not keyboard.hand.isVisible() and not keyboard.hand.isChecked()
