"""请放身份证: identify with the ID card, or type the number instead."""

from __future__ import annotations

from kiosk.journey import Purpose, Step
from ui.screens.base import Screen
from ui.widgets import button, label


class IdentifyScreen(Screen):
    step = Step.IDENTIFY
    title_text = "请把身份证放在读卡区"

    def build(self) -> None:
        self.body.addWidget(label("证件放平，不要移动，读取需要几秒钟。", "", "hint"))
        self.reader_message = label("", "muted", "reader_message")
        self.body.addWidget(self.reader_message)
        self.alt_hint = label("", "muted", "alt_hint")
        self.body.addWidget(self.alt_hint)
        self.type_button = button("手动输入身份证号码", "type_id")
        self.type_button.clicked.connect(self.journey.choose_typing)
        self.body.addWidget(self.type_button)
        self.number_button = button("输入回执上的办件编号查询", "lookup_number")
        self.number_button.clicked.connect(self.journey.lookup_by_number_instead)
        self.body.addWidget(self.number_button)
        self.body.addStretch(1)
        self.ctx.reader.reader_error.connect(self._reader_error)

    def refresh(self) -> None:
        self.reader_message.setText("")
        lookup = self.journey.session.purpose is Purpose.MY_APPLICATIONS
        self.number_button.setVisible(lookup)
        self.type_button.setVisible(not lookup)  # no typed ID numbers for "my applications"
        self.alt_hint.setText(
            "没有带身份证？可以输入回执上的办件编号查询。"
            if lookup
            else "没有带身份证？可以手动输入身份证号码。"
        )
        self.show_error()

    def _reader_error(self, message: str) -> None:
        if self.journey.step is Step.IDENTIFY:
            self.reader_message.setText(message)
