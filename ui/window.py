"""The kiosk window: idle banner, the routed screens, the staff status bar, the dev dock.

The staff and technician consoles are built the first time they are opened (issue 16,
goals 1–2): the technician console's provisioning wizard pulls in the platform client
and both cost memory a resident's visit never uses. Work that need not delay the
home screen (the voice engine, the devices, the sync engine) is handed to
:meth:`KioskWindow.after_first_frame`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.cardholder import CardHolder
from kiosk.journey import Journey, Step
from kiosk.staff import StaffSession
from ui.devices import CameraBridge, CardReaderBridge, PrinterBridge
from ui.idle import IdleBanner, IdleGuard
from ui.router import Router
from ui.screens.base import ScreenContext
from ui.speech import Voice
from ui.status_bar import SnapshotSource, StatusBar
from ui.theme import Theme, apply_theme
from ui.widgets import button, label

if TYPE_CHECKING:
    from ui.dev_dock import DevControls, DevDock  # demo mode only: loaded when a dock is added
    from ui.staff.console import StaffConsole  # the consoles: built on first use
    from ui.technician.console import TechnicianConsole

FIRST_FRAME_FALLBACK_MS = 1000
"""Deferred start-up work runs this long after construction at the latest, even if the
window was never painted (a window that is built but not shown, as some tests do)."""


class KioskWindow(QWidget):
    """Composes the UI; owns no business logic (the journey) and no devices (the bridges)."""

    def __init__(
        self,
        journey: Journey,
        *,
        voice: Voice,
        printer: PrinterBridge,
        reader: CardReaderBridge,
        status_source: SnapshotSource,
        theme: Theme,
        idle_ms: int,
        countdown_s: int,
        tick_ms: int = 1000,
        dev_controls: DevControls | None = None,
        staff_console: Callable[[], StaffConsole] | None = None,
        technician_console: Callable[[], TechnicianConsole] | None = None,
        camera: CameraBridge | None = None,
    ) -> None:
        """``staff_console`` and ``technician_console`` are factories, called on first use."""
        super().__init__()
        self._after_first_frame: list[Callable[[], None]] | None = []
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle("政务服务自助终端")
        self.journey = journey
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        apply_theme(app, theme)
        self.staff_session: StaffSession | None = None
        self.ctx = ScreenContext(
            journey,
            voice,
            printer,
            reader,
            theme,
            self.apply_theme,
            lambda: self.staff_session,
            camera,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = IdleBanner()
        layout.addWidget(self.banner)
        # Resident screens, the staff console and the technician console take turns here.
        self.modes = QStackedWidget()
        layout.addWidget(self.modes, 1)
        self.resident = QWidget()
        resident_layout = QVBoxLayout(self.resident)
        resident_layout.setContentsMargins(0, 0, 0, 0)
        resident_layout.setSpacing(0)
        self.assisted_bar = label("", "banner", "assisted_bar")
        self.assisted_bar.setObjectName("AssistedBar")
        self.assisted_bar.hide()
        resident_layout.addWidget(self.assisted_bar)
        self.stack = QStackedWidget()
        resident_layout.addWidget(self.stack, 1)
        self.modes.addWidget(self.resident)
        self.router = Router(self.ctx, self.stack)
        self.idle = IdleGuard(
            journey,
            self.banner,
            self,
            idle_ms=idle_ms,
            countdown_s=countdown_s,
            tick_ms=tick_ms,
            parent=self,
        )
        self.status_bar = StatusBar(status_source, printer, reader)
        layout.addWidget(self.status_bar)
        self._add_consoles(staff_console, technician_console)
        self.dock: DevDock | None = None
        if dev_controls is not None:
            self._add_dock(dev_controls)
        # Card events arrive on the reader's thread; these connections are queued.
        reader.card_inserted.connect(self._card_inserted)
        # One visitor's 长辈模式, contrast or voice choice does not carry over to the next.
        self.default_theme = theme
        self.default_voice = voice.enabled
        self._last_step = journey.step
        journey.subscribe(self._visit_may_have_ended)
        reader.card_removed.connect(journey.card_removed)
        self.router.show(journey.step)

    def _add_consoles(
        self,
        staff_console: Callable[[], StaffConsole] | None,
        technician_console: Callable[[], TechnicianConsole] | None,
    ) -> None:
        """The consoles' buttons now; the consoles themselves on first use."""
        self._make_staff = staff_console
        self._make_technician = technician_console
        self._staff: StaffConsole | None = None
        self._technician: TechnicianConsole | None = None
        self.staff_page: QWidget | None = None
        if staff_console is not None:
            self.staff_page = QWidget()
            page = QVBoxLayout(self.staff_page)
            page.setContentsMargins(0, 0, 0, 0)
            self.to_resident = button("去代办居民申请（保持登录）›", "staff_to_resident", "primary")
            self.to_resident.clicked.connect(self.show_resident)
            self.to_resident.hide()
            page.addWidget(self.to_resident)
            self.modes.addWidget(self.staff_page)
            self.status_bar.add_action("工作人员", "open_staff", self.show_staff)
        if technician_console is not None:
            self.status_bar.add_action("维护", "open_technician", self.show_technician)

    @property
    def staff_console(self) -> StaffConsole | None:
        """The staff console, built (and put on its page) the first time it is asked for."""
        if self._staff is None and self._make_staff is not None and self.staff_page is not None:
            console = self._make_staff()
            layout = self.staff_page.layout()
            assert layout is not None
            layout.addWidget(console)
            assert isinstance(layout, QVBoxLayout)
            layout.setStretchFactor(console, 1)
            console.session_changed.connect(self._staff_session_changed)
            console.closed.connect(self.show_resident)
            self._staff = console
        return self._staff

    @property
    def technician_console(self) -> TechnicianConsole | None:
        """The technician console, built the first time it is asked for."""
        if self._technician is None and self._make_technician is not None:
            console = self._make_technician()
            self.modes.addWidget(console)
            console.closed.connect(self.show_resident)
            self._technician = console
        return self._technician

    def after_first_frame(self, work: Callable[[], None]) -> None:
        """Run ``work`` once the window has been painted for the first time (or at once, later).

        Start-up work that the home screen does not need (the voice engine, the devices,
        the sync engine) waits here so it never delays the first frame. A window that is
        never shown still runs it, :data:`FIRST_FRAME_FALLBACK_MS` after it was built.
        """
        if self._after_first_frame is None:
            work()
            return
        if not self._after_first_frame:
            QTimer.singleShot(FIRST_FRAME_FALLBACK_MS, self, self._run_after_first_frame)
        self._after_first_frame.append(work)

    def _run_after_first_frame(self) -> None:
        pending, self._after_first_frame = self._after_first_frame, None
        for work in pending or ():
            work()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self._after_first_frame:
            # After this paint has reached the screen: the next event-loop turn.
            QTimer.singleShot(0, self, self._run_after_first_frame)

    def _add_dock(self, dev_controls: DevControls) -> None:
        from ui.dev_dock import DevDock

        self.dock = DevDock(dev_controls)
        layout = self.layout()
        assert layout is not None
        layout.addWidget(self.dock)
        toggle = button("演示", "dock_toggle")
        toggle.setParent(self)
        toggle.setFixedSize(120, 80)
        toggle.clicked.connect(self.toggle_dock)
        self.dock_toggle = toggle

    def _card_inserted(self, holder: CardHolder) -> None:
        """A card goes to the staff sign-in while it is shown, otherwise to the journey."""
        current = self.modes.currentWidget()
        if self._staff is not None and current is self.staff_page:
            self._staff.card_presented(holder)
        elif current is self.resident:
            self.journey.card_inserted(holder)

    def _visit_may_have_ended(self, step: Step) -> None:
        ended = step is Step.END or (step is Step.HOME and self._last_step not in (Step.HOME,))
        self._last_step = step
        if not ended:
            return
        self.ctx.voice.enabled = self.default_voice
        if self.ctx.theme != self.default_theme:
            # After the router has shown the step: rebuilding screens inside its listener
            # would pull widgets from under it.
            QTimer.singleShot(0, lambda: self.apply_theme(self.default_theme))

    def show_resident(self) -> None:
        self.modes.setCurrentWidget(self.resident)

    def show_staff(self) -> None:
        console = self.staff_console
        if console is None or self.staff_page is None:
            return
        if self.staff_session is None:
            console.open()
        self.modes.setCurrentWidget(self.staff_page)

    def show_technician(self) -> None:
        console = self.technician_console
        if console is None:
            return
        console.open()
        self.modes.setCurrentWidget(console)

    def _staff_session_changed(self, session: StaffSession | None) -> None:
        """Assisted filing (代办) is on while staff are signed in, and says so on every screen."""
        self.staff_session = session
        self.journey.set_assisting(session.staff.number if session else None)
        if session is None:
            self.assisted_bar.hide()
            self.to_resident.hide()
            return
        staff = session.staff
        self.assisted_bar.setText(f"● 工作人员代办中：{staff.name}（工号 {staff.number}）")
        self.assisted_bar.show()
        self.to_resident.show()

    def apply_theme(self, theme: Theme) -> None:
        """Switch larger-text / high-contrast mode: screens dropped, new style sheet, the
        current step's screen rebuilt. Dropped first, so the style sheet does not re-polish
        screens about to go (``LazyScreens.drop_all``)."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.ctx.theme = theme
        self.router.build()
        apply_theme(app, theme)
        self.router.show(self.journey.step)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        toggle = getattr(self, "dock_toggle", None)
        if toggle is not None:  # top-right corner, out of the screens' way
            toggle.move(self.width() - toggle.width(), 0)
            toggle.raise_()

    def shutdown(self) -> None:
        """Stop every timer before the core closes underneath; drop start-up work not yet run."""
        self._after_first_frame = None
        self.idle.shutdown()
        self.status_bar.timer.stop()

    def toggle_dock(self) -> None:
        if self.dock is not None:
            self.dock.setVisible(not self.dock.isVisible())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_F12:
            self.toggle_dock()
            return
        super().keyPressEvent(event)
