"""预约窗口办理 / 申请上门服务 (issue 13 item 4): the way out where nothing finishes the item here.

Two sections: a window slot at the township centre (half days from the next working
day; the platform's list, or the calendar's proposal while never synced, then 待确认),
and a home visit with the phone staff will call and the card's address. The home visit
is shown first, with a larger button, to residents aged 70 or over (by the card's birth
date) and to 残疾人证 holders (an e-licence of this visit, or the resident's own tap on
我持有残疾人证). The rules are the core's (``Journey.home_visit_first``, ``BookingDesk``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.identity import mask_address
from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import NumberPad, button, clear_layout, label


class BookingScreen(Screen):
    step = Step.BOOKING
    title_text = "预约窗口办理，或申请上门服务"

    def build(self) -> None:
        self.item_name = label("", "heading", "booking_item")
        self.body.addWidget(self.item_name)
        self.sections = QVBoxLayout()
        self.sections.setSpacing(self.ctx.theme.spacing_px * 2)
        self.body.addLayout(self.sections)
        # -- window slots
        self.window_box = QWidget()
        window = QVBoxLayout(self.window_box)
        window.setContentsMargins(0, 0, 0, 0)
        window.addWidget(label("预约到窗口办理", "heading", "window_heading"))
        self.centre = label("", "muted", "booking_centre")
        window.addWidget(self.centre)
        self.slots = QGridLayout()
        self.slots.setSpacing(self.ctx.theme.spacing_px)
        window.addLayout(self.slots)
        # -- home visit
        self.visit_box = QWidget()
        visit = QVBoxLayout(self.visit_box)
        visit.setContentsMargins(0, 0, 0, 0)
        visit.addWidget(label("申请上门服务（工作人员到家办理）", "heading", "visit_heading"))
        self.priority = label("", "ok", "visit_priority")
        visit.addWidget(self.priority)
        self.address = label("", "muted", "visit_address")
        visit.addWidget(self.address)
        phone_row = QHBoxLayout()
        phone_row.addWidget(label("联系电话：", "", "visit_phone_caption"))
        self.phone = QLineEdit()
        self.phone.setObjectName("visit_phone")
        self.phone.setPlaceholderText("工作人员打这个电话和您约时间")
        phone_row.addWidget(self.phone, 1)
        visit.addLayout(phone_row)
        pad_row = QHBoxLayout()
        self.pad = NumberPad(self.phone)
        pad_row.addWidget(self.pad)
        pad_row.addStretch(1)
        visit.addLayout(pad_row)
        self.request_visit = button("申请上门服务", "request_home_visit")
        self.request_visit.clicked.connect(
            lambda: self.journey.request_home_visit(self.phone.text())
        )
        visit.addWidget(self.request_visit)
        self.disabled = button("我持有残疾人证", "says_disabled")
        self.disabled.clicked.connect(lambda: self.journey.declare_disability(True))
        self.body.addWidget(self.disabled)
        self.body.addStretch(1)
        withdraw = button("不办了", "withdraw")
        withdraw.clicked.connect(self.journey.withdraw)
        self.action_bar.addWidget(withdraw)
        self._order: bool | None = None
        self._slots_shown: tuple[str, ...] = ()

    def refresh(self) -> None:
        journey = self.journey
        s = journey.session
        self.item_name.setText(f"办理事项：{s.item.name}" if s.item is not None else "")
        first = journey.home_visit_first
        if first != self._order:
            while self.sections.count():
                self.sections.takeAt(0)
            boxes = (
                (self.visit_box, self.window_box) if first else (self.window_box, self.visit_box)
            )
            for box in boxes:
                self.sections.addWidget(box)
            self.request_visit.setProperty("role", "primary" if first else "secondary")
            self.request_visit.setMinimumHeight(self.ctx.theme.target_px * (2 if first else 1))
            self.request_visit.style().unpolish(self.request_visit)
            self.request_visit.style().polish(self.request_visit)
            self._order = first
        self.priority.setText("您年满70周岁或持有残疾人证，可优先申请上门服务。" if first else "")
        self.priority.setVisible(first)
        self.disabled.setVisible(not first)
        address = s.applicant.address if s.applicant is not None else ""
        self.address.setText(f"上门地址：{mask_address(address)}（身份证住址）" if address else "")
        listing = journey.slot_list()
        note = "" if listing.from_platform else "（本机尚未从平台取得时段，预约后待平台确认）"
        self.centre.setText(f"办理地点：{listing.centre}{note}")
        keys = tuple(f"{o.slot.key}:{o.remaining}" for o in listing.offers)
        if keys != self._slots_shown:
            clear_layout(self.slots)
            for i, offer in enumerate(listing.offers):
                text = offer.slot.label
                if offer.remaining is not None:
                    text += "（已约满）" if offer.full else f"（余{offer.remaining}个）"
                slot_button = button(text, f"slot_{i}")
                slot_button.setEnabled(not offer.full)
                slot_button.clicked.connect(
                    lambda _=False, slot=offer.slot: self.journey.book_window(slot)
                )
                self.slots.addWidget(slot_button, i // 2, i % 2)
            self._slots_shown = keys
        self.show_error()

    def wipe_personal(self) -> None:
        self.address.clear()
        self.item_name.clear()
        self._order = None
