"""输入姓名: pinyin keyboard, one field."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import Keyboard, button, label


class TypeNameScreen(Screen):
    step = Step.TYPE_NAME
    title_text = "请输入您的姓名"

    def build(self) -> None:
        # Field and 确定 left, keyboard right in landscape (stacked in portrait): the
        # keyboard fits the screen's height beside the field, so nothing scrolls.
        left, right = self.make_split()
        left.addWidget(label("按拼音输入，再点选汉字。", "muted", "hint"))
        self.field = QLineEdit()
        self.field.setObjectName("name")
        left.addWidget(self.field)
        confirm = button("确定", "confirm", "primary")
        confirm.clicked.connect(lambda: self.journey.type_name(self.field.text()))
        left.addWidget(confirm)
        left.addStretch(1)
        right.addWidget(Keyboard(self.field))
        right.addStretch(1)

    def refresh(self) -> None:
        applicant = self.journey.session.applicant
        if self.journey.session.error is None:
            self.field.setText(applicant.name if applicant else "")
        self.show_error()
