"""What every screen shares: a title, a body, a bottom bar (back, home, read aloud)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.journey import Journey, Step
from kiosk.staff import StaffSession
from ui.devices import CameraBridge, CardReaderBridge, PrinterBridge
from ui.paging import PagedList
from ui.speech import Voice
from ui.theme import Theme
from ui.widgets import ErrorLabel, button, label

NARROW_KEY_PX = 64  # keyboard keys in portrait: ten in a row fit 1080 px (≥ 60 px targets)


@dataclass
class ScreenContext:
    """What screens may use: the journey (taps), devices through their bridges, voice, theme."""

    journey: Journey
    voice: Voice
    printer: PrinterBridge
    reader: CardReaderBridge
    theme: Theme
    apply_theme: Callable[[Theme], None]
    staff_session: Callable[[], StaffSession | None] = lambda: None
    camera: CameraBridge | None = None  # a document camera (高拍仪), when one is wired in


class Screen(QWidget):
    """One journey step. Subclasses fill :attr:`body` and implement :meth:`refresh`."""

    step: ClassVar[Step]
    title_text: ClassVar[str] = ""
    show_back: ClassVar[bool] = True
    show_home: ClassVar[bool] = True

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._splits: list[QBoxLayout] = []
        self.setProperty("screen", True)
        self.setObjectName(f"screen_{self.step.value}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 24)
        outer.setSpacing(ctx.theme.spacing_px)
        self.title = label(self.title_text, "title", "title")
        outer.addWidget(self.title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setProperty("screen", True)
        self.body = QVBoxLayout(inner)
        self.body.setSpacing(ctx.theme.spacing_px)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        self.error = ErrorLabel()
        outer.addWidget(self.error)
        # The step's main actions stay in view below the scrolling content.
        self.action_bar = QHBoxLayout()
        self.action_bar.setSpacing(ctx.theme.spacing_px * 2)
        outer.addLayout(self.action_bar)
        nav = QHBoxLayout()
        nav.setSpacing(ctx.theme.spacing_px * 2)
        self.back_button = button("‹ 返回上一步", "nav_back")
        self.back_button.clicked.connect(self.on_back)
        self.home_button = button("⌂ 结束办理", "nav_home")
        self.home_button.clicked.connect(self.on_home)
        self.read_button = button("朗读本页", "nav_read")
        self.read_button.clicked.connect(self.read_aloud)
        if self.show_back:
            nav.addWidget(self.back_button)
        nav.addWidget(self.read_button)
        if self.show_home:
            nav.addWidget(self.home_button)
        outer.addLayout(nav)
        self.build()

    def make_split(self) -> tuple[QVBoxLayout, QVBoxLayout]:
        """Two columns in landscape (question left, keypad right), stacked in portrait."""
        from PySide6.QtWidgets import QBoxLayout

        split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        split.setSpacing(self.ctx.theme.spacing_px * 2)
        first, second = QVBoxLayout(), QVBoxLayout()
        first.setSpacing(self.ctx.theme.spacing_px)
        second.setSpacing(self.ctx.theme.spacing_px)
        split.addLayout(first, 1)
        split.addLayout(second, 1)
        self.body.addLayout(split)
        self._splits.append(split)
        return first, second

    def paged(self, name: str, *, prefer_all: bool = False) -> PagedList:
        """A list or long text shown page by page (no scrolling for residents).

        Give it the stretch of its layout; turning a page reads the new page aloud.
        """
        return PagedList(
            name,
            spacing=self.ctx.theme.spacing_px,
            read=self.ctx.voice.say,
            prefer_all=prefer_all,
        )

    @property
    def landscape(self) -> bool:
        return self.width() > self.height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        from PySide6.QtWidgets import QBoxLayout

        super().resizeEvent(event)
        landscape = event.size().width() > event.size().height()
        direction = (
            QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        )
        for split in self._splits:
            split.setDirection(direction)
        self._fit_keyboards(landscape)

    def _fit_keyboards(self, landscape: bool) -> None:
        """In 长辈模式 on a landscape screen, on-screen keyboards keep the normal keys'
        80 px size (the text stays large): six rows of 96 px keys are taller, and ten of
        them wider, than the space beside the field, and a keyboard cut off or scrolled
        cannot be used. In portrait keys are a little narrower for the same reason."""
        from ui.widgets import Keyboard

        normal = Theme().target_px
        if self.ctx.theme.large and landscape:
            sheet = f"QPushButton {{ min-height: {normal}px; min-width: {normal}px; }}"
        elif not landscape:  # ten keys in a row within 1080 px
            sheet = f"QPushButton {{ min-width: {NARROW_KEY_PX}px; }}"
        else:
            sheet = ""
        for keyboard in self.findChildren(Keyboard):
            if keyboard.styleSheet() != sheet:
                keyboard.setStyleSheet(sheet)

    @property
    def journey(self) -> Journey:
        return self.ctx.journey

    def build(self) -> None:
        """Create the widgets that never change (called once)."""

    def refresh(self) -> None:
        """Show the journey's current data (called on every journey change to this step)."""

    def wipe(self) -> None:
        """Forget what this screen shows of the last resident (every text field, the error)."""
        from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

        for edit in self.findChildren(QLineEdit):
            edit.clear()
        for area in self.findChildren(QPlainTextEdit):
            area.clear()
        self.error.show_message("")
        self.wipe_personal()

    def wipe_personal(self) -> None:
        """Screens that show personal data in labels clear them here."""

    def show_error(self) -> None:
        error = self.journey.session.error
        self.error.show_message(error.message if error else "")

    def speech_text(self) -> str:
        """What read-aloud says: by default the title and every visible label, in order."""
        from PySide6.QtWidgets import QLabel

        parts = [self.title.text()]
        for widget in self.findChildren(QLabel):
            if widget is self.title or not widget.isVisibleTo(self) or not widget.text():
                continue
            if widget.objectName() in ("composing",):
                continue
            parts.append(widget.text())
        return "。".join(p.strip("。 ") for p in parts if p.strip())

    def read_aloud(self) -> None:
        self.ctx.voice.say(self.speech_text())

    def on_back(self) -> None:
        self.journey.back()

    def on_home(self) -> None:
        self.journey.finish()
