"""Bookings through the loopback reference platform (issue 13 item 4): filed offline (待确认),
delivered exactly once by the sync engine, confirmed by the platform (or moved to the next slot
with room when full), and 我的办件 says 已确认; the slots the platform publishes are cached."""

from __future__ import annotations

from pathlib import Path

from central.bookings import SLOT_CAPACITY
from kiosk.booking import BookingKind, BookingStatus
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.store import booking_queries
from kiosk.usecases.booking import BookingDesk
from sync.protocol import BatchRequest, BookingUpload, Outcome
from tests.core.test_journey import HOLDER
from tests.sync.conftest import both_engines
from tests.sync.synchelpers import Platform

pytest_generate_tests = both_engines  # the migration and the slot count on both engines

ITEM = "CL-ZZ-001"


def _book_offline(root: Path, count: int) -> tuple[list[str], str]:
    """``count`` window bookings of the first proposed slot and one home visit, with no platform."""
    core = KioskCore.open(DataDir(root))
    try:
        desk = BookingDesk(core)
        item = next(i for i in core.store.catalogue() if i.code == ITEM)
        listing = desk.slots()
        assert not listing.from_platform  # never synced: the calendar's proposal
        slot = listing.offers[0].slot
        ids = [
            desk.book(
                BookingKind.WINDOW,
                item,
                name=HOLDER.name,
                id_number=HOLDER.id_number,
                address="",
                slot=slot,
            ).id
            for _ in range(count)
        ]
        visit = desk.book(
            BookingKind.HOME_VISIT,
            item,
            name=HOLDER.name,
            id_number=HOLDER.id_number,
            address=HOLDER.address or "",
            phone="13812345678",
            priority=True,
        )
        assert all(
            b.status is BookingStatus.PENDING for b in desk.bookings_of(HOLDER.id_number)[1:]
        )
        return ids, visit.id
    finally:
        core.close()


def test_offline_booking_is_confirmed_after_sync_and_a_full_slot_moves_to_the_next(
    platform: Platform, kiosk_store, make_engine, client_for, tmp_path: Path
) -> None:
    ids, visit_id = _book_offline(tmp_path / "kiosk", SLOT_CAPACITY + 1)
    assert booking_queries.cached_slots(kiosk_store) is None
    engine = make_engine()
    report = engine.run_until_idle()
    assert report.ok and report.delivered == len(ids) + 1, report
    # 我的办件 (the card holder's bookings): confirmed, the last one moved to the next slot
    mine = {b.id: b for b in booking_queries.bookings_of(kiosk_store, HOLDER.id_number)}
    window = [mine[i] for i in ids]
    assert all(b.status is BookingStatus.CONFIRMED for b in window)
    assert all("已确认" in b.slot_line() for b in window)
    kept = [b for b in window if not b.moved]
    moved = [b for b in window if b.moved]
    assert len(kept) == SLOT_CAPACITY and len(moved) == 1
    assert moved[0].confirmed_slot > moved[0].requested_slot
    assert "原选时段已满" in moved[0].slot_line()
    assert mine[visit_id].status is BookingStatus.REQUESTED
    # delivered exactly once: nothing left to send, one row per booking on the platform
    assert [e for e in engine.outbox.entries() if e.item_id in {*ids, visit_id}] == []
    with platform.db.backend.transaction() as tx:
        rows = tx.execute("SELECT id, slot FROM bookings").fetchall()
    stored = dict(rows)
    assert set(stored) == {*ids, visit_id} and stored[visit_id] == ""
    assert stored[moved[0].id] == moved[0].confirmed_slot.key
    # the platform's slots are cached for the next offline booking, with what is left
    cached = booking_queries.cached_slots(kiosk_store)
    assert cached is not None and cached.centre.startswith("乡镇便民服务中心")
    first = next(o for o in cached.offers if o.slot == kept[0].confirmed_slot)
    assert first.remaining == 0 and first.full
    # a resend of a delivered booking is a duplicate told the same slot
    payload = booking_queries.upload_payload(kiosk_store, moved[0].id)
    client = client_for(make_engine.credentials[0])
    ack = client.upload_batch(BatchRequest(bookings=[BookingUpload.model_validate(payload)]))
    (result,) = ack.results
    assert result.outcome is Outcome.DUPLICATE and result.slot == moved[0].confirmed_slot.key
