"""首页: four very large tiles, the 长辈模式 / voice / contrast switches, and "put your card here"."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QGridLayout

from kiosk.journey import Purpose, Step
from ui.screens.base import Screen
from ui.widgets import button, label


class HomeScreen(Screen):
    step = Step.HOME
    title_text = "您好！请选择您要办的事"
    show_back = False
    show_home = False

    def build(self) -> None:
        self.body.addWidget(label("也可以直接把身份证放在下方读卡区，开始办事。", "muted", "hint"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(self.ctx.theme.spacing_px * 2)
        grid.setVerticalSpacing(self.ctx.theme.spacing_px)  # large mode fits in landscape
        tiles = (
            ("办事\n（申请办理）", "tile_apply", Purpose.APPLY),
            ("查进度\n（我的办件）", "tile_my_applications", Purpose.MY_APPLICATIONS),
            ("好差评\n（评价服务）", "tile_rate", Purpose.RATE),
            ("我要反映\n（投诉建议求助）", "tile_request", Purpose.REQUEST),
        )
        for index, (text, name, purpose) in enumerate(tiles):
            tile = button(text, name, "tile")
            tile.clicked.connect(lambda _=False, p=purpose: self.journey.start(p))
            grid.addWidget(tile, index // 2, index % 2)
        self.body.addLayout(grid)
        # One row of switches in landscape keeps the whole home screen on one page (no
        # scrolling for the elderly); portrait has the height for a column.
        switches = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._switches = switches
        switches.setSpacing(self.ctx.theme.spacing_px * 2)
        self.large = button("", "toggle_large")
        self.large.clicked.connect(self._toggle_large)
        self.contrast = button("", "toggle_contrast")
        self.contrast.clicked.connect(self._toggle_contrast)
        self.voice = button("", "toggle_voice")
        self.voice.clicked.connect(self._toggle_voice)
        for widget in (self.large, self.voice, self.contrast):
            switches.addWidget(widget)
        self.body.addLayout(switches)
        self.body.addStretch(1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        landscape = event.size().width() > event.size().height()
        self._switches.setDirection(
            QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        )
        super().resizeEvent(event)

    def refresh(self) -> None:
        theme = self.ctx.theme
        # The words say the state: colour is never the only signal.
        self.large.setText(
            "长辈模式（大字）：已开启" if theme.large else "长辈模式（大字）：已关闭"
        )
        self.contrast.setText("高对比度：已开启" if theme.high_contrast else "高对比度：已关闭")
        self.voice.setText("语音朗读：已开启" if self.ctx.voice.enabled else "语音朗读：已关闭")

    def _toggle_large(self) -> None:
        self.ctx.apply_theme(self.ctx.theme.with_large(not self.ctx.theme.large))

    def _toggle_contrast(self) -> None:
        self.ctx.apply_theme(self.ctx.theme.with_high_contrast(not self.ctx.theme.high_contrast))

    def _toggle_voice(self) -> None:
        self.ctx.voice.enabled = not self.ctx.voice.enabled
        self.refresh()
        if self.ctx.voice.enabled:
            self.read_aloud()
