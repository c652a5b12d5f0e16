"""维护模式解锁: only a technician's PIN opens maintenance mode; wrong PINs lock it for a while."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.core import KioskCore
from kiosk.staff import LockedOut, SignInError, format_wait
from kiosk.usecases import staff_auth
from kiosk.usecases.staff_auth import DEFAULT_AUTH, AuthConfig
from ui.staff.common import Page, digits_field
from ui.widgets import ErrorLabel, NumberPad, button, label


class UnlockScreen(Page):
    """Emits ``unlocked(StaffMember)`` or ``cancelled()``."""

    unlocked = Signal(object)
    cancelled = Signal()

    def __init__(self, core: KioskCore, auth: AuthConfig = DEFAULT_AUTH) -> None:
        super().__init__("维护模式", "technician_unlock")
        self.core = core
        self.auth = auth
        self.outer.addWidget(label("请输入技术人员密码。", "muted", "hint"))
        self.pin = digits_field("technician_pin", "技术人员密码", secret=True)
        self.outer.addWidget(self.pin)
        self.error = ErrorLabel()
        self.outer.addWidget(self.error)
        self.pad = NumberPad(self.pin)
        self.outer.addWidget(self.pad, 1)
        row = QHBoxLayout()
        self.cancel_button = button("‹ 返回", "cancel")
        self.unlock_button = button("解锁", "unlock", "primary")
        row.addWidget(self.cancel_button)
        row.addWidget(self.unlock_button)
        self.outer.addLayout(row)
        self.cancel_button.clicked.connect(self._cancel)
        self.unlock_button.clicked.connect(self.submit)
        self.pin.returnPressed.connect(self.submit)
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(1000)
        self.lock_timer.timeout.connect(self.refresh_lock)

    def reset(self) -> None:
        self.pin.clear()
        self.error.show_message("")
        self.refresh_lock()

    def submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        pin = self.pin.text()
        self.pin.clear()
        try:
            member = staff_auth.unlock_maintenance(self.core, pin, config=self.auth)
        except LockedOut as exc:
            self.error.show_message(exc.message)
            self.unlock_button.setEnabled(False)
            self.lock_timer.start()
            return
        except SignInError as exc:
            self.error.show_message(exc.message.replace("工号或密码", "密码"))
            return
        self.error.show_message("")
        self.unlocked.emit(member)

    def refresh_lock(self) -> None:
        remaining = staff_auth.maintenance_lockout_remaining(self.core)
        if remaining:
            self.unlock_button.setEnabled(False)
            self.error.show_message(
                f"密码错误次数过多，已锁定，请 {format_wait(remaining)}后再试。"
            )
            if not self.lock_timer.isActive():
                self.lock_timer.start()
            return
        self.lock_timer.stop()
        self.unlock_button.setEnabled(True)
        self.error.show_message("")

    def _cancel(self) -> None:
        self.pin.clear()
        self.cancelled.emit()
