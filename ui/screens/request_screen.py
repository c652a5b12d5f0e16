"""我要反映: kind, what happened (pinyin keyboard), optional phone."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPlainTextEdit

from kiosk.feedback import RequestKind
from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import ErrorLabel, Keyboard, NumberPad, button, label


class RequestScreen(Screen):
    step = Step.REQUEST
    title_text = "我要反映"

    def build(self) -> None:
        self.body.addWidget(label("请选择类型：", "", "kind_caption"))
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
        self.body.addLayout(kinds)
        self.kind_note = label("", "muted", "kind_note")
        self.body.addWidget(self.kind_note)
        self.body.addWidget(label("请说明情况：", "", "content_caption"))
        self.content = QPlainTextEdit()
        self.content.setObjectName("content")
        self.content.setFixedHeight(180)
        self.body.addWidget(self.content)
        self.content_error = ErrorLabel("content_error")
        self.body.addWidget(self.content_error)
        self.body.addWidget(Keyboard(self.content))
        self.body.addWidget(label("联系电话（可不填，方便回复您）：", "", "phone_caption"))
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.body.addWidget(self.phone)
        self.phone_error = ErrorLabel("phone_error")
        self.body.addWidget(self.phone_error)
        self.body.addWidget(NumberPad(self.phone))
        send = button("提交", "send_request", "primary")
        send.clicked.connect(
            lambda: self.journey.file_request(
                self._kind, self.content.toPlainText(), self.phone.text()
            )
        )
        self.action_bar.addWidget(send)
        self.body.addStretch(1)

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
        self.content_error.show_message(error.message if error and error.field == "content" else "")
        self.phone_error.show_message(error.message if error and error.field == "phone" else "")
        self.error.show_message(
            error.message if error and error.field not in ("content", "phone") else ""
        )
