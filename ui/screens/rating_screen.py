"""好差评: five levels in one tap each; a reason only for 不满意 and below; skippable."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QPlainTextEdit

from kiosk.feedback import RatingLevel
from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import ErrorLabel, Keyboard, button, label


class RatingScreen(Screen):
    step = Step.RATING
    title_text = "请您对本次服务进行评价"
    show_back = False

    def build(self) -> None:
        self.number = label("", "muted", "rating_number")
        self.body.addWidget(self.number)
        self.body.addWidget(label("评价是自愿的，可以跳过。", "muted", "voluntary"))
        # One row of five in landscape, a column in portrait: both fit without scrolling.
        levels = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        levels.setSpacing(self.ctx.theme.spacing_px)
        self._splits.append(levels)
        for level in sorted(RatingLevel, reverse=True):
            widget = button(
                level.label, f"rate_{level.value}", "primary" if level >= 4 else "secondary"
            )
            widget.clicked.connect(lambda _=False, lv=level: self._rate(lv))
            levels.addWidget(widget)
        self.body.addLayout(levels)
        self.reason_caption = label("请说一说不满意的原因：", "", "reason_caption")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setFixedHeight(160)
        self.reason_error = ErrorLabel("reason_error")
        self.keyboard = Keyboard(self.reason)
        self.send = button("提交评价", "send_rating", "primary")
        self.send.clicked.connect(self._send)
        for part in (self.reason_caption, self.reason, self.reason_error, self.keyboard, self.send):
            self.body.addWidget(part)
        skip = button("跳过，不评价", "skip_rating")
        skip.clicked.connect(self.journey.skip_rating)
        self.body.addWidget(skip)
        self.body.addStretch(1)
        self._level: RatingLevel | None = None

    def refresh(self) -> None:
        session = self.journey.session
        self.number.setText(f"办件编号：{session.rating_number}")
        error = session.error
        needs = self._level is not None and self._level.needs_reason
        if error is None:
            self._level = None
            self.reason.clear()
            needs = False
        for widget in (self.reason_caption, self.reason, self.keyboard, self.send):
            widget.setVisible(needs)
        self.reason_error.show_message(error.message if error else "")

    def wipe_personal(self) -> None:
        self.number.clear()
        self._level = None

    def _rate(self, level: RatingLevel) -> None:
        self._level = level
        if level.needs_reason:
            for widget in (self.reason_caption, self.reason, self.keyboard, self.send):
                widget.show()
            return
        self.journey.rate(level)

    def _send(self) -> None:
        if self._level is not None:
            self.journey.rate(self._level, self.reason.toPlainText())
