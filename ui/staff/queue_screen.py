"""办件队列: every application of this terminal with its state and reason, and what staff can do."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
)

from kiosk.booking import Booking
from kiosk.chinatime import CHINA_TZ
from kiosk.core import KioskCore
from kiosk.errors import KioskError
from kiosk.identity import mask_name
from kiosk.staff import StaffSession
from kiosk.usecases import printing, queue_care
from kiosk.usecases.booking import home_visit_requests
from kiosk.usecases.import_csv import import_paper_forms
from kiosk.usecases.queue_care import CareAction, QueueEntry, QueueFilter
from ui.staff.common import Page
from ui.staff.printing import StaffPrinter
from ui.widgets import ErrorLabel, button, label

COLUMNS = ("办件编号", "事项", "申请人", "状态", "原因", "提交时间")


class QueueScreen(Page):
    """Emits ``supplement_requested(application id)`` and ``signed_out()``."""

    supplement_requested = Signal(str)
    signed_out = Signal()

    def __init__(self, core: KioskCore, printer: StaffPrinter) -> None:
        super().__init__("办件队列", "staff_queue")
        self.core = core
        self.printer = printer
        self.session: StaffSession | None = None
        self.entries: list[QueueEntry] = []
        self.filter = QueueFilter.ALL
        self.banner = label("", "ok", "assisted_banner")
        self.outer.insertWidget(0, self.banner)
        tabs = QHBoxLayout()
        self.tabs = QButtonGroup(self)
        # 承诺待补 starts the second row, with 上门服务: six tabs in one row were cut off in
        # 长辈模式 in portrait (tests/ui/test_accessibility.py, test_console_text_is_not_cut_off).
        second = QHBoxLayout()
        for wanted in QueueFilter:
            tab = button(wanted.label, f"filter_{wanted.value}")
            tab.setCheckable(True)
            tab.setChecked(wanted is QueueFilter.ALL)
            tab.clicked.connect(lambda _=False, w=wanted: self.show_filter(w))
            self.tabs.addButton(tab)
            (second if wanted is QueueFilter.PROMISES else tabs).addWidget(tab)
        self.outer.addLayout(tabs)
        self.visits: list[Booking] | None = None  # shown instead of applications when set
        second.addLayout(self._visits_tab())
        self.outer.addLayout(second)
        self.table = self._build_table()
        self.outer.addWidget(self.table, 1)
        self.empty = label("没有符合条件的申请。", "muted", "empty")
        self.outer.addWidget(self.empty)
        self.detail = label("", "", "detail")  # the selected application in full
        self.outer.addWidget(self.detail)
        self.message = label("", "ok", "message")
        self.error = ErrorLabel()
        self.outer.addWidget(self.message)
        self.outer.addWidget(self.error)
        actions = QHBoxLayout()
        self.action_buttons = {
            CareAction.SUPPLEMENT: button("补正材料", "supplement", "primary"),
            CareAction.RESUBMIT: button("重新提交", "resubmit", "primary"),
            CareAction.REPRINT: button("补打回执", "reprint"),
        }
        for action, widget in self.action_buttons.items():
            widget.clicked.connect(lambda _=False, a=action: self.act(a))
            actions.addWidget(widget)
        self.outer.addLayout(actions)
        self.outer.addLayout(self._reprint_buttons())
        general = QHBoxLayout()
        self.import_button = button("导入纸质申请", "import_csv")
        self.import_button.clicked.connect(self._choose_csv)
        general.addWidget(self.import_button)
        self.summary_button = button("打印今日汇总", "print_summary")
        self.summary_button.clicked.connect(self.print_summary)
        self.sign_out_button = button("退出登录", "sign_out")
        self.sign_out_button.clicked.connect(self._sign_out)
        general.addWidget(self.summary_button)
        general.addWidget(self.sign_out_button)
        self.outer.addLayout(general)
        printer.finished.connect(self._printed)

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("queue_table")
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(64)
        header = table.horizontalHeader()
        for column in (0, 2, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column, width in (
            (1, 220),
            (3, 170),
        ):  # item and state: elided, full text in the tooltip
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.itemSelectionChanged.connect(self._selection_changed)
        return table

    def start(self, session: StaffSession) -> None:
        self.session = session
        staff = session.staff
        self.banner.setText(f"● 代办模式 · {staff.role.label} {staff.number} {staff.name}")
        self.message.clear()
        self.error.show_message("")
        self.show_filter(QueueFilter.ALL)

    def _reprint_buttons(self) -> QHBoxLayout:
        """Every slip can be printed again, not only the receipt (issue 13): the 告知承诺书 of a
        filing with promised materials, and the slip of a home-visit request. A row of their
        own: five buttons in one row were cut off in 长辈模式 in portrait."""
        actions = QHBoxLayout()
        self.reprint_commitment_button = button("补打承诺书", "reprint_commitment")
        self.reprint_commitment_button.clicked.connect(self.reprint_commitment)
        actions.addWidget(self.reprint_commitment_button)
        self.reprint_slip_button = button("补打凭条", "reprint_slip")
        self.reprint_slip_button.clicked.connect(self.reprint_slip)
        actions.addWidget(self.reprint_slip_button)
        return actions

    def _visits_tab(self) -> QHBoxLayout:
        """上门服务 (issue 13 item 4): residents' home-visit requests, for staff to phone; a row
        of its own (seven tabs in one row would not fit a portrait screen)."""
        visits_tab = button("上门服务", "filter_home_visits")
        visits_tab.setCheckable(True)
        visits_tab.clicked.connect(self.show_home_visits)
        self.tabs.addButton(visits_tab)
        row = QHBoxLayout()
        row.addWidget(visits_tab)
        row.addStretch(1)
        return row

    def show_home_visits(self) -> None:
        """The 上门服务 tab: every home-visit request, newest first (priority ones marked)."""
        for tab in self.tabs.buttons():
            tab.setChecked(tab.objectName() == "filter_home_visits")
        self.visits = home_visit_requests(self.core)
        self.entries = []
        self.table.setRowCount(len(self.visits))
        for row, visit in enumerate(self.visits):
            filed = visit.created_at.astimezone(CHINA_TZ).strftime("%m-%d %H:%M")
            values = (
                visit.number,
                visit.service_name,
                mask_name(visit.name),
                "优先（高龄/残疾）" if visit.priority else "待联系",
                f"电话 {visit.phone}",
                filed,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                item.setData(Qt.ItemDataRole.UserRole, visit.id)
                self.table.setItem(row, column, item)
        self.empty.setVisible(not self.visits)
        self._selection_changed()

    def show_filter(self, wanted: QueueFilter) -> None:
        self.filter = wanted
        self.visits = None
        for tab in self.tabs.buttons():
            tab.setChecked(tab.objectName() == f"filter_{wanted.value}")
        self.refresh()

    def refresh(self) -> None:
        if self.visits is not None:
            self.show_home_visits()
            return
        self.entries = queue_care.queue_entries(self.core, self.filter)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            filed = entry.created_at.astimezone(CHINA_TZ).strftime("%m-%d %H:%M")
            reason = entry.reason or entry.last_error or entry.promise_note
            if entry.superseded_by:
                reason = "已补正，见新的申请"
            values = (
                entry.number,
                entry.service_name,
                entry.applicant,
                entry.state_label,
                reason,
                filed,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                item.setData(Qt.ItemDataRole.UserRole, entry.id)
                self.table.setItem(row, column, item)
        self.empty.setVisible(not self.entries)
        self._selection_changed()

    def select(self, number: str) -> None:
        """Select the row of an application number (tests and search)."""
        for row, entry in enumerate(self.entries):
            if entry.number == number:
                self.table.selectRow(row)
                return
        raise KeyError(number)

    def selected(self) -> QueueEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        if self.visits is not None:
            rows = self.table.selectionModel().selectedRows()
            for widget in self.action_buttons.values():
                widget.setEnabled(False)
            self.reprint_commitment_button.setEnabled(False)
            self.reprint_slip_button.setEnabled(bool(rows))
            if not rows:
                self.detail.clear()
                return
            visit = self.visits[rows[0].row()]
            self.detail.setText(
                f"{visit.number} · {visit.service_name} · 上门服务\n"
                f"联系电话：{visit.phone}\n上门地址：{visit.address}（身份证住址）"
            )
            return
        entry = self.selected()
        for action, widget in self.action_buttons.items():
            widget.setEnabled(entry is not None and action in entry.actions)
        self.reprint_slip_button.setEnabled(False)
        self.reprint_commitment_button.setEnabled(
            entry is not None
            and CareAction.REPRINT in entry.actions
            and printing.has_commitment(self.core, entry.id)
        )
        if entry is None:
            self.detail.clear()
            return
        reason = entry.reason or entry.last_error
        self.detail.setText(
            f"{entry.number} · {entry.service_name} · {entry.state_label}"
            + (f"\n原因：{reason}" if reason else "")
            + "".join(f"\n{name}：{text}" for name, text in entry.dates)
            + "".join(f"\n{p.text}" for p in entry.promises)
        )

    def act(self, action: CareAction) -> None:
        entry = self.selected()
        if entry is None or self.session is None or action not in entry.actions:
            return
        self.error.show_message("")
        try:
            if action is CareAction.SUPPLEMENT:
                self.supplement_requested.emit(entry.id)
                return
            if action is CareAction.RESUBMIT:
                queue_care.resubmit(self.core, self.session, entry.id)
                self.message.setText(f"✓ {entry.number} 已重新排队发送。")
            else:
                self.printer.reprint(queue_care.application_for_reprint(self.core, entry.id))
                self.message.setText(f"正在补打 {entry.number} 的回执…")
        except KioskError as exc:
            self.error.show_message(str(exc))
        self.refresh()

    def reprint_commitment(self) -> None:
        """补打承诺书: the selected application's 告知承诺书 again."""
        entry = self.selected()
        if entry is None or self.session is None:
            return
        self.error.show_message("")
        self.printer.reprint_commitment(entry.id)
        self.message.setText(f"正在补打 {entry.number} 的告知承诺书…")

    def reprint_slip(self) -> None:
        """补打凭条: the selected home-visit request's slip again."""
        rows = self.table.selectionModel().selectedRows()
        if self.visits is None or not rows or self.session is None:
            return
        visit = self.visits[rows[0].row()]
        self.error.show_message("")
        self.printer.reprint_booking(visit.id)
        self.message.setText(f"正在补打 {visit.number} 的凭条…")

    def _choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择上门收件表格（CSV）", "/media", "CSV 表格 (*.csv)"
        )
        if path:
            self.import_csv(Path(path))

    def import_csv(self, path: Path) -> None:
        """Queue the paper forms of a door-to-door round (kiosk import, in the UI)."""
        if self.session is None:
            return
        try:
            report = import_paper_forms(self.core, path, default_staff_id=self.session.staff.number)
        except (KioskError, OSError) as exc:
            self.error.show_message(f"导入失败：{exc}")
            return
        self.message.setText(f"✓ 已导入 {len(report.queued)} 件，将自动发送。")
        if report.errors:
            lines = "；".join(f"第 {e.line} 行：{e.reason}" for e in report.errors[:5])
            more = f"（共 {len(report.errors)} 行有误）" if len(report.errors) > 5 else ""
            self.error.show_message(f"以下行未导入：{lines}{more}")
        else:
            self.error.show_message("")
        self.refresh()

    def print_summary(self) -> None:
        if self.session is None:
            return
        summary = queue_care.daily_summary(self.core)
        self.printer.print_summary(summary, self.session.staff.name)
        self.message.setText(f"正在打印今日汇总（共 {summary.total} 件）…")

    def _printed(self, kind: str, ok: bool, message: str) -> None:
        names = {
            "receipt": "回执",
            "commitment": "告知承诺书",
            "booking": "凭条",
            "summary": "今日汇总",
            "test_page": "测试页",
        }
        if ok:
            self.message.setText(f"✓ {names.get(kind, kind)}已打印。")
            self.refresh()
        else:
            self.message.clear()
            self.error.show_message(f"{names.get(kind, kind)}打印失败：{message}")

    def _sign_out(self) -> None:
        self.session = None
        self.table.setRowCount(0)
        self.entries = []
        self.signed_out.emit()
