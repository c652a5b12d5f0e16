"""申请人确认: the resident's own tap that consents to assisted filing (代办).

Shown to the resident (large text, one decision) before an assisted application
is submitted; the journey records ``consent=True`` only after ``confirmed``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.staff import StaffSession
from ui.staff.common import Page
from ui.widgets import button, label


class AssistedConsentPage(Page):
    """Emits ``confirmed()`` or ``declined()``."""

    confirmed = Signal()
    declined = Signal()

    def __init__(self) -> None:
        super().__init__("请您本人确认", "staff_consent")
        self.text = label("", "title", "consent_text")  # residents read this: large
        self.outer.addWidget(self.text)
        self.outer.addWidget(
            label("确认后，本次申请将记录代办工作人员和您的同意。您可以随时要求自己办理。", "muted")
        )
        self.outer.addStretch(1)
        row = QHBoxLayout()
        self.decline_button = button("不同意，我自己办", "decline")
        self.confirm_button = button("我同意由工作人员代办", "confirm", "primary")
        row.addWidget(self.decline_button)
        row.addWidget(self.confirm_button)
        self.outer.addLayout(row)
        self.confirm_button.clicked.connect(self.confirmed.emit)
        self.decline_button.clicked.connect(self.declined.emit)

    def ask(self, session: StaffSession, service_name: str) -> None:
        staff = session.staff
        self.text.setText(
            f"工作人员 {staff.name}（工号 {staff.number}）将代您办理“{service_name}”。\n"
            "申请内容会在提交前读给您听、给您看。"
        )

    def read_aloud_text(self) -> str:
        return f"{self.title.text()}。{self.text.text()}"
