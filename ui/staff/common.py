"""Small pieces the staff and technician screens share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from ui.widgets import NumberPad, label


class Page(QWidget):
    """A full-screen staff page: a title, then the caller's content."""

    def __init__(self, title: str, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("screen", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(48, 32, 48, 24)
        self.outer.setSpacing(20)
        self.title = label(title, "title", "title")
        self.outer.addWidget(self.title)


def digits_field(
    name: str, placeholder: str, *, secret: bool = False, max_length: int = 12
) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setPlaceholderText(placeholder)
    field.setMaxLength(max_length)
    field.setAccessibleName(placeholder)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
        )
    return field


class PadFollowsFocus(QObject):
    """Points a number pad at whichever of ``fields`` was last tapped or focused (a keyboard works too)."""

    def __init__(self, pad: NumberPad, fields: list[QLineEdit]) -> None:
        super().__init__(pad)
        self.pad = pad
        pad.target = fields[0]
        for field in fields:
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress) and isinstance(
            watched, QLineEdit
        ):
            self.pad.target = watched
        return False


class Background(QObject):
    """Runs a blocking call off the GUI thread; the result comes back as a queued signal."""

    finished = Signal(object, object)  # result, exception

    def run(self, call: Callable[[], Any]) -> threading.Thread:
        def work() -> None:
            try:
                result = call()
            except Exception as exc:  # reported to the GUI thread, which decides what to show
                self.finished.emit(None, exc)
            else:
                self.finished.emit(result, None)

        thread = threading.Thread(target=work, name="staff-ui-worker", daemon=True)
        thread.start()
        return thread
