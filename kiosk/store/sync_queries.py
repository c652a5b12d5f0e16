"""SQL the sync engine needs beyond the outbox API (kept here: SQL stays in kiosk/store)."""

from __future__ import annotations

from kiosk.store.outbox import Outbox
from kiosk.store.store import Store


def release_all_leases(store: Store) -> int:
    """Give back every lease: called by the one sync process at start, under its lock file.

    A lease outlives a process killed mid-round; since only one sync process runs
    per terminal (``sync.lock``), any lease found at start belongs to a dead one,
    and waiting for it to expire would only delay delivery.
    """
    return Outbox(store).release_all()


def application_state(store: Store, application_id: str) -> str | None:
    """The application's state without decrypting its personal data."""
    rows = store.conn.query("SELECT state FROM applications WHERE id = ?", (application_id,))
    return str(rows[0]["state"]) if rows else None


def oldest_unsent_created_at(store: Store) -> str | None:
    """ISO time of the oldest item still in the outbox (any kind), for the heartbeat."""
    rows = store.conn.query(
        "SELECT MIN(t.created_at) AS oldest FROM outbox o JOIN ("
        " SELECT id, created_at FROM applications UNION ALL"
        " SELECT id, created_at FROM ratings UNION ALL"
        " SELECT id, created_at FROM requests UNION ALL"
        " SELECT id, created_at FROM bookings) t ON t.id = o.item_id"
    )
    value = rows[0]["oldest"] if rows else None
    return str(value) if value else None
