"""The booking slip on screen (issue 13 item 4): number, slot or 待确认, what to bring.

The same words the printed slip carries (``Booking.slot_line``); 我的办件 shows the
booking too, and says 已确认 once the platform confirmed it on a sync.
"""

from __future__ import annotations

from kiosk.booking import BookingKind, what_to_bring
from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import button, label


class BookedScreen(Screen):
    step = Step.BOOKED
    title_text = "已为您预约"

    def build(self) -> None:
        self.kind = label("", "heading", "booked_kind")
        self.body.addWidget(self.kind)
        self.number = label("", "title", "booked_number")
        self.body.addWidget(self.number)
        self.slot = label("", "heading", "booked_slot")
        self.body.addWidget(self.slot)
        self.place = label("", "", "booked_place")
        self.body.addWidget(self.place)
        self.bring = label("", "", "booked_bring")
        self.body.addWidget(self.bring)
        self.printed = label("凭条正在打印，请取走。", "muted", "booked_printed")
        self.body.addWidget(self.printed)
        self.body.addStretch(1)
        done = button("办完了", "booked_done", "primary")
        done.clicked.connect(self.journey.finish)
        self.action_bar.addWidget(done)

    def refresh(self) -> None:
        booking = self.journey.session.booking
        if booking is None:
            return
        window = booking.kind is BookingKind.WINDOW
        self.kind.setText(f"{booking.kind.label}：{booking.service_name}")
        self.number.setText(f"预约编号 {booking.number}")
        self.slot.setText(("预约时段：" if window else "状态：") + booking.slot_line())
        self.place.setText(
            f"办理地点：{booking.centre}"
            if window
            else "村级服务站工作人员将电话联系您，约定上门时间。"
        )
        self.bring.setText(f"请准备：{what_to_bring(booking.materials)}")

    def wipe_personal(self) -> None:
        for widget in (self.kind, self.number, self.slot, self.place, self.bring):
            widget.clear()
