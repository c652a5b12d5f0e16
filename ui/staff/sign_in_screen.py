"""工作人员登录: staff number + PIN on a large pad, or a staff card on the reader."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.cardholder import CardHolder
from kiosk.core import KioskCore
from kiosk.staff import LockedOut, SignInError, format_wait
from kiosk.usecases import staff_auth
from kiosk.usecases.staff_auth import DEFAULT_AUTH, AuthConfig
from ui.staff.common import PadFollowsFocus, Page, digits_field
from ui.widgets import ErrorLabel, NumberPad, button, label


class SignInScreen(Page):
    """Emits ``signed_in(StaffSession)``; ``cancelled()`` returns to the resident home screen."""

    signed_in = Signal(object)
    cancelled = Signal()

    def __init__(self, core: KioskCore, auth: AuthConfig = DEFAULT_AUTH) -> None:
        super().__init__("工作人员登录", "staff_sign_in")
        self.core = core
        self.auth = auth
        self.hint = label("请输入工号和密码，或将工作人员卡放在读卡区。", "muted", "hint")
        self.outer.addWidget(self.hint)
        row = QHBoxLayout()
        fields = QVBoxLayout()
        self.number = digits_field("staff_number", "工号")
        self.pin = digits_field("staff_pin", "密码", secret=True)
        fields.addWidget(label("工号"))
        fields.addWidget(self.number)
        fields.addWidget(label("密码"))
        fields.addWidget(self.pin)
        self.error = ErrorLabel()
        fields.addWidget(self.error)
        fields.addStretch(1)
        row.addLayout(fields, 1)
        self.pad = NumberPad()
        PadFollowsFocus(self.pad, [self.number, self.pin])
        row.addWidget(self.pad, 1)
        self.outer.addLayout(row, 1)
        buttons = QHBoxLayout()
        self.cancel_button = button("‹ 返回", "cancel")
        self.sign_in_button = button("登录", "sign_in", "primary")
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.sign_in_button)
        self.outer.addLayout(buttons)
        self.cancel_button.clicked.connect(self._cancel)
        self.sign_in_button.clicked.connect(self.submit)
        self.pin.returnPressed.connect(self.submit)
        self.number.returnPressed.connect(self.pin.setFocus)
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(1000)
        self.lock_timer.timeout.connect(self.refresh_lock)

    def reset(self) -> None:
        self.number.clear()
        self.pin.clear()
        self.error.show_message("")
        self.sign_in_button.setEnabled(True)
        self.number.setFocus()
        self.pad.target = self.number

    def submit(self) -> None:
        if not self.sign_in_button.isEnabled():
            return
        number, pin = self.number.text(), self.pin.text()
        self.pin.clear()
        try:
            session = staff_auth.sign_in_with_pin(self.core, number, pin, config=self.auth)
        except LockedOut as exc:
            self._locked(exc)
            return
        except SignInError as exc:
            self.error.show_message(exc.message)
            return
        self.reset()
        self.signed_in.emit(session)

    def card_presented(self, holder: CardHolder) -> None:
        """A card on the reader while this screen shows: try it as a staff card."""
        card_id = holder.card_number or holder.id_number
        try:
            session = staff_auth.sign_in_with_card(self.core, card_id)
        except SignInError as exc:
            self.error.show_message(exc.message)
            return
        self.reset()
        self.signed_in.emit(session)

    def _locked(self, exc: LockedOut) -> None:
        self.error.show_message(exc.message)
        self.sign_in_button.setEnabled(False)
        self.lock_timer.start()

    def refresh_lock(self) -> None:
        """Re-enable sign-in when the lock of the typed staff number ends (clock from the core)."""
        remaining = staff_auth.lockout_remaining(self.core, self.number.text())
        if remaining:
            self.error.show_message(
                f"密码错误次数过多，已锁定，请 {format_wait(remaining)}后再试。"
            )
            return
        self.lock_timer.stop()
        self.sign_in_button.setEnabled(True)
        self.error.show_message("")

    def _cancel(self) -> None:
        self.reset()
        self.cancelled.emit()
