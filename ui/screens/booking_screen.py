"""预约窗口办理 / 申请上门服务 (issue 13 item 4): the way out where nothing finishes the item here.

First two large choices; then one of them on the whole screen (no scrolling):

- a window slot at the township centre: one working day per row (上午 / 下午), page by page;
  the platform's list with the places left, or the calendar's proposal while never synced
  (then 待确认);
- a home visit: the card's address and the phone staff will call, typed on the number pad.

The home visit is shown first, with the larger button, to residents aged 70 or over (by the
card's birth date) and to 残疾人证 holders (an e-licence of this visit, or the resident's own
tap on 我持有残疾人证). The rules are the core's (``Journey.home_visit_first``, ``BookingDesk``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.booking import SlotOffer
from kiosk.identity import mask_address
from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import NumberPad, button, label

_WINDOW = "window"
_VISIT = "visit"


class BookingScreen(Screen):
    step = Step.BOOKING
    title_text = "预约窗口办理，或申请上门服务"

    def build(self) -> None:
        self.item_name = label("", "heading", "booking_item")
        self.body.addWidget(self.item_name)
        self.priority = label("", "ok", "visit_priority")
        self.body.addWidget(self.priority)
        # -- the two choices
        self.choices = QWidget()
        self.choice_row = QVBoxLayout(self.choices)
        self.choice_row.setContentsMargins(0, 0, 0, 0)
        self.choice_row.setSpacing(self.ctx.theme.spacing_px * 2)
        self.to_window = button("预约到乡镇便民服务中心窗口办理", "choose_window")
        self.to_window.clicked.connect(lambda: self._show(_WINDOW))
        self.to_visit = button("申请上门服务（工作人员到家办理）", "choose_visit")
        self.to_visit.clicked.connect(lambda: self._show(_VISIT))
        self.disabled = button("我持有残疾人证", "says_disabled")
        self.disabled.clicked.connect(lambda: self.journey.declare_disability(True))
        self.body.addWidget(self.choices)
        # -- window slots
        self.window_box = QWidget()
        window = QVBoxLayout(self.window_box)
        window.setContentsMargins(0, 0, 0, 0)
        self.centre = label("", "", "booking_centre")
        window.addWidget(self.centre)
        self.slots = self.paged("slots")
        window.addWidget(self.slots, 1)
        self.body.addWidget(self.window_box, 1)
        self.body.addWidget(self._build_visit())
        self.body.addStretch(1)
        other = button("换一种方式", "booking_other")
        other.clicked.connect(lambda: self._show(None))
        self.other = other
        self.action_bar.addWidget(other)
        withdraw = button("不办了", "withdraw")
        withdraw.clicked.connect(self.journey.withdraw)
        self.action_bar.addWidget(withdraw)
        self.request_visit = button("申请上门服务", "request_home_visit", "primary")
        self.request_visit.clicked.connect(
            lambda: self.journey.request_home_visit(self.phone.text())
        )
        self.action_bar.addWidget(self.request_visit)
        self._mode: str | None = None
        self._order: bool | None = None
        self._slots_shown: tuple[str, ...] = ()

    def _build_visit(self) -> QWidget:
        """The home visit: the card's address, the phone (number pad beside it)."""
        self.visit_box = QWidget()
        visit = QHBoxLayout(self.visit_box)
        visit.setContentsMargins(0, 0, 0, 0)
        visit.setSpacing(self.ctx.theme.spacing_px * 2)
        fields = QVBoxLayout()
        self.address = label("", "", "visit_address")
        fields.addWidget(self.address)
        fields.addWidget(
            label("联系电话（工作人员打这个电话和您约时间）：", "", "visit_phone_caption")
        )
        self.phone = QLineEdit()
        self.phone.setObjectName("visit_phone")
        fields.addWidget(self.phone)
        fields.addStretch(1)
        visit.addLayout(fields, 1)
        self.pad = NumberPad(self.phone)
        visit.addWidget(self.pad)
        return self.visit_box

    def _show(self, mode: str | None) -> None:
        """One choice at a time fills the screen; screen state only (nothing is booked)."""
        self._mode = mode
        self.journey.session.error = None
        self.refresh()
        self.read_aloud()

    def refresh(self) -> None:
        journey = self.journey
        s = journey.session
        self.item_name.setText(f"办理事项：{s.item.name}" if s.item is not None else "")
        first = journey.home_visit_first
        if first != self._order:
            while self.choice_row.count():
                self.choice_row.takeAt(0)
            ordered = (self.to_visit, self.to_window) if first else (self.to_window, self.to_visit)
            for widget in (*ordered, self.disabled):
                self.choice_row.addWidget(widget)
            for widget, big in ((self.to_visit, first), (self.to_window, not first)):
                widget.setProperty("role", "primary" if big else "secondary")
                widget.setMinimumHeight(self.ctx.theme.target_px * (2 if big else 1))
                widget.style().unpolish(widget)
                widget.style().polish(widget)
            self._order = first
        choosing = self._mode is None
        self.priority.setText("您年满70周岁或持有残疾人证，可优先申请上门服务。" if first else "")
        self.priority.setVisible(first and choosing)
        self.item_name.setVisible(choosing)
        self.disabled.setVisible(not first)
        self.choices.setVisible(choosing)
        self.window_box.setVisible(self._mode == _WINDOW)
        self.visit_box.setVisible(self._mode == _VISIT)
        self.request_visit.setVisible(self._mode == _VISIT)
        self.other.setVisible(not choosing)
        self.title.setText(
            {None: self.title_text, _WINDOW: "请选择预约时段", _VISIT: "申请上门服务"}[self._mode]
        )
        address = s.applicant.address if s.applicant is not None else ""
        self.address.setText(
            f"上门地址：{mask_address(address)}（身份证住址）"
            if address
            else "上门地址：请告诉工作人员"
        )
        if self._mode == _WINDOW:
            self._refresh_slots()
        self.show_error()

    def _refresh_slots(self) -> None:
        listing = self.journey.slot_list()
        note = "" if listing.from_platform else "（时段待平台确认）"
        self.centre.setText(f"办理地点：{listing.centre}{note}")
        keys = tuple(f"{o.slot.key}:{o.remaining}" for o in listing.offers)
        if keys == self._slots_shown:
            return
        days: dict[object, list[tuple[int, SlotOffer]]] = {}
        for i, offer in enumerate(listing.offers):
            days.setdefault(offer.slot.day, []).append((i, offer))
        rows: list[QWidget] = []
        for number, offers in enumerate(days.values()):
            # The day on a line of its own, the half days as buttons under it: the whole slot
            # in each button was cut off at both ends in portrait (two to a 1080 px row).
            row = QWidget()
            column = QVBoxLayout(row)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(self.ctx.theme.spacing_px // 2)
            first = offers[0][1].slot
            column.addWidget(
                label(first.label.removesuffix(first.half.label), "", f"slot_day_{number}")
            )
            line = QHBoxLayout()
            line.setSpacing(self.ctx.theme.spacing_px)
            column.addLayout(line)
            for i, offer in offers:
                text = offer.slot.half.label
                if offer.remaining is not None:
                    text += "\n已约满" if offer.full else f"\n余{offer.remaining}个"
                slot_button = button(text, f"slot_{i}")
                slot_button.setEnabled(not offer.full)
                slot_button.clicked.connect(
                    lambda _=False, slot=offer.slot: self.journey.book_window(slot)
                )
                line.addWidget(slot_button, 1)
            rows.append(row)
        self.slots.set_rows(rows)
        self._slots_shown = keys

    def wipe_personal(self) -> None:
        self.address.clear()
        self.item_name.clear()
        self._mode = None
        self._order = None
        self._slots_shown = ()
