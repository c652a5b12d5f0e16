"""告知承诺书: the commitment in large text, read aloud on arrival, confirmed by 我承诺.

The text is the core's (``kiosk.materials.commitment_text`` from the item's template):
what is promised, by when, and what a false promise costs (国办发〔2020〕42号). The
resident may still withdraw; "back" returns to the choices.
"""

from __future__ import annotations

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import button, label


class PromiseScreen(Screen):
    step = Step.PROMISE
    title_text = "告知承诺书"

    def build(self) -> None:
        self.text = label("", "heading", "commitment_text")
        self.body.addWidget(self.text)
        self.staff = label("", "muted", "commitment_staff")
        self.body.addWidget(self.staff)
        self.body.addStretch(1)
        withdraw = button("不办了", "withdraw")
        withdraw.clicked.connect(self.journey.withdraw)
        self.action_bar.addWidget(withdraw)
        promise = button("我承诺", "promise", "primary")
        promise.clicked.connect(self.journey.promise)
        self.action_bar.addWidget(promise)

    def refresh(self) -> None:
        self.text.setText(self.journey.session.commitment)
        number = self.journey.staff_number if self.journey.assisted else None
        self.staff.setText(f"代办工作人员（工号 {number}）在场见证。" if number else "")
        self.staff.setVisible(bool(number))
        self.show_error()

    def wipe_personal(self) -> None:
        self.text.clear()
        self.staff.clear()
