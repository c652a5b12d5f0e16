"""我要反映: kind, what happened (pinyin keyboard), optional phone."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPlainTextEdit

from kiosk.feedback import RequestKind
from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import ErrorLabel, Keyboard, NumberPad, button, label


class RequestScreen(Screen):
    step = Step.REQUEST
    title_text = "我要反映"

    def build(self) -> None:
        # Landscape: the questions left, one input panel right (the keyboard for the
        # text, the number pad while the phone field is being filled); portrait: stacked.
        left, right = self.make_split()
        caption = QHBoxLayout()
        caption.addWidget(label("请选择类型：", "", "kind_caption"))
        self.kind_note = label("", "muted", "kind_note")
        caption.addWidget(self.kind_note, 1)
        left.addLayout(caption)
        kinds = QHBoxLayout()
        kinds.setSpacing(self.ctx.theme.spacing_px)
        self.kind_buttons: dict[RequestKind, object] = {}
        self._kind = RequestKind.HELP
        for kind in RequestKind:
            widget = button(kind.label, f"kind_{kind.value}")
            widget.setCheckable(True)
            widget.clicked.connect(lambda _=False, k=kind: self._choose(k))
            kinds.addWidget(widget)
            self.kind_buttons[kind] = widget
        left.addLayout(kinds)
        self.content = QPlainTextEdit()
        self.content.setObjectName("content")
        self.content.setPlaceholderText("请在这里说明情况")
        self.content.setFixedHeight(self.ctx.theme.target_px * 2 - 16)  # two lines
        left.addWidget(self.content)
        self.content_error = ErrorLabel("content_error")
        left.addWidget(self.content_error)
        phone_row = QHBoxLayout()
        phone_row.setSpacing(self.ctx.theme.spacing_px)
        phone_row.addWidget(label("联系电话（可不填）：", "", "phone_caption"))
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.phone.setPlaceholderText("方便回复您")
        phone_row.addWidget(self.phone, 1)
        left.addLayout(phone_row)
        self.phone_error = ErrorLabel("phone_error")
        left.addWidget(self.phone_error)
        left.addStretch(1)
        self.keyboard = Keyboard(self.content)
        right.addWidget(self.keyboard)
        self.pad = NumberPad(self.phone)
        self.pad.hide()
        right.addWidget(self.pad)
        right.addStretch(1)
        self.content.installEventFilter(self)
        self.phone.installEventFilter(self)
        send = button("提交", "send_request", "primary")
        send.clicked.connect(
            lambda: self.journey.file_request(
                self._kind, self.content.toPlainText(), self.phone.text()
            )
        )
        left.insertWidget(left.count() - 1, send)  # under the fields, above the stretch

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """The input panel follows the field the resident tapped."""
        if event.type() == QEvent.Type.FocusIn:
            self._show_pad(watched is self.phone)
        return super().eventFilter(watched, event)

    def _show_pad(self, pad: bool) -> None:
        self.pad.setVisible(pad)
        self.keyboard.setVisible(not pad)

    def _choose(self, kind: RequestKind) -> None:
        self._kind = kind
        for each, widget in self.kind_buttons.items():
            assert hasattr(widget, "setChecked")
            widget.setChecked(each is kind)
        self.kind_note.setText(f"已选择：{kind.label}")

    def refresh(self) -> None:
        error = self.journey.session.error
        if error is None:
            self.content.clear()
            self.phone.clear()
            self._choose(RequestKind.HELP)
            self._show_pad(False)
        self.content_error.show_message(error.message if error and error.field == "content" else "")
        self.phone_error.show_message(error.message if error and error.field == "phone" else "")
        self.error.show_message(
            error.message if error and error.field not in ("content", "phone") else ""
        )
