"""反映已提交."""

from __future__ import annotations

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import button, label


class RequestDoneScreen(Screen):
    step = Step.REQUEST_DONE
    title_text = "✓ 您的反映已提交"
    show_back = False

    def build(self) -> None:
        self.body.addWidget(
            label(
                "已保存在本机，网络通畅时自动转交有关部门。留了电话的，工作人员会与您联系。",
                "",
                "done",
            )
        )
        done = button("完成", "finish", "primary")
        done.clicked.connect(self.journey.finish)
        self.body.addWidget(done)
        self.body.addStretch(1)
