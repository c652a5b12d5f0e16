"""Idle timeout: after a quiet while, a visible countdown with 继续使用; then the session is wiped.

Any touch, key or click on the kiosk window restarts the wait (watched where input
enters the window: :mod:`ui.window_input`). The timer runs only away from the home
screen. Durations are injected so tests never sleep.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.journey import Journey, Step
from ui.widgets import button, label
from ui.window_input import WindowInput

_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
}


class IdleBanner(QWidget):
    """The countdown, inline at the top of the screen (not a pop-up)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("IdleBanner")
        from PySide6.QtCore import Qt

        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(32, 12, 32, 12)
        self.text = label("", "", "idle_text")
        row.addWidget(self.text, 1)
        self.keep = button("继续使用", "keep_using", "primary")
        self.keep.setMinimumWidth(280)
        row.addWidget(self.keep)
        self.hide()

    def show_remaining(self, seconds: int) -> None:
        self.text.setText(f"⏱ 您很久没有操作了，{seconds} 秒后将退出并清除您的信息。")


class IdleGuard(QObject):
    """Watches the input ``window`` receives; ``expired`` fires after the countdown ends."""

    countdown_started = Signal()
    expired = Signal()

    def __init__(
        self,
        journey: Journey,
        banner: IdleBanner,
        window: QWidget,
        *,
        idle_ms: int,
        countdown_s: int,
        tick_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.journey = journey
        self.banner = banner
        self.countdown_s = countdown_s
        self.remaining = countdown_s
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(idle_ms)
        self.idle.timeout.connect(self._start_countdown)
        self.tick = QTimer(self)
        self.tick.setInterval(tick_ms)
        self.tick.timeout.connect(self._tick)
        banner.keep.clicked.connect(self.reset)
        journey.subscribe(self._step_changed)
        self._input = WindowInput(window, self)

    def shutdown(self) -> None:
        """Stop watching (the window is closing)."""
        self._stop()
        self._input.stop()

    def set_durations(self, idle_ms: int, countdown_s: int, tick_ms: int = 1000) -> None:
        self.idle.setInterval(idle_ms)
        self.countdown_s = countdown_s
        self.tick.setInterval(tick_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _ACTIVITY and not self.tick.isActive():
            self._restart_if_active()
        return False

    def _step_changed(self, step: Step) -> None:
        self._restart_if_active()

    def _restart_if_active(self) -> None:
        if self.journey.step in (Step.HOME,):
            self._stop()
        else:
            self.idle.start()

    def reset(self) -> None:
        """继续使用: hide the countdown, start waiting again."""
        self._stop()
        self._restart_if_active()

    def _stop(self) -> None:
        self.idle.stop()
        self.tick.stop()
        self.banner.hide()

    def _start_countdown(self) -> None:
        if self.journey.step is Step.HOME:
            return
        if self.journey.step is Step.END:  # nothing left to protect: straight home
            self.journey.home()
            return
        self.remaining = self.countdown_s
        self.banner.show_remaining(self.remaining)
        self.banner.show()
        self.tick.start()
        self.countdown_started.emit()

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining > 0:
            self.banner.show_remaining(self.remaining)
            return
        self._stop()
        self.journey.timeout()
        self.expired.emit()
