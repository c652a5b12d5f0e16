"""我的办件: every application of this person on this terminal, status "as of", reprint."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.application import Application
from kiosk.booking import Booking, BookingKind, what_to_bring
from kiosk.journey import Step
from kiosk.materials import MaterialStatus
from kiosk.request_progress import RequestProgress
from kiosk.usecases.my_applications import dates_of
from ui.screens.base import Screen
from ui.widgets import button, label

_CHINA = dt.timezone(dt.timedelta(hours=8))


def promise_lines(application: Application, today: dt.date) -> str:
    """Materials promised at filing (容缺受理), each with its date; a lapsed one says so."""
    lines = []
    for state in application.materials:
        if state.status is MaterialStatus.PROMISED and state.due_on is not None:
            lapsed = today > state.due_on and state.received_on is None
            lines.append(state.line() + ("（已逾期，请尽快联系工作人员）" if lapsed else ""))
    return "\n".join(lines)


def as_of_text(application: Application) -> str:
    moment = application.status_as_of
    if moment is None:
        return "状态来自本机记录"
    return f"截至 {moment.astimezone(_CHINA):%Y年%m月%d日 %H:%M} 的状态"


def request_card(request: RequestProgress, index: int) -> QFrame:
    """One 诉求: its number, when it was filed, its state (已受理 / 处理中 / 已答复 / 已办结) and
    the department's reply once there is one (issue 12 item 4)."""
    card = QFrame()
    card.setObjectName(f"request_{index}")
    box = QVBoxLayout(card)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(label(request.heading, "heading", f"rq_name_{index}"))
    if request.number:
        box.addWidget(label(f"反映编号：{request.number}", "", f"rq_number_{index}"))
    filed = request.created_at.astimezone(_CHINA)
    box.addWidget(label(f"提交时间：{filed:%Y年%m月%d日 %H:%M}", "", f"rq_filed_{index}"))
    box.addWidget(label(f"状态：{request.state_label}", "", f"rq_state_{index}"))
    if request.reply:
        box.addWidget(label(f"答复：{request.reply}", "", f"rq_reply_{index}"))
    if request.changed_at is not None:
        box.addWidget(
            label(
                f"截至 {request.changed_at.astimezone(_CHINA):%Y年%m月%d日 %H:%M} 的状态",
                "muted",
                f"rq_as_of_{index}",
            )
        )
    return card


class MyApplicationsScreen(Screen):
    step = Step.MY_APPLICATIONS
    title_text = "我的办件"

    def build(self) -> None:
        self.summary = label("", "", "summary")
        self.body.addWidget(self.summary)
        # One application (or a few) per page, never a scrolling list.
        self.list = self.paged("applications")
        self.body.addWidget(self.list, 1)
        self.print_status = label("", "ok", "print_status")
        self.print_status.hide()
        self.body.addWidget(self.print_status)
        self.ctx.printer.job_finished.connect(self._printed)

    def refresh(self) -> None:
        applications = self.journey.session.applications
        bookings = self.journey.session.bookings
        requests = self.journey.session.requests
        self._status("")
        total = len(applications) + len(bookings) + len(requests)
        self.summary.setText(f"共 {total} 件：" if total else "本机没有您的办件记录。")
        cards: list[QWidget] = []
        for index, application in enumerate(applications):
            card = QFrame()
            card.setObjectName(f"application_{index}")
            box = QVBoxLayout(card)
            box.setContentsMargins(0, 0, 0, 0)  # one card a page in 长辈模式: every pixel counts
            box.addWidget(label(application.service_name, "heading", f"app_name_{index}"))
            box.addWidget(label(f"办件编号：{application.number}", "", f"app_number_{index}"))
            state = application.state.label
            if application.state_reason:
                state += f"（{application.state_reason}）"
            box.addWidget(label(f"状态：{state}", "", f"app_state_{index}"))
            dates = "\n".join(f"{name}：{text}" for name, text in dates_of(application))
            box.addWidget(label(dates, "", f"app_dates_{index}"))
            promised = promise_lines(application, self.journey.services.today())
            if promised:
                box.addWidget(label(promised, "", f"app_promises_{index}"))
            box.addWidget(label(as_of_text(application), "muted", f"app_as_of_{index}"))
            row = QHBoxLayout()
            row.setSpacing(self.ctx.theme.spacing_px * 2)
            reprint = button("补打回执", f"reprint_{index}")
            reprint.clicked.connect(lambda _=False, n=application.number: self._reprint(n))
            row.addWidget(reprint)
            if application.commitment is not None:  # 容缺受理: its 告知承诺书 too
                again = button("补打承诺书", f"reprint_commitment_{index}")
                again.clicked.connect(lambda _=False, a=application: self._reprint_commitment(a))
                row.addWidget(again)
            if application.result_notice:
                box.addWidget(
                    label(f"结果通知：{application.result_notice}", "", f"app_notice_{index}")
                )
                result = button("打印结果通知", f"print_result_{index}")
                result.clicked.connect(lambda _=False, n=application.number: self._print_result(n))
                row.addWidget(result)
            box.addLayout(row)
            cards.append(card)
        for index, booking in enumerate(bookings):  # 预约 / 上门服务 (issue 13 item 4)
            cards.append(self._booking_card(booking, index))
        for index, request in enumerate(requests):  # 我要反映 and the department's answer
            cards.append(request_card(request, index))
        self.list.set_rows(cards)

    def _booking_card(self, booking: Booking, index: int) -> QFrame:
        """A window booking or home-visit request: slot and state, place, what to bring, and
        补打凭条 (its slip again)."""
        card = QFrame()
        card.setObjectName(f"booking_{index}")
        box = QVBoxLayout(card)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(
            label(f"{booking.kind.label}：{booking.service_name}", "heading", f"bk_name_{index}")
        )
        box.addWidget(label(f"预约编号：{booking.number}", "", f"bk_number_{index}"))
        box.addWidget(label(f"状态：{booking.slot_line()}", "", f"bk_state_{index}"))
        if booking.kind is BookingKind.WINDOW:
            box.addWidget(label(f"办理地点：{booking.centre}", "", f"bk_place_{index}"))
        box.addWidget(
            label(f"请准备：{what_to_bring(booking.materials)}", "muted", f"bk_bring_{index}")
        )
        slip = button("补打凭条", f"reprint_booking_{index}")
        slip.clicked.connect(lambda _=False, b=booking: self._reprint_booking(b))
        box.addWidget(slip)
        return card

    def wipe_personal(self) -> None:
        self.list.clear()
        self.summary.clear()
        self._status("")

    def _status(self, text: str) -> None:
        """The print message takes room (from the page) only while it says something."""
        self.print_status.setText(text)
        self.print_status.setVisible(bool(text))

    def _print_result(self, number: str) -> None:
        self._status("正在打印结果通知……")
        self.journey.print_result(number)

    def _reprint(self, number: str) -> None:
        self._status("正在补打回执……")
        self.journey.reprint(number)

    def _reprint_commitment(self, application: Application) -> None:
        self._status("正在补打告知承诺书……")
        self.ctx.printer.print_commitment(application, reprint=True)

    def _reprint_booking(self, booking: Booking) -> None:
        self._status("正在补打凭条……")
        self.ctx.printer.print_booking(booking, reprint=True)

    def _printed(self, kind: str, ok: bool, message: str) -> None:
        done = {
            "receipt": "回执已补打",
            "result": "结果通知已打印",
            "commitment": "告知承诺书已补打",
            "booking": "凭条已补打",
        }
        if kind not in done or self.journey.step is not Step.MY_APPLICATIONS:
            return
        what = done[kind]
        self._status(f"✓ {what}，请取走。" if ok else f"✕ 没有打印出来：{message}")
