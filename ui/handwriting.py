"""Handwriting on the on-screen keyboard: a large writing pad, candidates, 撤销一笔, 重写.

The pad keeps each stroke as the finger (or mouse) moves and draws it thick at
once; half a second after the finger lifts, or on 识别, the ink goes to the
recogniser (zinnia, :mod:`devices.input`) on a worker thread and up to ten
candidates come back as large buttons. Choosing one puts it into the field,
reads it aloud and clears the pad for the next character. Nothing written is
kept: the strokes live in the pad until it is cleared.

The engines are the process-wide ones from :mod:`devices.input.factory` unless
:func:`use_engines` set others (tests and screenshots use the twins there).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from devices.input.handwriting import HandwritingRecogniser, Ink
from devices.input.pinyin import PinyinEngine

PAD_PX = 440  # at 1080p: the issue asks for at least 400 × 400
PAD_LARGE_PX = 560  # 长辈模式
PAUSE_MS = 600  # recognise this long after the finger lifts
CANDIDATES = 10
COLUMNS = 5

_override: dict[str, Any] = {}


def use_engines(
    handwriting: HandwritingRecogniser | None = None, pinyin: PinyinEngine | None = None
) -> None:
    """Use these engines in keyboards built from now on (None: back to the installed ones)."""
    _override.clear()
    if handwriting is not None:
        _override["handwriting"] = handwriting
    if pinyin is not None:
        _override["pinyin"] = pinyin


def handwriting_engine() -> HandwritingRecogniser | None:
    if "handwriting" in _override:
        engine: HandwritingRecogniser = _override["handwriting"]
        return engine
    from devices.input.factory import open_handwriting

    return open_handwriting()


def handwriting_possible() -> bool:
    """Whether keyboards offer 手写, without opening the recogniser: its model (~26 MB) is
    mapped at the first 手写 tap, not when a keyboard is built."""
    if "handwriting" in _override:
        return True
    from devices.input.factory import handwriting_available

    return handwriting_available()


def pinyin_engine() -> PinyinEngine:
    if "pinyin" in _override:
        engine: PinyinEngine = _override["pinyin"]
        return engine
    from devices.input.factory import open_pinyin

    return open_pinyin()


def screen_context(widget: QWidget) -> Any | None:
    """The enclosing screen's context (theme, voice), found by walking up the parents.

    The keyboard is built by many screens that pass only the text field; looking up
    keeps their call sites as they are.
    """
    current: QWidget | None = widget
    while current is not None:
        ctx = getattr(current, "ctx", None)
        if ctx is not None and hasattr(ctx, "theme"):
            return ctx
        current = current.parentWidget()
    return None


class WritingPad(QWidget):
    """A square to write one character in, with a 田字格 guide; strokes drawn thick."""

    stroke_started = Signal()
    stroke_finished = Signal()

    def __init__(self, side: int = PAD_PX) -> None:
        super().__init__()
        self.setObjectName("writing_pad")
        self.setAccessibleName("手写板")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.strokes: list[list[tuple[float, float]]] = []
        self._drawing = False
        self.colours: tuple[QColor, QColor, QColor] = (
            QColor("#FFFFFF"),
            QColor("#1A1A1A"),
            QColor("#5C5C5C"),
        )
        self.set_side(side)

    def set_side(self, side: int) -> None:
        self.setFixedSize(side, side)

    def set_colours(self, background: QColor, ink: QColor, border: QColor) -> None:
        """The text field's colours, so the pad follows normal and high-contrast themes."""
        self.colours = (background, ink, border)
        self.update()

    @property
    def pen_px(self) -> float:
        return max(10.0, self.width() / 28)

    def ink(self) -> Ink:
        return Ink(
            float(self.width()),
            float(self.height()),
            tuple(tuple(stroke) for stroke in self.strokes if stroke),
        )

    def clear(self) -> None:
        self.strokes.clear()
        self._drawing = False
        self.update()

    def undo_stroke(self) -> None:
        if self.strokes:
            self.strokes.pop()
            self._drawing = False
            self.update()

    # -- pointer --------------------------------------------------------------------------

    def _point(self, event: QMouseEvent) -> tuple[float, float]:
        position = event.position()
        x = min(max(position.x(), 0.0), float(self.width()))
        y = min(max(position.y(), 0.0), float(self.height()))
        return (x, y)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._drawing = True
        self.strokes.append([self._point(event)])
        self.stroke_started.emit()
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._drawing and self.strokes:
            point = self._point(event)
            if point != self.strokes[-1][-1]:
                self.strokes[-1].append(point)
                self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if not self._drawing:
            return
        self._drawing = False
        if self.strokes:
            point = self._point(event)
            if point != self.strokes[-1][-1]:
                self.strokes[-1].append(point)
        self.update()
        self.stroke_finished.emit()

    # -- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        background, ink, border = self.colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        painter.fillRect(rect, background)
        painter.setPen(QPen(border, 3))
        painter.drawRoundedRect(rect, 8, 8)
        guide = QPen(border, 1, Qt.PenStyle.DashLine)
        painter.setPen(guide)
        w, h = self.width(), self.height()
        painter.drawLine(QPointF(w / 2, 8), QPointF(w / 2, h - 8))
        painter.drawLine(QPointF(8, h / 2), QPointF(w - 8, h / 2))
        pen = QPen(ink, self.pen_px, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for stroke in self.strokes:
            if len(stroke) == 1:
                painter.drawPoint(QPointF(*stroke[0]))
                continue
            path = QPainterPath(QPointF(*stroke[0]))
            for point in stroke[1:]:
                path.lineTo(QPointF(*point))
            painter.drawPath(path)
        painter.end()


class HandwritingPanel(QWidget):
    """The pad, 识别 / 撤销一笔 / 重写, and a bar of up to ten large candidates."""

    chosen = Signal(str)
    _recognised = Signal(int, list)  # (request number, candidates) from the worker thread

    def __init__(self, recogniser: HandwritingRecogniser, side: int = PAD_PX) -> None:
        from ui.widgets import button, label

        super().__init__()
        self.setObjectName("handwriting_panel")
        self.recogniser = recogniser
        self._request = 0
        self.candidates: list[str] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(12)
        self.hint = label(
            "在方框里写一个字，写完稍等，再点选下面的字。", "muted", "handwriting_hint"
        )
        outer.addWidget(self.hint)
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._row = row
        row.setSpacing(16)
        self.pad = WritingPad(side)
        row.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        side_column = QVBoxLayout()
        side_column.setSpacing(16)
        actions = QHBoxLayout()
        actions.setSpacing(16)
        self.recognise_button = button("识别", "hw_recognise", "primary")
        self.undo_button = button("撤销一笔", "hw_undo")
        self.clear_button = button("重写", "hw_clear")
        for widget in (self.recognise_button, self.undo_button, self.clear_button):
            actions.addWidget(widget)
        side_column.addLayout(actions)
        # Candidates beside the pad on a landscape screen (pad and choices stay in view
        # together in 长辈模式), under it in portrait, where beside it they would not fit
        # 1080 px: see :meth:`_orient`.
        self.bar = QGridLayout()
        self.bar.setSpacing(12)
        side_column.addLayout(self.bar)
        side_column.addStretch(1)
        row.addLayout(side_column, 1)
        outer.addLayout(row)
        self._buttons = []
        for index in range(CANDIDATES):
            widget = button("", f"hw_candidate_{index}", "key")
            widget.clicked.connect(lambda _=False, i=index: self._choose(i))
            widget.hide()
            self.bar.addWidget(widget, index // COLUMNS, index % COLUMNS)
            self._buttons.append(widget)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.recognise)
        self.pad.stroke_started.connect(self.timer.stop)
        self.pad.stroke_finished.connect(self.timer.start)
        self.recognise_button.clicked.connect(self.recognise)
        self.undo_button.clicked.connect(self.undo)
        self.clear_button.clicked.connect(self.clear)
        self._recognised.connect(self._show)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        self._orient()
        super().showEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        self._orient()
        super().resizeEvent(event)

    def _orient(self) -> None:
        window = self.window()
        landscape = window.width() >= window.height()
        direction = (
            QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        )
        if self._row.direction() is not direction:
            self._row.setDirection(direction)

    def recognise(self) -> None:
        """Send the ink to the recogniser on a worker thread; stale answers are dropped."""
        self.timer.stop()
        self._request += 1
        request = self._request
        ink = self.pad.ink()
        if not ink.strokes:
            self._show(request, [])
            return
        recogniser, emit = self.recogniser, self._recognised.emit

        def worker() -> None:
            found = _safe(recogniser, ink)
            with contextlib.suppress(RuntimeError):  # the keyboard was closed meanwhile
                emit(request, found)

        threading.Thread(target=worker, name="handwriting", daemon=True).start()

    def _show(self, request: int, candidates: list[str]) -> None:
        if request != self._request:
            return
        self.candidates = list(candidates[:CANDIDATES])
        for index, widget in enumerate(self._buttons):
            if index < len(self.candidates):
                widget.setText(self.candidates[index])
                widget.setAccessibleName(self.candidates[index])
                widget.show()
            else:
                widget.hide()

    def _choose(self, index: int) -> None:
        if index < len(self.candidates):
            char = self.candidates[index]
            self.clear()
            self.chosen.emit(char)

    def undo(self) -> None:
        self.pad.undo_stroke()
        if self.pad.strokes:
            self.timer.start()
        else:
            self.clear()

    def clear(self) -> None:
        self.timer.stop()
        self.pad.clear()
        self._request += 1
        self._show(self._request, [])

    def adopt_colours(self, field: QWidget | None) -> None:
        """Paint the pad in the colours the theme gives text fields."""
        source = field if field is not None else self
        palette = source.palette()
        self.pad.set_colours(
            palette.color(QPalette.ColorRole.Base),
            palette.color(QPalette.ColorRole.Text),
            palette.color(QPalette.ColorRole.Text),
        )


def _safe(recogniser: HandwritingRecogniser, ink: Ink) -> list[str]:
    """Candidates, or none when the engine fails (the resident can write again)."""
    try:
        return recogniser.recognise(ink, CANDIDATES)
    except Exception:  # an engine fault must not take the keyboard down
        import logging

        logging.getLogger(__name__).exception("handwriting recognition failed")
        return []
