"""SQL of what the platform did with this terminal's requests (诉求, issue 12 item 4).

The sync engine records each update it pulls (``GET /v1/request-updates``) with
:func:`apply_request_update`; 我的办件 lists a card holder's requests with
:func:`requests_of`. The clerk's reply is free text that may name people, so it is
encrypted like the request's own text (bound to the row id) and purged with it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from kiosk.errors import StoreError
from kiosk.feedback import RequestKind
from kiosk.request_progress import PlatformRequestState, RequestProgress, request_number_key
from kiosk.states import DeliveryState
from kiosk.store.store import Store

_COLUMNS = "id, number, kind, created_at, state, platform_state, reply, platform_changed_at"

UNREADABLE_REPLY = "（答复内容无法读取，请联系工作人员）"


def _reply_context(request_id: str) -> str:
    return f"request-reply:{request_id}"


def apply_request_update(
    store: Store, request_id: str, state: PlatformRequestState, reply: str, changed_at: dt.datetime
) -> bool:
    """Record the platform's latest state and reply of one request; False if unknown here.

    Updates arrive in the platform's order (one cursor), so the latest simply replaces
    what was recorded; an empty reply leaves an earlier one in place (an assignment after
    a reply does not erase it).
    """
    sealed = store.cipher.encrypt(reply.encode(), _reply_context(request_id)) if reply else None
    with store.conn.write() as c:
        changed = c.execute(
            "UPDATE requests SET platform_state = ?, platform_changed_at = ?,"
            " reply = COALESCE(?, reply) WHERE id = ?",
            (state.value, changed_at.isoformat(), sealed, request_id),
        ).rowcount
    return changed == 1


def requests_of(store: Store, id_number: str) -> list[RequestProgress]:
    """A card holder's requests, newest first (found by the keyed hash, never the number)."""
    rows = store.conn.query(
        f"SELECT {_COLUMNS} FROM requests WHERE holder_key = ? ORDER BY created_at DESC",  # noqa: S608
        (store.cipher.lookup_hash(id_number),),
    )
    return [_progress(store, r) for r in rows]


def request_progress(store: Store, key: str) -> RequestProgress | None:
    """One request by its id or its look-up number (``F`` optional), else None."""
    number = request_number_key(key)
    rows = store.conn.query(
        f"SELECT {_COLUMNS} FROM requests WHERE id = ? OR (number IS NOT NULL AND number = ?)",  # noqa: S608
        (key.strip(), number or ""),
    )
    return _progress(store, rows[0]) if rows else None


def _progress(store: Store, r: sqlite3.Row) -> RequestProgress:
    reply = ""
    if r["reply"] is not None:
        try:
            reply = store.cipher.decrypt(r["reply"], _reply_context(r["id"])).decode()
        except (StoreError, UnicodeDecodeError):  # one damaged row must not hide the others
            reply = UNREADABLE_REPLY
    return RequestProgress(
        id=r["id"],
        number=r["number"] or "",
        kind=RequestKind(r["kind"]),
        created_at=dt.datetime.fromisoformat(r["created_at"]),
        delivery=DeliveryState(r["state"]),
        platform_state=PlatformRequestState(r["platform_state"]) if r["platform_state"] else None,
        reply=reply,
        changed_at=dt.datetime.fromisoformat(r["platform_changed_at"])
        if r["platform_changed_at"]
        else None,
    )
