"""输入身份证号码: the number pad, with X for the check digit, and the check explained."""

from __future__ import annotations

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import ErrorLabel, NumberPad, button, label


class TypeIdScreen(Screen):
    step = Step.TYPE_ID
    title_text = "请输入您的身份证号码"

    def build(self) -> None:
        from PySide6.QtWidgets import QLineEdit

        left, right = self.make_split()
        left.addWidget(label("18位号码，最后一位可能是字母X。", "muted", "hint"))
        self.field = QLineEdit()
        self.field.setObjectName("id_number")
        self.field.setMaxLength(20)
        left.addWidget(self.field)
        self.field_error = ErrorLabel("field_error")
        left.addWidget(self.field_error)
        self.next_button = button("确定", "confirm", "primary")
        self.next_button.clicked.connect(lambda: self.journey.type_id_number(self.field.text()))
        left.addWidget(self.next_button)
        left.addStretch(1)
        right.addWidget(NumberPad(self.field, with_x=True))
        right.addStretch(1)

    def refresh(self) -> None:
        error = self.journey.session.error
        if error is None:
            self.field.setText(self.journey.session.typed_id_number)
        self.field_error.show_message(error.message if error else "")
