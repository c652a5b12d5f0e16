"""Building blocks shared by the screens: big buttons, error labels, number pad, keyboard
(pinyin with whole words, handwriting, letters)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from devices.input.pinyin import PinyinEngine, PinyinUnavailable, SyllableEngine

if TYPE_CHECKING:
    from ui.handwriting import HandwritingPanel

log = logging.getLogger(__name__)


def button(text: str, name: str, role: str = "secondary") -> QPushButton:
    """A tappable button; ``name`` is its objectName (tests and read-aloud find it by that)."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setProperty("role", role)
    widget.setAccessibleName(text)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # taps must not steal the text field's focus
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return widget


def label(text: str = "", role: str = "", name: str = "") -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    if name:
        widget.setObjectName(name)
    return widget


class ErrorLabel(QLabel):
    """A message right next to the field it is about; a ✕ sign so colour is never the only signal."""

    def __init__(self, name: str = "error") -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "error")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_message(self, message: str) -> None:
        if message:
            self.setText(f"✕ {message}")
            self.show()
        else:
            self.clear()
            self.hide()


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and sub-layout of ``layout``."""
    while layout.count():
        child = layout.takeAt(0)
        if child is None:
            break
        widget = child.widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        sub = child.layout()
        if sub is not None:
            clear_layout(sub)


Editable = QLineEdit | QPlainTextEdit


def _insert(target: Editable, text: str) -> None:
    if isinstance(target, QLineEdit):
        target.insert(text)
    else:
        target.insertPlainText(text)


def _backspace(target: Editable) -> None:
    if isinstance(target, QLineEdit):
        target.backspace()
    else:
        cursor = target.textCursor()
        cursor.deletePreviousChar()
        target.setTextCursor(cursor)


class NumberPad(QWidget):
    """Large digit keys for numbers, phone and ID numbers (with an X key for the check digit)."""

    def __init__(
        self, target: Editable | None = None, *, with_x: bool = False, with_dash: bool = False
    ) -> None:
        super().__init__()
        self.target = target
        grid = QGridLayout(self)
        grid.setSpacing(16)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        last_row = ["X" if with_x else ("-" if with_dash else ""), "0", "删除"]
        for index, key in enumerate(keys + last_row):
            if not key:
                continue
            name = "key_backspace" if key == "删除" else f"key_{key}"
            widget = button(key, name, "key")
            widget.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(widget, index // 3, index % 3)

    def _press(self, key: str) -> None:
        if self.target is None:
            return
        if key == "删除":
            _backspace(self.target)
        else:
            _insert(self.target, key)


_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
PINYIN_CANDIDATES = 8
PINYIN_COLUMNS = 4  # a page of four: room for four-character words on a half screen
ENGINE_POLL_MS = 50  # while librime deploys: how often the letters typed ask again


def pinyin_candidates(letters: str, limit: int = 8) -> list[str]:
    """Characters read ``letters`` (one syllable, or the start of one), most common first."""
    from devices.input.pinyin import syllable_candidates

    return syllable_candidates(letters, limit)


class Keyboard(QWidget):
    """On-screen letters with a pinyin mode and a handwriting (手写) mode.

    Pinyin mode: type letters, tap a word or character; the engine is librime
    (whole words, place names, fuzzy zh/z ch/c sh/s) where installed. Picking part
    of what was typed (张 of ``zhangsan``) keeps the rest (``san``) composing.
    Handwriting mode replaces the letter keys with a writing pad
    (:mod:`ui.handwriting`). In letter mode (``pinyin=False``) letters go straight
    into the field, which is how residents search by pinyin initials
    (``ylbx`` → 养老保险); that mode has no handwriting.
    """

    composing_changed = Signal(str)

    def __init__(self, target: Editable | None = None, *, pinyin: bool = True) -> None:
        super().__init__()
        from ui.handwriting import handwriting_possible

        self.target = target
        self.pinyin = pinyin
        self._built_pinyin = pinyin
        self.buffer = ""
        # Opened on first need, not with the keyboard: the item list's search keyboard (letter
        # mode) is built in nearly every visit, and librime (~25 MB) or the handwriting model
        # (~26 MB) loaded then stayed for the rest of the process, though most residents
        # identify by card and never type (issue 16, goal 2).
        self._engine: PinyinEngine | None = None
        self._waiting_for_engine = False
        self._shown: list[str] = []
        self._can_write = pinyin and handwriting_possible()
        self.handwriting: HandwritingPanel | None = None
        outer = QVBoxLayout(self)
        outer.setSpacing(12)
        bar = QHBoxLayout()
        self.composing = label("", "muted", "composing")
        bar.addWidget(self.composing, 1)
        self.hand = button("手写", "key_handwrite", "secondary")
        self.hand.setCheckable(True)
        self.hand.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.hand.clicked.connect(self._toggle_handwriting)
        self.hand.setVisible(self._can_write)
        bar.addWidget(self.hand)
        self.mode = button("拼音", "key_mode", "secondary")
        self.mode.setCheckable(True)
        self.mode.setChecked(pinyin)
        self.mode.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.mode.clicked.connect(self._toggle_mode)
        bar.addWidget(self.mode)
        outer.addLayout(bar)
        self.keys = QWidget()
        keys = QVBoxLayout(self.keys)
        keys.setContentsMargins(0, 0, 0, 0)
        keys.setSpacing(12)
        rows = [self._key_row(row_keys) for row_keys in ("1234567890", *_QWERTY)]
        # The digits and the candidates share one place, as tall as the taller of the two.
        self._digits_or_candidates = QStackedWidget()
        self._digits_or_candidates.addWidget(rows[0])
        self._digits_or_candidates.addWidget(self._candidate_bar())
        keys.addWidget(self._digits_or_candidates)
        for row_widget in rows[1:]:
            keys.addWidget(row_widget)
        outer.addWidget(self.keys)
        self._outer = outer
        last = QHBoxLayout()
        last.setSpacing(10)
        for text, name, handler in (
            ("空格", "key_space", lambda: self._commit(" ")),
            ("删除", "key_backspace", self._backspace),
        ):
            widget = button(text, name, "key")
            widget.clicked.connect(handler)
            last.addWidget(widget)
        outer.addLayout(last)
        self._show_candidates()

    @property
    def engine(self) -> PinyinEngine:
        """The pinyin engine, opened at the first need (librime deploys in the background)."""
        if self._engine is None:
            from ui.handwriting import pinyin_engine

            self._engine = pinyin_engine()
        return self._engine

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Shown in pinyin mode: letters are coming, so librime starts deploying now
        (~0.3 s here, more on a kiosk board), before the first key needs its candidates."""
        super().showEvent(event)
        if self.pinyin:
            self.engine  # noqa: B018 - opening it is the point

    def _key_row(self, row_keys: str) -> QWidget:
        row_widget = QWidget()
        row = QHBoxLayout(row_widget)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        for key in row_keys:
            widget = button(key.upper() if key.isalpha() else key, f"key_{key}", "key")
            widget.clicked.connect(lambda _=False, k=key: self._press(k))
            row.addWidget(widget)
        return row_widget

    def _candidate_bar(self) -> QWidget:
        """The candidates: one row of four and a page turn, shown in the digit keys' place
        while letters compose. The same height as that row, so the letter keys, 空格 and
        删除 never move under a finger when candidates come and go (two rows above the keys
        pushed every key down, and 删除 off a landscape screen, at the first letter).

        The buttons are made once and relabelled (as the handwriting bar's): building and
        style-polishing new ones on each key was most of a key press's cost."""
        row = QWidget()
        row.setObjectName("candidate_row")
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        self._candidate_buttons: list[QPushButton] = []
        for slot in range(PINYIN_COLUMNS):
            widget = button("", f"candidate_{slot}", "key")
            widget.clicked.connect(lambda _=False, s=slot: self._pick_shown(s))
            box.addWidget(widget)  # widths follow the words: 养老保险 gets more than 养
            self._candidate_buttons.append(widget)
        self.more = button("更多", "candidates_more", "key")
        self.more.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.more.clicked.connect(self._turn_candidates)
        box.addWidget(self.more)
        for widget in (*self._candidate_buttons, self.more):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # an empty slot keeps its place
            widget.setSizePolicy(policy)
        self._page = 0
        return row

    def reset(self) -> None:
        """As built: nothing composing, no strokes, the letter keys in the mode it was built
        in. A screen that keeps one keyboard across questions calls it between them."""
        if self.hand.isChecked() or (self.handwriting is not None and self.handwriting.isVisible()):
            self._set_handwriting(False)
        self.pinyin = self._built_pinyin
        self.mode.setChecked(self.pinyin)
        self.mode.setText("拼音")
        self.buffer = ""
        self._show_candidates()

    # -- modes ----------------------------------------------------------------------------

    def _toggle_mode(self) -> None:
        if self.hand.isChecked():  # back from handwriting to the keys, pinyin on
            self._set_handwriting(False)
            self.mode.setChecked(True)
        self.pinyin = self.mode.isChecked()
        if self.pinyin:
            self.engine  # noqa: B018 - starts librime for the letters to come
        self.mode.setText("拼音" if self.pinyin else "字母")
        self.buffer = ""
        self._show_candidates()

    def _toggle_handwriting(self) -> None:
        self._set_handwriting(self.hand.isChecked())

    def _set_handwriting(self, on: bool) -> None:
        """Show the writing pad instead of the letter keys (built on first use)."""
        recogniser = None
        if on and self.handwriting is None:
            from ui.handwriting import handwriting_engine

            recogniser = handwriting_engine()  # the model is mapped at the first 手写 only
            if recogniser is None:  # installed, but would not open: no 手写 here, keys stay
                self._can_write = False
                self.hand.setVisible(False)
                on = False
        self.hand.setChecked(on)
        self.buffer = ""
        self._show_candidates()
        if recogniser is not None:
            from ui.handwriting import PAD_LARGE_PX, PAD_PX, HandwritingPanel, screen_context

            ctx = screen_context(self)
            large = bool(ctx is not None and ctx.theme.large)
            self.handwriting = HandwritingPanel(recogniser, PAD_LARGE_PX if large else PAD_PX)
            self.handwriting.chosen.connect(self._written)
            self._outer.insertWidget(self._outer.indexOf(self.keys), self.handwriting)
        if self.handwriting is not None:
            self.handwriting.adopt_colours(self.target)
            self.handwriting.setVisible(on)
            if not on:
                self.handwriting.clear()
        self.keys.setVisible(not on)
        self.mode.setChecked(self.pinyin and not on)
        if on and self.handwriting is not None:
            QTimer.singleShot(0, self._reveal_pad)

    def _reveal_pad(self) -> None:
        """Scroll the screen so the whole pad is in view (the body scrolls on small screens)."""
        from PySide6.QtWidgets import QScrollArea

        current = self.parentWidget()
        while current is not None and not isinstance(current, QScrollArea):
            current = current.parentWidget()
        if isinstance(current, QScrollArea) and self.handwriting is not None:
            current.ensureWidgetVisible(self.handwriting.pad, 0, 0)

    def _written(self, char: str) -> None:
        self._commit(char)
        self._say(char)

    def _say(self, text: str) -> None:
        from ui.handwriting import screen_context

        ctx: Any = screen_context(self)
        voice = getattr(ctx, "voice", None)
        if voice is not None:
            voice.say(text)

    # -- keys -----------------------------------------------------------------------------

    def _press(self, key: str) -> None:
        if self.pinyin and key.isalpha():
            self.buffer += key
            self._show_candidates()
        else:
            self._commit(key)

    def _commit(self, text: str) -> None:
        if self.target is not None:
            _insert(self.target, text)
        self.buffer = ""
        self._show_candidates()

    def _pick(self, index: int) -> None:
        """Insert candidate ``index``; letters it did not cover stay composing."""
        if not self.buffer:
            return
        picked = self.engine.pick(self.buffer, index)
        text = picked.text or (self._shown[index] if index < len(self._shown) else "")
        if self.target is not None and text:
            _insert(self.target, text)
        self.buffer = picked.rest
        self._show_candidates()

    def _backspace(self) -> None:
        if self.buffer:
            self.buffer = self.buffer[:-1]
            self._show_candidates()
        elif self.target is not None:
            _backspace(self.target)

    def _show_candidates(self) -> None:
        self.composing.setText(f"拼音：{self.buffer}" if self.buffer else "")
        self.composing_changed.emit(self.buffer)
        composing = self.pinyin and bool(self.buffer)
        self._shown = self._candidates_now() if composing else []
        self._page = 0
        self._digits_or_candidates.setCurrentIndex(1 if composing else 0)
        self._show_page()

    def _candidates_now(self) -> list[str]:
        """The engine's candidates for the letters typed, without ever blocking a key press.

        librime deploys in the background from the moment the keyboard is shown; a fast
        typist's first letters arrive before it is ready (a second on a kiosk board). They
        stay composing, and their candidates appear when it is. An engine that failed
        (its deployment) gives way to single characters, for this keyboard, rather than
        leave every key press raising."""
        engine = self.engine
        if not engine.ready:
            if not self._waiting_for_engine:
                self._waiting_for_engine = True
                QTimer.singleShot(ENGINE_POLL_MS, self._engine_maybe_ready)
            return []
        try:
            return engine.candidates(self.buffer, PINYIN_CANDIDATES)
        except PinyinUnavailable as exc:
            log.warning(
                "pinyin engine %s unusable, single characters instead: %s", engine.name, exc
            )
            self._engine = SyllableEngine()
            return self._engine.candidates(self.buffer, PINYIN_CANDIDATES)

    def _engine_maybe_ready(self) -> None:
        self._waiting_for_engine = False
        if self.pinyin and self.buffer:
            self._show_candidates()

    def _pages(self) -> int:
        return -(-len(self._shown) // PINYIN_COLUMNS)

    def _show_page(self) -> None:
        start = self._page * PINYIN_COLUMNS
        page = self._shown[start : start + PINYIN_COLUMNS]
        for slot, widget in enumerate(self._candidate_buttons):
            text = page[slot] if slot < len(page) else ""
            widget.setText(text)
            widget.setAccessibleName(text)
            widget.setVisible(bool(text))
        last = self._page == self._pages() - 1
        self.more.setVisible(self._pages() > 1)
        self.more.setText("前面" if last else "更多")
        self.more.setAccessibleName("前面的候选字" if last else "更多候选字")

    def _turn_candidates(self) -> None:
        """更多: the next four candidates; on the last page, 前面 goes back to the first."""
        self._page = (self._page + 1) % max(1, self._pages())
        self._show_page()

    def _pick_shown(self, slot: int) -> None:
        self._pick(self._page * PINYIN_COLUMNS + slot)
