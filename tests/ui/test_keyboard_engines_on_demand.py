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


class Deploying:
    """An engine still getting ready (librime deploying), then ready; or one that failed."""

    name = "deploying"

    def __init__(self, *, fails: bool = False) -> None:
        self.ready = False
        self.fails = fails
        self.asked: list[str] = []

    def candidates(self, letters: str, limit: int = 10) -> list[str]:
        assert self.ready, "asked before ready: the key press would have waited"
        self.asked.append(letters)
        if self.fails:
            from devices.input.pinyin import PinyinUnavailable

            raise PinyinUnavailable("deployment failed")
        return ["张", "章"][:limit]

    def pick(self, letters: str, index: int):  # type: ignore[no-untyped-def]
        from devices.input.pinyin import Pick

        return Pick(self.candidates(letters)[index], "")


def _with_engine(monkeypatch: pytest.MonkeyPatch, engine: Deploying) -> None:
    monkeypatch.setattr(handwriting, "pinyin_engine", lambda: engine)
    monkeypatch.setattr(handwriting, "handwriting_possible", lambda: False)


def test_letters_typed_before_the_engine_is_ready_wait_for_it_not_the_screen(
    qtbot, monkeypatch
) -> None:
    engine = Deploying()
    _with_engine(monkeypatch, engine)
    keyboard = _keyboard(qtbot, pinyin=True)
    keyboard.show()
    qtbot.waitExposed(keyboard)
    keyboard._press("z")
    keyboard._press("h")  # both at once, the engine not ready: no call, no wait
    assert keyboard.buffer == "zh" and keyboard._shown == []
    assert keyboard.composing.text() == "拼音：zh"
    engine.ready = True
    qtbot.waitUntil(lambda: keyboard._shown == ["张", "章"], timeout=5_000)
    assert engine.asked == ["zh"]  # once, for the letters typed so far


def test_an_engine_that_failed_gives_way_to_single_characters(qtbot, monkeypatch) -> None:
    engine = Deploying(fails=True)
    engine.ready = True
    _with_engine(monkeypatch, engine)
    keyboard = _keyboard(qtbot, pinyin=True)
    keyboard.show()
    qtbot.waitExposed(keyboard)
    keyboard._press("z")
    keyboard._press("h")
    keyboard._press("a")
    keyboard._press("n")
    keyboard._press("g")
    assert engine.asked == ["z"]  # failed once; the twin answers from then on
    assert "张" in keyboard._shown
    keyboard._pick(keyboard._shown.index("张"))
    assert keyboard.target is not None and keyboard.target.text() == "张"
