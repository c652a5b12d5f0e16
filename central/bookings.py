"""Window slots and bookings on the reference platform (issue 13 item 4).

The platform publishes the window slots of each township centre (a terminal's region):
morning and afternoon of the next working days from tomorrow, ``SLOT_CAPACITY``
places each, seeded from the shared working-day calendar (the demo's timetable; a real
platform would read the centre's own). A booking upload is stored like a request (the
keys decide duplicates); a window booking is then confirmed here, in the same
transaction: the slot chosen if it has room, else the next slot that has (改约), and the
answer is kept, so a resend is told the same slot. The kiosk learns it from the batch
acknowledgement (``ItemResult.slot``) and its slip and 我的办件 turn from 待确认 to 已确认.
A home visit is stored for the village staff; it takes no slot.
"""

from __future__ import annotations

import datetime as dt

from central.dialect import Tx
from kiosk.booking import Slot, slots_from
from kiosk.chinatime import china_date
from kiosk.workdays import WorkCalendar
from sync.protocol import BookingUpload, SlotOffer, SlotPage

SLOT_CAPACITY = 4
"""Places per half day at a township centre's window (the demo's seed)."""

SLOT_DAYS = 5
"""Working days of slots published."""


def centre_name(region_code: str) -> str:
    """The township centre of a region (its first nine digits are the township)."""
    return f"乡镇便民服务中心（区划 {region_code[:9]}）" if region_code else "乡镇便民服务中心"


def _region(tx: Tx, terminal_id: str) -> str:
    row = tx.execute(
        "SELECT region_code FROM terminals WHERE terminal_id = ?", (terminal_id,)
    ).fetchone()
    return str(row[0])[:9] if row else ""


def _taken(tx: Tx, region: str, slot: str) -> int:
    row = tx.execute(
        "SELECT COUNT(*) FROM bookings WHERE region_code = ? AND slot = ?", (region, slot)
    ).fetchone()
    return int(row[0])


def published(calendar_slots: list[Slot], tx: Tx, region: str, capacity: int) -> list[SlotOffer]:
    return [
        SlotOffer(slot=s.key, remaining=max(0, capacity - _taken(tx, region, s.key)))
        for s in calendar_slots
    ]


def slot_page(
    tx: Tx, terminal_id: str, *, now: float, calendar: WorkCalendar, capacity: int = SLOT_CAPACITY
) -> SlotPage:
    """The slots of the terminal's township centre with the places left, from tomorrow."""
    today = china_date(dt.datetime.fromtimestamp(now, dt.UTC))
    region = _region(tx, terminal_id)
    offers = published(slots_from(calendar, today, SLOT_DAYS), tx, region, capacity)
    return SlotPage(centre=centre_name(region), slots=offers, server_time=now)


def confirm(
    tx: Tx,
    terminal_id: str,
    item: BookingUpload,
    *,
    now: float,
    calendar: WorkCalendar,
    capacity: int = SLOT_CAPACITY,
) -> str:
    """The slot confirmed for a stored window booking ('' for a home visit).

    Already confirmed: the same answer (a resend). Else the slot chosen when it has room
    and is not past, otherwise the next published slot with room (the slot filled up while
    the kiosk was offline); none with room: '' (stays 待确认; staff will call).
    """
    row = tx.execute("SELECT slot FROM bookings WHERE id = ?", (item.id,)).fetchone()
    if row is None or item.kind != "booking":
        return ""
    if row[0]:
        return str(row[0])
    region = _region(tx, terminal_id)
    today = china_date(dt.datetime.fromtimestamp(now, dt.UTC))
    candidates = [s.key for s in slots_from(calendar, today, SLOT_DAYS)]
    chosen = item.slot
    if chosen:
        try:
            wanted = Slot.parse(chosen)
        except ValueError:
            wanted = None
        if wanted is not None and wanted.day > today:
            candidates = [chosen] + [c for c in candidates if c > chosen]
    for slot in candidates:
        if _taken(tx, region, slot) < capacity:
            tx.execute(
                "UPDATE bookings SET slot = ?, region_code = ? WHERE id = ?",
                (slot, region, item.id),
            )
            return slot
    return ""
