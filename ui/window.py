"""The kiosk window: idle banner, the routed screens, the staff status bar, the dev dock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.journey import Journey
from ui.dev_dock import DevControls, DevDock
from ui.devices import CardReaderBridge, PrinterBridge
from ui.idle import IdleBanner, IdleGuard
from ui.router import Router
from ui.screens.base import ScreenContext
from ui.speech import Voice
from ui.status_bar import SnapshotSource, StatusBar
from ui.theme import Theme, apply_theme
from ui.widgets import button


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
    ) -> None:
        super().__init__()
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle("政务服务自助终端")
        self.journey = journey
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        apply_theme(app, theme)
        self.ctx = ScreenContext(journey, voice, printer, reader, theme, self.apply_theme)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = IdleBanner()
        layout.addWidget(self.banner)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.router = Router(self.ctx, self.stack)
        self.idle = IdleGuard(
            journey,
            self.banner,
            idle_ms=idle_ms,
            countdown_s=countdown_s,
            tick_ms=tick_ms,
            parent=self,
        )
        self.status_bar = StatusBar(status_source, printer, reader)
        layout.addWidget(self.status_bar)
        self.dock: DevDock | None = None
        if dev_controls is not None:
            self.dock = DevDock(dev_controls)
            layout.addWidget(self.dock)
            toggle = button("演示", "dock_toggle")
            toggle.setParent(self)
            toggle.setFixedSize(120, 80)
            toggle.clicked.connect(self.toggle_dock)
            self.dock_toggle = toggle
        # Card events arrive on the reader's thread; these connections are queued.
        reader.card_inserted.connect(journey.card_inserted)
        reader.card_removed.connect(journey.card_removed)
        self.router.show(journey.step)

    def apply_theme(self, theme: Theme) -> None:
        """Switch larger-text / high-contrast mode: new style sheet, screens rebuilt."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.ctx.theme = theme
        apply_theme(app, theme)
        current = self.stack.currentIndex()
        self.router.build()
        del current
        self.router.show(self.journey.step)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        toggle = getattr(self, "dock_toggle", None)
        if toggle is not None:  # top-right corner, out of the screens' way
            toggle.move(self.width() - toggle.width(), 0)
            toggle.raise_()

    def shutdown(self) -> None:
        """Stop every timer before the core closes underneath."""
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
