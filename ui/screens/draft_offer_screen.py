"""上次没填完: offered to the same card holder only, explicitly, never silently restored."""

from __future__ import annotations

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import button, label


class DraftOfferScreen(Screen):
    step = Step.DRAFT_OFFER
    title_text = "您上次有一份没填完的申请"

    def build(self) -> None:
        self.item = label("", "", "draft_item")
        self.body.addWidget(self.item)
        resume = button("接着填写", "resume_draft", "primary")
        resume.clicked.connect(self.journey.resume_draft)
        discard = button("不要了，重新开始", "discard_draft")
        discard.clicked.connect(self.journey.discard_draft)
        self.body.addWidget(resume)
        self.body.addWidget(discard)
        self.body.addStretch(1)

    def wipe_personal(self) -> None:
        self.item.clear()

    def refresh(self) -> None:
        draft = self.journey.session.draft
        name = ""
        if draft is not None:
            for item in self.journey.services.catalogue():
                if item.code == draft[0]:
                    name = item.name
        self.item.setText(f"事项：{name}")
