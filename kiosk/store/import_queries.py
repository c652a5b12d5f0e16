"""SQL for ``kiosk import``: the ledger of imported rows and the batch transaction.

The schema is the ``0201_import_ledger`` migration. A row's hash arrives here
already keyed (the store cipher's ``lookup_hash``), never the row's text.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from kiosk.errors import StoreError
from kiosk.store.db import Connection


def imported_number(conn: Connection, row_hash: str) -> str | None:
    """The application number an earlier import made from this row, if any.

    Called inside the import's write transaction, so a row queued earlier in
    the same batch (a line repeated in the file) is found too.
    """
    rows = conn.query(
        "SELECT application_number FROM imported_rows WHERE row_hash = ?", (row_hash,)
    )
    return str(rows[0]["application_number"]) if rows else None


def record_imported(conn: Connection, row_hash: str, number: str, now: dt.datetime) -> None:
    """Remember that this row made ``number``; call it in the transaction that queued it."""
    with conn.write() as c:
        c.execute(
            "INSERT INTO imported_rows(row_hash, application_number, imported_at) VALUES (?, ?, ?)",
            (row_hash, number, now.isoformat()),
        )


@contextmanager
def import_transaction(conn: Connection) -> Iterator[None]:
    """One batch of an import: all of it commits, or none of it.

    A database that cannot take the write (disk full, read-only file, locked
    for too long) raises :class:`StoreError` instead of a bare ``sqlite3``
    error, so the importer can stop cleanly and report what the earlier
    batches committed.
    """
    try:
        with conn.write():
            yield
    except sqlite3.Error as exc:
        cause = _first_sqlite_error(exc)
        raise StoreError(f"数据库无法写入（{cause}），本批未导入。") from exc


def _first_sqlite_error(exc: sqlite3.Error) -> sqlite3.Error:
    """The error that started it all.

    When SQLite answers SQLITE_FULL inside a savepoint it may roll back the whole
    transaction; the savepoint's own ``ROLLBACK TO`` then fails with "no such
    savepoint", hiding "database or disk is full" in ``__context__``.
    """
    first = exc
    seen: BaseException | None = exc.__context__
    while seen is not None:
        if isinstance(seen, sqlite3.Error):
            first = seen
        seen = seen.__context__
    return first
