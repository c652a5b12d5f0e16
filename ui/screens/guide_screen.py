"""办事指南 and 一次性告知: conditions and every material, printable; continue or leave."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout

from kiosk.journey import BOOK_INSTEAD, COUNTER_ONLY, Step, can_file_here
from kiosk.wording import TIME_LIMIT_LABEL, material_line, time_limit_text
from ui.screens.base import Screen
from ui.widgets import button, label


class GuideScreen(Screen):
    step = Step.GUIDE
    title_text = "办事指南"

    def build(self) -> None:
        self.name = label("", "title", "item_name")
        self.body.addWidget(self.name)
        # The guide is read page by page: each paragraph or list line is a row of the pager.
        self.pages = self.paged("guide_pages")
        self.body.addWidget(self.pages, 1)
        self.print_status = label("", "ok", "print_status")
        self.body.addWidget(self.print_status)
        row = QHBoxLayout()
        # One spacing, not the action bar's two: with two, the three buttons' text was cut off
        # (3 px each) in 长辈模式 in portrait (tests/ui/test_accessibility.py, cut_off_text).
        row.setSpacing(self.ctx.theme.spacing_px)
        printing = button("打印告知单", "print_notice")
        printing.clicked.connect(self._print)
        row.addWidget(printing)
        self.start = button("开始填写申请 ›", "begin_form", "primary")
        self.start.clicked.connect(self.journey.begin_form)
        row.addWidget(self.start)
        # No dead end (issue 13 item 4): a window slot or a home visit, for anyone who prefers it.
        self.book = button("预约窗口 / 上门服务", "book_instead")
        self.book.clicked.connect(self.journey.book_instead)
        row.addWidget(self.book)
        self.counter = label("", "", "counter_only")
        self.body.addWidget(self.counter)
        self.action_bar.addLayout(row)
        self.ctx.printer.job_finished.connect(self._printed)
        self._shown: tuple[str, list[tuple[str, str]]] = ("", [])

    def wipe_personal(self) -> None:
        self._status("")

    def _status(self, text: str) -> None:
        """The print message takes room (from the guide's pages) only while it says something."""
        self.print_status.setText(text)
        self.print_status.setVisible(bool(text))

    def refresh(self) -> None:
        item = self.journey.session.item
        if item is None:
            return
        self._status("")
        here = can_file_here(item, camera=self.journey.camera, assisted=self.journey.assisted)
        self.start.setVisible(here)
        booking = self.journey.bookings is not None
        self.book.setVisible(booking)
        self.book.setProperty("role", "secondary" if here else "primary")
        self.book.style().unpolish(self.book)
        self.book.style().polish(self.book)
        needs_scan = not can_file_here(item)
        if not here:
            self.counter.setText(f"ⓘ {BOOK_INSTEAD if booking else COUNTER_ONLY}")
        elif self.journey.needed_here() or (needs_scan and not self.journey.camera):
            self.counter.setText(
                "ⓘ 本机没有高拍仪：需要拍照的材料，可以在下一步选择承诺后补，或请工作人员查看原件。"
            )
        elif needs_scan:
            self.counter.setText("ⓘ 这个事项需要材料照片：填写时请把材料放在高拍仪下拍照。")
        else:
            self.counter.setText("")
        self.counter.setVisible(bool(self.counter.text()))
        self.name.setText(item.name)
        blocks: list[tuple[str, str]] = [
            ("guide", item.guide),
            ("facts", f"受理部门：{item.department}"),
            ("fact_time_limit", f"{TIME_LIMIT_LABEL}：{time_limit_text(item.time_limit_days)}"),
            ("fact_fee", f"收费：{item.fee}"),
        ]
        if item.conditions:
            blocks.append(("conditions", "申请条件："))
            blocks += [(f"condition_{i}", f"{i}. {c}") for i, c in enumerate(item.conditions, 1)]
        blocks.append(("materials", "一次性告知——需要带的材料："))
        blocks += [
            (
                f"material_{i}",
                f"{i}. " + material_line(m.name, original=m.original, copies=m.copies, note=m.note),
            )
            for i, m in enumerate(item.materials, 1)
        ]
        if (item.code, blocks) != self._shown:
            self.pages.set_rows([label(text, "", name) for name, text in blocks if text])
            self._shown = (item.code, blocks)
        self.show_error()

    def _print(self) -> None:
        self._status("正在打印告知单，请稍候……")
        self.journey.print_notice()

    def _printed(self, kind: str, ok: bool, message: str) -> None:
        if kind != "notice" or self.journey.step is not Step.GUIDE:
            return
        self._status(
            "✓ 告知单已打印，请取走。您可以带齐材料后再来，也可以现在继续填写。"
            if ok
            else f"✕ 告知单没有打印出来：{message}"
        )
