"""再见: the session is already wiped; back to the home screen by a tap or by itself."""

from __future__ import annotations

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import button, label


class EndScreen(Screen):
    step = Step.END
    title_text = "谢谢您，办理结束"
    show_back = False
    show_home = False

    def build(self) -> None:
        self.body.addWidget(label("您的信息已从屏幕上清除。请带好身份证和回执。", "", "goodbye"))
        home = button("回到首页", "go_home", "primary")
        home.clicked.connect(self.journey.home)
        self.body.addWidget(home)
        self.body.addStretch(1)
