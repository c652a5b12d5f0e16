"""核对信息: every answer with a change button; read aloud in full; submit."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import button, clear_layout, label


class ReviewScreen(Screen):
    step = Step.REVIEW
    title_text = "请核对您填写的内容"

    def build(self) -> None:
        self.item = label("", "", "item_name")
        self.body.addWidget(self.item)
        self.lines = QGridLayout()
        self.lines.setHorizontalSpacing(self.ctx.theme.spacing_px * 2)
        self.lines.setVerticalSpacing(self.ctx.theme.spacing_px)
        self.body.addLayout(self.lines)
        self.submit_button = button("确认无误，提交申请", "submit", "primary")
        self.submit_button.clicked.connect(self.journey.submit)
        self.action_bar.addWidget(self.submit_button)
        self.body.addStretch(1)

    def refresh(self) -> None:
        journey = self.journey
        item = journey.session.item
        self.item.setText(f"办理事项：{item.name}" if item else "")
        clear_layout(self.lines)
        keys = (
            [None] + [f.key for f in journey.questions()]
            if journey.session.applicant
            else [f.key for f in journey.questions()]
        )
        for row, ((caption, value), key) in enumerate(
            zip(journey.review_lines(), keys, strict=True)
        ):
            self.lines.addWidget(label(f"{caption}：", "", f"review_label_{row}"), row, 0)
            self.lines.addWidget(label(value, "", f"review_value_{row}"), row, 1)
            if key is not None:
                change = button("修改", f"edit_{key}")
                change.setMinimumWidth(160)
                change.clicked.connect(lambda _=False, k=key: self.journey.edit(k))
                self.lines.addWidget(change, row, 2)
        self.lines.setColumnStretch(1, 1)
        self.show_error()

    def wipe_personal(self) -> None:
        clear_layout(self.lines)
        self.item.clear()

    def speech_text(self) -> str:
        lines = "。".join(f"{c}：{v}" for c, v in self.journey.review_lines())
        item = self.journey.session.item
        name = item.name if item else ""
        return f"请核对您填写的内容。办理事项：{name}。{lines}。如果无误，请点确认无误，提交申请。"
