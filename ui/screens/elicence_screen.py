"""同意调取本人电子证照: the consent, in large text and read aloud, before any lookup.

The text is the core's (``kiosk.usecases.elicence.consent_text``): which licences, for which
item, and that the lookup is logged. Only the holder's tap on 同意调取 records the consent and
starts the lookup (through the platform); 不同意 returns to the choices, where promising or
the counter remain. Why a screen of its own: a using unit may fetch a person's licences only
with that person's authorisation for that matter (docs/protocol.md, "E-licences").
"""

from __future__ import annotations

from kiosk.journey import Step
from kiosk.usecases.elicence import CONSENT_TITLE
from ui.screens.base import Screen
from ui.widgets import button, label


class ElicenceConsentScreen(Screen):
    step = Step.ELICENCE_CONSENT
    title_text = CONSENT_TITLE

    def build(self) -> None:
        self.text = label("", "heading", "elicence_consent_text")
        self.body.addWidget(self.text)
        self.card = label(
            "请保持您的身份证放在读卡器上。不同意也可以继续办理：改选承诺后补，或带原件到窗口。",
            "muted",
            "elicence_card_hint",
        )
        self.body.addWidget(self.card)
        self.body.addStretch(1)
        decline = button("不同意", "elicence_decline")
        decline.clicked.connect(self.journey.decline_licences)
        self.action_bar.addWidget(decline)
        agree = button("同意调取", "elicence_agree", "primary")
        agree.clicked.connect(self.journey.agree_licences)
        self.action_bar.addWidget(agree)

    def refresh(self) -> None:
        self.text.setText(self.journey.licence_consent_text())
        self.show_error()

    def wipe_personal(self) -> None:
        self.text.clear()
