"""输入办件编号: for "my applications" without a card, and for rating from the home screen."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from kiosk.journey import Purpose, Step
from ui.screens.base import Screen
from ui.widgets import ErrorLabel, NumberPad, button, label


class LookupScreen(Screen):
    step = Step.LOOKUP
    title_text = "请输入回执上的办件编号"

    def build(self) -> None:
        left, right = self.make_split()
        self.purpose = label("", "muted", "lookup_purpose")
        left.addWidget(self.purpose)
        self.field = QLineEdit()
        self.field.setObjectName("number")
        # A receipt's QR code read by a keyboard-emulating scanner ends with Enter.
        self.field.returnPressed.connect(lambda: self.journey.lookup_number(self.field.text()))
        left.addWidget(self.field)
        self.field_error = ErrorLabel("field_error")
        left.addWidget(self.field_error)
        confirm = button("查询", "confirm", "primary")
        confirm.clicked.connect(lambda: self.journey.lookup_number(self.field.text()))
        left.addWidget(confirm)
        left.addStretch(1)
        # The check character of a receipt number may be X (as on ID cards): the pad has it;
        # hyphens are optional (normalize_application_number), so no dash key.
        right.addWidget(NumberPad(self.field, with_x=True))
        right.addStretch(1)

    def refresh(self) -> None:
        session = self.journey.session
        self.purpose.setText(
            "评价哪一件办件？编号印在受理回执上方。"
            if session.purpose is Purpose.RATE
            else "编号印在受理回执上方，例如 000017-261123-0007-5（短横不用输入）；"
            "也可以扫描回执上的二维码。反映编号（F开头）输入后面的数字即可。"
        )
        if session.error is None:
            self.field.clear()
        self.field_error.show_message(session.error.message if session.error else "")
