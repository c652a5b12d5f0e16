"""预约窗口办理 / 上门服务 in the core (issue 13 item 4): rules, store, outbox, journey; no Qt."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from kiosk.application import Application
from kiosk.booking import (
    Booking,
    BookingKind,
    BookingStatus,
    Half,
    Slot,
    SlotList,
    SlotOffer,
    age_on,
    home_visit_first,
    offers_now,
    slots_from,
)
from kiosk.cardholder import CardHolder, CardType
from kiosk.catalogue import ServiceItem
from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.journey import BOOK_INSTEAD, Journey, Step
from kiosk.states import DeliveryState
from kiosk.store import booking_queries
from kiosk.store.outbox import Outbox, OutboxKind
from kiosk.usecases.booking import BookingDesk, home_visit_requests
from kiosk.usecases.resident import CoreServices
from kiosk.workdays import shipped_calendar
from tests.core.test_journey import HOLDER, at

COUNTER_ITEM = "CL-ZZ-001"  # 残疾人证申领: a photo of the person, nothing finishes it here
ELDER = CardHolder(
    card_type=CardType.RESIDENT,
    name="赵桂兰",
    id_number="130608194404123025",
    birth_date=dt.date(1944, 4, 12),
    address="河北省保定市清苑区东闾乡南王庄村一二三号",
)


class Printer:
    def __init__(self) -> None:
        self.bookings: list[Booking] = []

    def print_receipt(self, application: Application, *, reprint: bool) -> None:
        pass

    def print_notice(self, item: ServiceItem) -> None:
        pass

    def print_result(self, application: Application) -> None:
        pass

    def print_commitment(self, application: Application) -> None:
        pass

    def print_booking(self, booking: Booking) -> None:
        self.bookings.append(booking)


@pytest.fixture
def core():
    core = KioskCore.open()
    yield core
    core.close()


def _journey(core: KioskCore, printer: Printer) -> Journey:
    return Journey(CoreServices(core), printer, bookings=BookingDesk(core))


def _to_booking(journey: Journey, holder: CardHolder = HOLDER) -> None:
    journey.card_inserted(holder)
    if at(journey) is Step.DRAFT_OFFER:
        journey.discard_draft()
    journey.choose_item(COUNTER_ITEM)
    journey.begin_form()
    assert at(journey) is Step.GUIDE
    assert journey.session.error is not None and journey.session.error.message == BOOK_INSTEAD
    journey.book_instead()
    assert at(journey) is Step.BOOKING


# -- rules ------------------------------------------------------------------------------------


def test_age_counts_full_years_on_the_birthday():
    assert age_on(dt.date(1956, 12, 3), dt.date(2026, 12, 2)) == 69
    assert age_on(dt.date(1956, 12, 3), dt.date(2026, 12, 3)) == 70


def test_home_visit_is_offered_first_at_seventy_or_to_a_disability_licence_holder():
    today = dt.date(2026, 12, 3)
    assert home_visit_first(dt.date(1956, 12, 3), today, (), says_disabled=False)
    assert not home_visit_first(dt.date(1956, 12, 4), today, (), says_disabled=False)
    assert not home_visit_first(None, today, (), says_disabled=False)
    assert home_visit_first(None, today, ("残疾人证",), says_disabled=False)
    assert home_visit_first(dt.date(1990, 1, 1), today, (), says_disabled=True)


def test_slots_are_half_days_of_working_days_from_the_next_one():
    calendar = shipped_calendar()
    friday = dt.date(2026, 12, 4)
    slots = slots_from(calendar, friday, days=2)
    assert slots == [
        Slot(dt.date(2026, 12, 7), Half.AM),
        Slot(dt.date(2026, 12, 7), Half.PM),
        Slot(dt.date(2026, 12, 8), Half.AM),
        Slot(dt.date(2026, 12, 8), Half.PM),
    ]
    assert Slot.parse(slots[1].key) == slots[1]
    assert slots[0].label == "2026年12月7日（星期一）上午 9:00—11:30"


def test_cached_platform_slots_drop_past_ones_and_fall_back_to_the_calendar():
    calendar = shipped_calendar()
    today = dt.date(2026, 12, 3)
    cached = SlotList(
        "东闾乡便民服务中心",
        (
            SlotOffer(Slot(today, Half.PM), 3),  # today: never offered
            SlotOffer(Slot(dt.date(2026, 12, 4), Half.AM), 0),
        ),
        True,
    )
    shown = offers_now(cached, calendar, today, "乡镇便民服务中心")
    assert shown.from_platform and shown.centre == "东闾乡便民服务中心"
    assert [o.slot.day for o in shown.offers] == [dt.date(2026, 12, 4)]
    assert shown.offers[0].full
    stale = offers_now(cached, calendar, dt.date(2026, 12, 10), "乡镇便民服务中心")
    assert not stale.from_platform and len(stale.offers) == 10


# -- store and outbox ---------------------------------------------------------------------------


def test_a_booking_is_delivered_exactly_once_and_confirmed_by_the_acknowledgement(core):
    desk = BookingDesk(core)
    item = next(i for i in core.store.catalogue() if i.code == COUNTER_ITEM)
    slot = desk.slots().offers[0].slot
    booking = desk.book(
        BookingKind.WINDOW,
        item,
        name=HOLDER.name,
        id_number=HOLDER.id_number,
        address="",
        slot=slot,
    )
    assert booking.number.startswith("Y") and booking.status is BookingStatus.PENDING
    assert "待确认" in booking.slot_line()
    outbox = Outbox(core.store)
    now = time.time()
    claimed = outbox.claim(OutboxKind.BOOKING, 10, now, 60)
    assert [e.item_id for e in claimed] == [booking.id]
    assert outbox.claim(OutboxKind.BOOKING, 10, now, 60) == []  # leased: not twice
    payload = outbox.payload(claimed[0])
    assert payload["slot"] == slot.key and payload["id_number"] == HOLDER.id_number
    outbox.acknowledged_many(claimed)
    booking_queries.confirm(core.store, booking.id, slot.key)
    assert outbox.claim(OutboxKind.BOOKING, 10, now + 3600, 60) == []  # delivered: gone
    stored = booking_queries.booking_by_number(core.store, booking.number)
    assert stored is not None
    assert stored.state is DeliveryState.ACKNOWLEDGED
    assert stored.status is BookingStatus.CONFIRMED and "已确认" in stored.slot_line()
    # personal data is encrypted at rest; the card holder finds it by the keyed hash
    raw = core.store.conn.query("SELECT personal FROM bookings")[0]["personal"]
    assert HOLDER.id_number.encode() not in raw and HOLDER.name.encode() not in raw
    assert [b.id for b in desk.bookings_of(HOLDER.id_number)] == [booking.id]


def test_a_full_slot_is_refused_and_a_home_visit_needs_a_phone(core):
    desk = BookingDesk(core)
    item = next(i for i in core.store.catalogue() if i.code == COUNTER_ITEM)
    day = core.calendar.add_workdays(desk.today(), 1)
    full = Slot(day, Half.AM)
    booking_queries.cache_slots(
        core.store, SlotList("东闾乡便民服务中心", (SlotOffer(full, 0),), True)
    )
    with pytest.raises(ValidationError, match="约满"):
        desk.book(
            BookingKind.WINDOW, item, name="x", id_number=HOLDER.id_number, address="", slot=full
        )
    with pytest.raises(ValidationError) as refused:
        desk.book(
            BookingKind.HOME_VISIT,
            item,
            name="x",
            id_number=HOLDER.id_number,
            address="某村",
            phone="12",
        )
    assert refused.value.field == "phone"


# -- the journey --------------------------------------------------------------------------------


def test_a_counter_only_item_ends_in_a_window_booking_with_its_slip(core):
    printer = Printer()
    journey = _journey(core, printer)
    _to_booking(journey)
    assert not journey.home_visit_first  # 68 years old, no 残疾人证
    slot = journey.slot_list().offers[0].slot
    journey.book_window(slot)
    assert at(journey) is Step.BOOKED
    booking = journey.session.booking
    assert booking is not None and booking.requested_slot == slot
    assert [b.number for b in printer.bookings] == [booking.number]
    journey.back()  # the visit is done: goodbye, wiped
    assert at(journey) is Step.END and journey.session.booking is None


def test_home_visit_request_reaches_the_staff_list_with_the_card_address(core):
    printer = Printer()
    journey = _journey(core, printer)
    _to_booking(journey, ELDER)
    assert journey.home_visit_first  # 82 years old by the card's birth date
    journey.request_home_visit("138 1234 5678")
    assert at(journey) is Step.BOOKED
    [request] = home_visit_requests(core)
    assert request.kind is BookingKind.HOME_VISIT and request.priority
    assert request.address == ELDER.address and request.phone == "13812345678"
    assert request.status is BookingStatus.REQUESTED


def test_saying_so_puts_the_home_visit_first_and_a_bad_phone_stays_on_the_screen(core):
    journey = _journey(core, Printer())
    _to_booking(journey)
    journey.declare_disability(True)
    assert journey.home_visit_first
    journey.request_home_visit("12345")
    assert at(journey) is Step.BOOKING and journey.session.error is not None
    assert journey.session.error.field == "phone"


def test_a_delivered_booking_loses_its_personal_data_after_retention_but_stays_listed(core):
    desk = BookingDesk(core)
    item = next(i for i in core.store.catalogue() if i.code == COUNTER_ITEM)
    visit = desk.book(
        BookingKind.HOME_VISIT,
        item,
        name=HOLDER.name,
        id_number=HOLDER.id_number,
        address="某村一号",
        phone="13812345678",
    )
    outbox = Outbox(core.store)
    outbox.acknowledged_many(outbox.claim(OutboxKind.HOME_VISIT, 10, time.time(), 60))
    core.store.purge_personal_data(visit.created_at + dt.timedelta(days=1))
    [kept] = desk.bookings_of(HOLDER.id_number)
    assert kept.number == visit.number and kept.service_name == item.name
    assert (kept.name, kept.id_number, kept.phone, kept.address) == ("", "", "", "")


def test_a_waiting_booking_counts_in_the_queue_figures_the_heartbeat_reports(core):
    from kiosk.store import sync_queries

    desk = BookingDesk(core)
    item = next(i for i in core.store.catalogue() if i.code == COUNTER_ITEM)
    slot = desk.slots().offers[0].slot
    booking = desk.book(
        BookingKind.WINDOW,
        item,
        name=HOLDER.name,
        id_number=HOLDER.id_number,
        address="",
        slot=slot,
    )
    assert sync_queries.oldest_unsent_created_at(core.store) == booking.created_at.isoformat()
    outbox = Outbox(core.store)
    assert outbox.stats().depth == 1
    [entry] = outbox.claim(OutboxKind.BOOKING, 10, time.time(), 60)
    outbox.quarantine(entry, "平台拒收")
    assert outbox.stats().quarantined == 1
    assert booking_queries.booking_by_id(core.store, booking.id).state is DeliveryState.QUARANTINED
