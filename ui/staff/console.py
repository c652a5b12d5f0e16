"""The staff console: sign-in → queue → supplement, in one stacked widget.

The wiring opens it (staff card on the reader, or the hidden staff corner of the
home screen) and closes it on ``closed``; while it is open every application
filed records the signed-in staff member.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget

from kiosk.cardholder import CardHolder
from kiosk.core import KioskCore
from kiosk.staff import StaffSession
from kiosk.usecases import staff_auth
from kiosk.usecases.staff_auth import DEFAULT_AUTH, AuthConfig
from ui.devices import PrinterBridge
from ui.staff.printing import StaffPrinter
from ui.staff.queue_screen import QueueScreen
from ui.staff.sign_in_screen import SignInScreen
from ui.staff.supplement_screen import SupplementScreen


class StaffConsole(QStackedWidget):
    """``session_changed(StaffSession | None)``; ``closed()`` when staff leave the console."""

    session_changed = Signal(object)
    closed = Signal()

    def __init__(
        self, core: KioskCore, printer: PrinterBridge, auth: AuthConfig = DEFAULT_AUTH
    ) -> None:
        super().__init__()
        self.setObjectName("staff_console")
        self.core = core
        self.session: StaffSession | None = None
        self.staff_printer = StaffPrinter(core, printer)
        self.sign_in = SignInScreen(core, auth)
        self.queue = QueueScreen(core, self.staff_printer)
        self.supplement = SupplementScreen(core)
        for page in (self.sign_in, self.queue, self.supplement):
            self.addWidget(page)
        self.sign_in.signed_in.connect(self._signed_in)
        self.sign_in.cancelled.connect(self.closed.emit)
        self.queue.signed_out.connect(self.sign_out)
        self.queue.supplement_requested.connect(self._supplement)
        self.supplement.cancelled.connect(self._back_to_queue)
        self.supplement.filed.connect(self._supplement_filed)

    def open(self) -> None:
        self.sign_in.reset()
        self.setCurrentWidget(self.sign_in)

    def card_presented(self, holder: CardHolder) -> None:
        if self.currentWidget() is self.sign_in:
            self.sign_in.card_presented(holder)

    def _signed_in(self, session: StaffSession) -> None:
        self.session = session
        self.session_changed.emit(session)
        self.queue.start(session)
        self.setCurrentWidget(self.queue)

    def sign_out(self) -> None:
        if self.session is not None:
            staff_auth.sign_out(self.core, self.session)
        self.session = None
        self.session_changed.emit(None)
        self.open()
        self.closed.emit()

    def _supplement(self, application_id: str) -> None:
        assert self.session is not None
        self.supplement.load(self.session, application_id)
        self.setCurrentWidget(self.supplement)

    def _back_to_queue(self) -> None:
        self.queue.refresh()
        self.setCurrentWidget(self.queue)

    def _supplement_filed(self, number: str) -> None:
        self._back_to_queue()
        self.queue.message.setText(f"✓ 补正已提交，新的办件编号 {number}，将自动发送。")
