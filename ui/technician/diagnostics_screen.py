"""诊断: every check of ``kiosk doctor`` with its status and what to do; log export to a USB stick.

The report is computed off the GUI thread (device probes may wait seconds for
a reader); the wiring passes in how to compute it, so this screen never opens
a device itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.diagnostics import CheckStatus, Report
from ui.staff.common import Background, Page
from ui.widgets import ErrorLabel, button, clear_layout, label

ReportProvider = Callable[[], Report]
LogExporter = Callable[[Path], Path]

_SIGNS = {CheckStatus.OK: "✓", CheckStatus.WARNING: "!", CheckStatus.FAILED: "✕"}
_ROLES = {CheckStatus.OK: "ok", CheckStatus.WARNING: "", CheckStatus.FAILED: "error"}


class DiagnosticsScreen(Page):
    """``report_ready(Report)`` after each run; ``closed()`` on 返回."""

    report_ready = Signal(object)
    closed = Signal()

    def __init__(self, provider: ReportProvider, export_logs: LogExporter | None = None) -> None:
        super().__init__("诊断", "technician_diagnostics")
        self.provider = provider
        self.export_logs = export_logs
        self.report: Report | None = None
        self.overall = label("点击“开始检测”。", "", "overall")
        self.outer.addWidget(self.overall)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        inner.setProperty("screen", True)
        self.rows = QVBoxLayout(inner)
        self.rows.setContentsMargins(0, 0, 0, 0)
        scroll.setWidget(inner)
        self.outer.addWidget(scroll, 1)
        self.message = label("", "ok", "message")
        self.error = ErrorLabel()
        self.outer.addWidget(self.message)
        self.outer.addWidget(self.error)
        row = QHBoxLayout()
        self.back_button = button("‹ 返回", "back")
        self.run_button = button("开始检测", "run_checks", "primary")
        self.export_button = button("导出日志到 U 盘", "export_logs")
        self.export_button.setEnabled(export_logs is not None)
        for widget in (self.back_button, self.run_button, self.export_button):
            row.addWidget(widget)
        self.outer.addLayout(row)
        self.back_button.clicked.connect(self.closed.emit)
        self.run_button.clicked.connect(self.run_checks)
        self.export_button.clicked.connect(self._choose_export_dir)
        self.worker = Background()
        self.worker.finished.connect(self._finished)

    def run_checks(self) -> None:
        self.run_button.setEnabled(False)
        self.overall.setText("正在检测，请稍候…")
        self.error.show_message("")
        self.worker.run(self.provider)

    def _finished(self, report: object, exc: object) -> None:
        self.run_button.setEnabled(True)
        if not isinstance(report, Report):
            self.overall.setText("检测未完成。")
            self.error.show_message(f"检测出错（{type(exc).__name__}），请导出日志联系技术支持。")
            return
        self.show_report(report)

    def show_report(self, report: Report) -> None:
        self.report = report
        clear_layout(self.rows)
        self.rows.addStretch(1)
        for check in report.checks:
            text = f"{_SIGNS[check.status]} {check.status.label} · {check.title}：{check.detail}"
            if check.action:
                text += f"\n    → {check.action}"
            row = label(text, _ROLES[check.status], f"check_{check.key.value}")
            self.rows.insertWidget(self.rows.count() - 1, row)
        self.overall.setText(f"结论：{_SIGNS[report.status]} {report.status.label}")
        self.report_ready.emit(report)

    def _choose_export_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择 U 盘目录", "/media")
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        if self.export_logs is None:
            return
        try:
            written = self.export_logs(folder)
        except OSError as exc:
            self.message.clear()
            self.error.show_message(f"导出失败：{exc}")
            return
        self.error.show_message("")
        self.message.setText(f"✓ 日志已导出（不含个人信息）：{written.name}")
