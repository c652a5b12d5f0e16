"""Small read-only queries the touch UI needs and the main store does not offer (yet)."""

from __future__ import annotations

from kiosk.store.store import Store


def most_used_codes(store: Store, limit: int) -> list[str]:
    """Codes of the service items filed most often on this terminal, most used first."""
    rows = store.conn.query(
        "SELECT service_code, COUNT(*) AS n FROM applications "
        "GROUP BY service_code ORDER BY n DESC, service_code LIMIT ?",
        (limit,),
    )
    return [str(row["service_code"]) for row in rows]
