"""Demo-mode dev dock: insert sample cards, run out of paper, cut the network.

Toggled with F12 or the small corner button. It drives the simulators through
the callables the wiring hands it, never the devices' ports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ui.widgets import button, label


@dataclass
class DevControls:
    """What the dock can do; each is optional (absent simulators leave their buttons out)."""

    cards: dict[str, Callable[[], None]] = field(default_factory=dict)  # label → insert
    remove_card: Callable[[], None] | None = None
    paper_out: Callable[[], None] | None = None
    paper_in: Callable[[], None] | None = None
    network_down: Callable[[], None] | None = None
    network_up: Callable[[], None] | None = None
    platform_accept: Callable[[], None] | None = None  # the platform accepts the latest application


class DevDock(QWidget):
    def __init__(self, controls: DevControls) -> None:
        super().__init__()
        self.setObjectName("DevDock")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        row.addWidget(label("演示：", "", "dock_caption"))
        actions: list[tuple[str, str, Callable[[], None] | None]] = [
            (f"放卡：{name}", f"dock_card_{index}", action)
            for index, (name, action) in enumerate(controls.cards.items())
        ]
        actions += [
            ("取走卡", "dock_remove_card", controls.remove_card),
            ("缺纸", "dock_paper_out", controls.paper_out),
            ("装纸", "dock_paper_in", controls.paper_in),
            ("断网", "dock_network_down", controls.network_down),
            ("恢复网络", "dock_network_up", controls.network_up),
            ("平台受理最新一件", "dock_platform_accept", controls.platform_accept),
        ]
        for text, name, action in actions:
            if action is None:
                continue
            widget = button(text, name)
            widget.clicked.connect(action)
            row.addWidget(widget)
        row.addStretch(1)
        self.hide()
