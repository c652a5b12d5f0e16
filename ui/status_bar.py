"""Small print for staff at the bottom: platform connection, queue depth, printer, reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from devices.cards.events import ReaderStatus
from devices.cards.status import status_label as reader_status_label
from devices.printers.status import PrinterStatus, status_message
from kiosk.errors import StoreError
from ui.devices import CardReaderBridge, PrinterBridge
from ui.widgets import button, label


@dataclass(frozen=True, slots=True)
class ConnectionSnapshot:
    """What the bar shows about the platform; the sync engine's status adapted by the wiring."""

    label: str
    queue_depth: int
    storage: str = ""  # a local storage failure, e.g. "磁盘已满（剩余 0.0 MB）"; empty when fine


SnapshotSource = Callable[[], ConnectionSnapshot]


class StatusBar(QWidget):
    """Refreshes from ``source`` every ``interval_ms`` (a cheap in-memory snapshot, no I/O)."""

    def __init__(
        self,
        source: SnapshotSource,
        printer: PrinterBridge,
        reader: CardReaderBridge,
        *,
        interval_ms: int = 2000,
    ) -> None:
        super().__init__()
        self.setObjectName("StatusBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.source = source
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 4, 24, 4)
        row.setSpacing(16)
        self.connection = label("", "", "status_connection")
        self.queue = label("", "", "status_queue")
        self.printer_label = label("", "", "status_printer")
        self.reader_label = label("", "", "status_reader")
        self.storage = label("", "", "status_storage")
        self.storage.setVisible(False)
        for widget in (
            self.connection,
            self.queue,
            self.printer_label,
            self.reader_label,
            self.storage,
        ):
            # Wrapping (CJK text breaks between characters) keeps the bar narrower than a
            # 1080 px portrait screen; one line on landscape screens.
            widget.setWordWrap(True)
            row.addWidget(widget)
        row.addStretch(1)
        self._row = row
        self._reader_bridge = reader
        self._printer_bridge = printer
        printer.status_changed.connect(self._printer)
        reader.status_changed.connect(self._reader)
        # A port that will not open reports an error but no status change: show its cause.
        # (A bound method, not a lambda: the bar is the receiver, so the call is queued to the
        # GUI thread from the reader's.)
        reader.reader_error.connect(self._reader_failed)
        self._printer(printer.status.value)
        self._reader(reader.status.value)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.update_snapshot)
        self.timer.start()
        self.update_snapshot()

    def add_action(self, text: str, name: str, action: Callable[[], None]) -> None:
        """A small staff entry (工作人员, 维护) at the right end of the bar."""
        widget = button(text, name)
        widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        widget.clicked.connect(action)
        self._row.addWidget(widget)

    def update_snapshot(self) -> None:
        try:
            snapshot = self.source()
        except StoreError as exc:  # the store itself failed: say which way (disk full ≠ corrupt)
            self._storage(exc.summary)
            return
        self.connection.setText(f"平台：{snapshot.label}")
        self.queue.setText(f"待发送：{snapshot.queue_depth} 件")
        self._storage(snapshot.storage)

    def _storage(self, problem: str) -> None:
        self.storage.setText(f"存储：{problem}" if problem else "")
        self.storage.setVisible(bool(problem))

    def _printer(self, value: str) -> None:
        said = status_message(PrinterStatus(value), self._printer_bridge.problem)
        self.printer_label.setText(f"打印机：{said}")

    def _reader_failed(self, _message: str) -> None:
        self._reader(self._reader_bridge.status.value)

    def _reader(self, value: str) -> None:
        said = reader_status_label(ReaderStatus(value), self._reader_bridge.problem)
        self.reader_label.setText(f"读卡器：{said}")
