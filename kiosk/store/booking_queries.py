"""SQL of bookings and home-visit requests (issue 13 item 4); the rules are in kiosk/booking.py.

A booking is inserted with its outbox entry in one transaction (delivered exactly
once by id, like ratings and requests); the platform's confirmation is recorded
when the sync engine's batch is acknowledged. The cached slot list of the
township centre lives in ``meta`` (``booking:slots``).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from kiosk.booking import Booking, BookingKind, Slot, SlotList
from kiosk.chinatime import china_date
from kiosk.states import DeliveryState
from kiosk.store.db import next_counter
from kiosk.store.store import Store, _dumps, _enqueue

SLOTS_META = "booking:slots"


def _context(booking_id: str) -> str:
    return f"booking:{booking_id}"


def add_booking(store: Store, booking: Booking) -> Booking:
    """Store ``booking`` and queue it for the platform; its look-up number is minted here.

    ``Y261203007``: Y (预约), the filing day (China time) and that day's sequence.
    """
    personal = {
        "name": booking.name,
        "id_number": booking.id_number,
        "phone": booking.phone,
        "address": booking.address,
    }
    day = china_date(booking.created_at)
    with store.conn.write() as c:
        seq = next_counter(c, f"booking_seq:{day.isoformat()}")
        number = f"Y{day:%y%m%d}{seq:03d}"
        c.execute(
            "INSERT INTO bookings(id, number, kind, service_code, service_name, centre, materials,"
            " requested_slot, confirmed_slot, priority, holder_key, personal, created_at, state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
            (
                booking.id,
                number,
                booking.kind.value,
                booking.service_code,
                booking.service_name,
                booking.centre,
                json.dumps(list(booking.materials), ensure_ascii=False),
                booking.requested_slot.key if booking.requested_slot else None,
                int(booking.priority),
                store.cipher.lookup_hash(booking.id_number),
                store.cipher.encrypt(_dumps(personal).encode(), _context(booking.id)),
                booking.created_at.isoformat(),
                DeliveryState.QUEUED.value,
            ),
        )
        _enqueue(c, booking.id, _outbox_kind(booking.kind), next_counter(c, "local_seq"))
    found = booking_by_id(store, booking.id)
    assert found is not None
    return found


def _outbox_kind(kind: BookingKind) -> str:
    return "booking" if kind is BookingKind.WINDOW else "home_visit"


def _row_to_booking(store: Store, r: sqlite3.Row) -> Booking:
    personal: dict[str, Any] = {"name": "", "id_number": "", "phone": "", "address": ""}
    if r["personal"] is not None:
        personal = json.loads(store.cipher.decrypt(r["personal"], _context(r["id"])).decode())
    return Booking(
        id=r["id"],
        number=r["number"],
        kind=BookingKind(r["kind"]),
        service_code=r["service_code"],
        service_name=r["service_name"],
        centre=r["centre"],
        materials=tuple(json.loads(r["materials"])),
        created_at=dt.datetime.fromisoformat(r["created_at"]),
        requested_slot=Slot.parse(r["requested_slot"]) if r["requested_slot"] else None,
        confirmed_slot=Slot.parse(r["confirmed_slot"]) if r["confirmed_slot"] else None,
        priority=bool(r["priority"]),
        state=DeliveryState(r["state"]),
        **personal,
    )


def booking_by_id(store: Store, booking_id: str) -> Booking | None:
    rows = store.conn.query("SELECT * FROM bookings WHERE id = ?", (booking_id,))
    return _row_to_booking(store, rows[0]) if rows else None


def booking_by_number(store: Store, number: str) -> Booking | None:
    rows = store.conn.query("SELECT * FROM bookings WHERE number = ?", (number.strip().upper(),))
    return _row_to_booking(store, rows[0]) if rows else None


def bookings_of(store: Store, id_number: str) -> list[Booking]:
    """A card holder's bookings, newest first (found by the keyed hash, never the number)."""
    rows = store.conn.query(
        "SELECT * FROM bookings WHERE holder_key = ? ORDER BY created_at DESC",
        (store.cipher.lookup_hash(id_number),),
    )
    return [_row_to_booking(store, r) for r in rows]


def home_visits(store: Store) -> list[Booking]:
    """Every home-visit request, newest first, for the staff queue's 上门服务 tab."""
    rows = store.conn.query(
        "SELECT * FROM bookings WHERE kind = ? ORDER BY created_at DESC",
        (BookingKind.HOME_VISIT.value,),
    )
    return [_row_to_booking(store, r) for r in rows]


def confirm(store: Store, booking_id: str, slot: str) -> None:
    """The platform's confirmed slot (acknowledgement of the upload); '' leaves it pending."""
    if not slot:
        return
    Slot.parse(slot)  # refuse garbage before it is stored
    with store.conn.write() as c:
        c.execute("UPDATE bookings SET confirmed_slot = ? WHERE id = ?", (slot, booking_id))


def upload_payload(store: Store, booking_id: str) -> dict[str, Any]:
    """The booking as the platform receives it (decrypted in memory only)."""
    booking = booking_by_id(store, booking_id)
    if booking is None:
        raise KeyError(booking_id)
    return {
        "id": booking.id,
        "number": booking.number,
        "kind": _outbox_kind(booking.kind),  # the wire's names: booking / home_visit
        "service_code": booking.service_code,
        "slot": booking.requested_slot.key if booking.requested_slot else "",
        "priority": booking.priority,
        "materials": list(booking.materials),
        "name": booking.name,
        "id_number": booking.id_number,
        "phone": booking.phone,
        "address": booking.address,
        "created_at": booking.created_at.isoformat(),
    }


def pending_in_outbox(store: Store) -> bool:
    """Whether any booking or home visit waits to be sent: one indexed read, so a sync round
    with none costs no claim (and no savepoint) for these kinds."""
    rows = store.conn.query(
        "SELECT EXISTS(SELECT 1 FROM outbox WHERE kind IN ('booking', 'home_visit')) AS n"
    )
    return bool(rows[0]["n"])


def cached_slots(store: Store) -> SlotList | None:
    raw = store.get_meta(SLOTS_META)
    if not raw:
        return None
    try:
        return SlotList.from_dict(json.loads(raw))
    except (ValueError, KeyError, TypeError):
        return None  # an unreadable cache is no cache: the calendar proposes slots


def cache_slots(store: Store, slots: SlotList) -> None:
    """Keep the platform's latest slots; written only when they changed (a write is an fsync,
    and most rounds bring the same list)."""
    value = json.dumps(slots.to_dict(), ensure_ascii=False)
    if store.get_meta(SLOTS_META) != value:
        store.set_meta(SLOTS_META, value)
