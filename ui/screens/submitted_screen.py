"""提交成功: the application number large, what happens next, the receipt's fate."""

from __future__ import annotations

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import button, label


class SubmittedScreen(Screen):
    step = Step.SUBMITTED
    title_text = "✓ 申请已提交"
    show_back = False

    def build(self) -> None:
        self.body.addWidget(label("您的办件编号是：", "", "number_caption"))
        self.number = label("", "huge", "application_number")
        self.body.addWidget(self.number)
        self.next_steps = label("", "", "next_steps")
        self.body.addWidget(self.next_steps)
        self.receipt = label("", "ok", "receipt_status")
        self.body.addWidget(self.receipt)
        rate = button("评价本次服务（好差评）›", "to_rating", "primary")
        rate.clicked.connect(self.journey.to_rating)
        self.action_bar.addWidget(rate)
        self.body.addStretch(1)
        self.ctx.printer.job_finished.connect(self._printed)

    def refresh(self) -> None:
        application = self.journey.session.application
        if application is None:
            return
        self.number.setText(application.number)
        self.next_steps.setText(
            f"已保存在本机，网络通畅时自动报送。\n预计办结：{application.promised_date:%Y年%m月%d日}前（以受理部门受理后的办结期限为准）。"
            "\n可凭办件编号随时在本机“查进度”。"
            + (
                "\n另有一张告知承诺书随回执打印，请按承诺书上的日期补交承诺的材料。"
                if application.commitment is not None
                else ""
            )
        )
        self.receipt.setText("正在打印受理回执，请稍候……")

    def wipe_personal(self) -> None:
        self.number.clear()
        self.next_steps.clear()
        self.receipt.clear()

    def _printed(self, kind: str, ok: bool, message: str) -> None:
        if kind != "receipt" or self.journey.step is not Step.SUBMITTED:
            return
        self.receipt.setText(
            "✓ 受理回执已打印，请从出纸口取走。"
            if ok
            else f"✕ 回执没有打印出来（{message}）。请记下上面的办件编号，工作人员可为您补打。"
        )
