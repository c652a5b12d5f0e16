"""Booking a window slot or requesting a home visit (issue 13 item 4): the journey's desk.

:class:`BookingDesk` is what the journey calls (like the e-licence desk): the slots
to show, whether a home visit is offered first, and filing the booking, which the
store queues for the platform in the same transaction (delivered exactly once by id).
Works offline: the slots are the platform's last list (or the calendar's proposal),
and the booking stays 待确认 until the platform's acknowledgement confirms it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kiosk.booking import (
    Booking,
    BookingKind,
    Slot,
    SlotList,
    home_visit_first,
    offers_now,
)
from kiosk.catalogue import ServiceItem
from kiosk.chinatime import china_date
from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.identity import normalize_mobile
from kiosk.ids import uuid7
from kiosk.store import booking_queries
from kiosk.text_rules import check_text

DEFAULT_CENTRE = "乡镇便民服务中心"
"""The centre's name until the platform's slot list names it."""


class BookingDesk:
    """The journey's port to bookings; a few milliseconds of SQLite per call."""

    def __init__(self, core: KioskCore) -> None:
        self.core = core

    def today(self) -> dt.date:
        return china_date(self.core.clock())

    def slots(self) -> SlotList:
        """The window slots to offer now (cached from the platform, else proposed)."""
        return offers_now(
            booking_queries.cached_slots(self.core.store),
            self.core.calendar,
            self.today(),
            DEFAULT_CENTRE,
        )

    def home_visit_first(
        self, birth_date: dt.date | None, licence_types: Iterable[str], *, says_disabled: bool
    ) -> bool:
        return home_visit_first(
            birth_date, self.today(), licence_types, says_disabled=says_disabled
        )

    def book(
        self,
        kind: BookingKind,
        item: ServiceItem,
        *,
        name: str,
        id_number: str,
        address: str,
        slot: Slot | None = None,
        phone: str = "",
        priority: bool = False,
    ) -> Booking:
        """File the booking (queued for the platform); ValidationError with a Chinese message.

        A window booking needs one of the slots offered (not known to be full); a home visit
        needs a phone number (asked on screen: staff call to agree a time) and the address
        (from the card, else typed).
        """
        slots = self.slots()
        if kind is BookingKind.WINDOW:
            offered = {o.slot: o for o in slots.offers}
            if slot is None or slot not in offered:
                raise ValidationError("请选择一个预约时段。", field="slot")
            if offered[slot].full:
                raise ValidationError("这个时段已约满，请选择其他时段。", field="slot")
        else:
            slot = None
            try:
                phone = normalize_mobile(phone)
            except ValidationError as exc:
                raise ValidationError(exc.message, field="phone") from None
            address = check_text(address.strip(), "住址", "address")
            if not address:
                raise ValidationError("请填写上门服务的地址。", field="address")
        booking = Booking(
            id=str(uuid7()),
            number="",
            kind=kind,
            service_code=item.code,
            service_name=item.name,
            centre=slots.centre,
            materials=tuple(m.name for m in item.materials),
            created_at=self.core.clock(),
            requested_slot=slot,
            priority=priority,
            name=name,
            id_number=id_number,
            phone=phone,
            address=address,
        )
        return booking_queries.add_booking(self.core.store, booking)

    def bookings_of(self, id_number: str) -> list[Booking]:
        return booking_queries.bookings_of(self.core.store, id_number)

    def by_number(self, typed: str) -> Booking | None:
        """By the slip's number, with or without its Y (the number pad has no letters)."""
        digits = typed.strip().upper().removeprefix("Y")
        if not (digits.isdigit() and len(digits) == 9):
            return None
        return booking_queries.booking_by_number(self.core.store, "Y" + digits)


def booking_by_number(core: KioskCore, number: str) -> Booking | None:
    return booking_queries.booking_by_number(core.store, number)


def home_visit_requests(core: KioskCore) -> list[Booking]:
    """For the staff queue's 上门服务 tab."""
    return booking_queries.home_visits(core.store)
