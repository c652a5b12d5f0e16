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
        # The look-up number: 查进度 finds the request and the department's reply by it.
        self.number = label("", "heading", "request_number")
        self.body.addWidget(self.number)
        done = button("完成", "finish", "primary")
        done.clicked.connect(self.journey.finish)
        self.body.addWidget(done)
        self.body.addStretch(1)

    def refresh(self) -> None:
        found = self.journey.services.request_progress(self.journey.session.request_id)
        number = found.number if found is not None else ""
        self.number.setText(
            f"反映编号：{number}\n请记下这个编号，可在“查进度”输入它查看处理情况和答复。"
            if number
            else ""
        )
        self.number.setVisible(bool(number))

    def wipe_personal(self) -> None:
        self.number.clear()
