"""输入身份证号码: the number pad, with X for the check digit, and the check explained."""

from __future__ import annotations

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import NumberPad, button, label


class TypeIdScreen(Screen):
    step = Step.TYPE_ID
    title_text = "请输入您的身份证号码"

    def build(self) -> None:
        from PySide6.QtWidgets import QLineEdit

        self.body.addWidget(label("18位号码，最后一位可能是字母X。", "muted", "hint"))
        self.field = QLineEdit()
        self.field.setObjectName("id_number")
        self.field.setMaxLength(20)
        self.body.addWidget(self.field)
        self.body.addWidget(NumberPad(self.field, with_x=True))
        self.next_button = button("确定", "confirm", "primary")
        self.next_button.clicked.connect(lambda: self.journey.type_id_number(self.field.text()))
        self.body.addWidget(self.next_button)

    def refresh(self) -> None:
        error = self.journey.session.error
        if error is None:
            self.field.setText(self.journey.session.typed_id_number)
        self.show_error()
