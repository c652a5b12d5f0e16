"""申请人确认 (assisted filing): the resident's own tap, on the staff area's consent page."""

from __future__ import annotations

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.staff.consent_screen import AssistedConsentPage


class ConsentScreen(Screen):
    """Hosts ``ui.staff.consent_screen.AssistedConsentPage`` as the journey's CONSENT step."""

    step = Step.CONSENT
    title_text = "请您本人确认"

    def build(self) -> None:
        self.page = AssistedConsentPage()
        self.page.title.hide()  # this screen's own title says it already
        self.page.outer.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.page)
        self.page.confirmed.connect(lambda: self.journey.consent(True))
        self.page.declined.connect(lambda: self.journey.consent(False))

    def refresh(self) -> None:
        session = self.ctx.staff_session()
        item = self.journey.session.item
        if session is not None and item is not None:
            self.page.ask(session, item.name)
        elif item is not None:  # staff signed in elsewhere (or a scripted tour)
            number = self.journey.staff_number or ""
            self.page.text.setText(f"工作人员（工号 {number}）将代您办理“{item.name}”。")
        self.show_error()
