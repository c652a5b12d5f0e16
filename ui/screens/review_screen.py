"""核对信息: every answer with a change button; read aloud in full; submit."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import button, label


class ReviewScreen(Screen):
    step = Step.REVIEW
    title_text = "请核对您填写的内容"

    def build(self) -> None:
        self.item = label("", "", "item_name")
        self.body.addWidget(self.item)
        # The answers page by page (a long form never scrolls); 提交 stays below them.
        self.lines = self.paged("review_lines")
        self.body.addWidget(self.lines, 1)
        self.submit_button = button("确认无误，提交申请", "submit", "primary")
        self.submit_button.clicked.connect(self.journey.submit)
        self.action_bar.addWidget(self.submit_button)

    def refresh(self) -> None:
        journey = self.journey
        item = journey.session.item
        self.item.setText(f"办理事项：{item.name}" if item else "")
        keys = (
            [None] + [f.key for f in journey.questions()]
            if journey.session.applicant
            else [f.key for f in journey.questions()]
        )
        rows: list[QWidget] = []
        for row, ((caption, value), key) in enumerate(
            zip(journey.review_lines(), keys, strict=True)
        ):
            rows.append(self._line(row, caption, value, key))
        first = self.lines.page  # back from 修改: the same page
        self.lines.set_rows(rows)
        self.lines.go_to(first)
        self.show_error()

    def _line(self, row: int, caption: str, value: str, key: str | None) -> QWidget:
        """One answer: caption and value in fixed proportions (so they align), 修改."""
        line = QWidget()
        box = QHBoxLayout(line)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(self.ctx.theme.spacing_px * 2)
        for text, name, stretch in ((f"{caption}：", "label", 2), (value, "value", 5)):
            part = label(text, "", f"review_{name}_{row}")
            part.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            box.addWidget(part, stretch)
        if key is None:  # the card holder's line: nothing to change here; keep the column
            spacer = QWidget()
            spacer.setFixedWidth(160)
            box.addWidget(spacer)
        else:
            change = button("修改", f"edit_{key}")
            change.setMinimumWidth(160)
            change.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            change.clicked.connect(lambda _=False, k=key: self.journey.edit(k))
            box.addWidget(change)
        return line

    def wipe_personal(self) -> None:
        self.lines.clear()
        self.item.clear()

    def speech_text(self) -> str:
        lines = "。".join(f"{c}：{v}" for c, v in self.journey.review_lines())
        item = self.journey.session.item
        name = item.name if item else ""
        return f"请核对您填写的内容。办理事项：{name}。{lines}。如果无误，请点确认无误，提交申请。"
