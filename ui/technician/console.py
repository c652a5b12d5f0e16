"""The technician console: PIN unlock → maintenance menu → diagnostics or provisioning wizard."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget

from kiosk.core import KioskCore
from kiosk.staff import StaffMember
from kiosk.usecases.staff_auth import DEFAULT_AUTH, AuthConfig
from ui.staff.common import Page
from ui.technician.diagnostics_screen import DiagnosticsScreen, LogExporter, ReportProvider
from ui.technician.unlock_screen import UnlockScreen
from ui.technician.wizard import ProvisioningWizard
from ui.widgets import button, label


class TechnicianConsole(QStackedWidget):
    """``maintenance_changed(bool)`` when maintenance mode opens/closes; ``closed()`` to leave."""

    maintenance_changed = Signal(bool)
    closed = Signal()

    def __init__(
        self,
        core: KioskCore,
        report: ReportProvider,
        *,
        wizard: ProvisioningWizard | None = None,
        export_logs: LogExporter | None = None,
        sync_now: Callable[[], None] | None = None,
        auth: AuthConfig = DEFAULT_AUTH,
    ) -> None:
        super().__init__()
        self.setObjectName("technician_console")
        self.core = core
        self.technician: StaffMember | None = None
        self.unlock = UnlockScreen(core, auth)
        self.menu = Page("维护菜单", "technician_menu")
        self.who = label("", "ok", "technician")
        self.menu.outer.addWidget(self.who)
        self.diagnostics = DiagnosticsScreen(report, export_logs)
        self.wizard = wizard
        self.addWidget(self.unlock)
        self.addWidget(self.menu)
        self.addWidget(self.diagnostics)
        open_diag = button("诊断", "open_diagnostics", "primary")
        open_diag.clicked.connect(self.open_diagnostics)
        self.menu.outer.addWidget(open_diag)
        if wizard is not None:
            self.addWidget(wizard)
            open_wizard = button("开通向导", "open_wizard")
            open_wizard.clicked.connect(lambda: self.setCurrentWidget(wizard))
            self.menu.outer.addWidget(open_wizard)
            wizard.finished.connect(self.lock)
        if sync_now is not None:
            sync = button("立即同步", "sync_now")
            sync.clicked.connect(sync_now)
            self.menu.outer.addWidget(sync)
        self.menu.outer.addStretch(1)
        leave = button("退出维护模式", "lock", "primary")
        leave.clicked.connect(self.lock)
        self.menu.outer.addWidget(leave)
        self.unlock.unlocked.connect(self._unlocked)
        self.unlock.cancelled.connect(self.closed.emit)
        self.diagnostics.closed.connect(lambda: self.setCurrentWidget(self.menu))

    def open(self) -> None:
        self.unlock.reset()
        self.setCurrentWidget(self.unlock)

    def _unlocked(self, member: StaffMember) -> None:
        self.technician = member
        self.who.setText(f"● 维护模式 · 技术人员 {member.number} {member.name}")
        self.setCurrentWidget(self.menu)
        self.maintenance_changed.emit(True)

    def open_diagnostics(self) -> None:
        self.setCurrentWidget(self.diagnostics)
        self.diagnostics.run_checks()

    def lock(self) -> None:
        self.technician = None
        self.open()
        self.maintenance_changed.emit(False)
        self.closed.emit()
