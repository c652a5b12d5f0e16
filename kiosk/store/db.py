"""Opening the terminal's SQLite database safely.

WAL with ``synchronous=FULL``: a commit that returned is on disk, whatever the
power does next (with NORMAL, WAL may lose the last commits on power loss, and
a receipt would name an application the database forgot). Every write is one
``BEGIN IMMEDIATE`` transaction, so the UI process and a sync process never
deadlock on a lock upgrade; ``busy_timeout`` makes them wait for each other.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.errors import StoreError
from kiosk.store.migrations import MIGRATIONS


class Connection:
    """One SQLite connection shared by the threads of one process, serialised by a lock."""

    def __init__(self, path: Path, *, check_integrity: bool = True) -> None:
        try:
            raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        except sqlite3.Error as exc:
            raise StoreError(f"无法打开数据库 {path}：{exc}") from exc
        self.path = path
        self.raw = raw
        self.lock = threading.RLock()
        self._depth = 0
        try:
            raw.execute("PRAGMA busy_timeout=10000")
            raw.execute("PRAGMA journal_mode=WAL")
            raw.execute("PRAGMA synchronous=FULL")
            raw.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raw.close()
            raise StoreError(
                f"数据库文件损坏，无法读取（{exc}）。请勿删除数据目录，联系技术人员用备份恢复。"
            ) from exc
        if check_integrity:
            self.check_integrity()
        self.db = Database(raw)
        MIGRATIONS.apply(self.db)

    def check_integrity(self) -> None:
        """``PRAGMA integrity_check`` with a message a technician can act on."""
        try:
            rows = self.raw.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"数据库文件损坏，无法读取（{exc}）。请勿删除数据目录，联系技术人员用备份恢复。"
            ) from exc
        problems = [row[0] for row in rows if row[0] != "ok"]
        if problems:
            raise StoreError(
                "数据库完整性检查未通过："
                + "; ".join(problems[:3])
                + "。请勿删除数据目录，联系技术人员。"
            )

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; everything inside commits together or not at all.

        Nested calls (a batch import wrapping many submissions) become savepoints
        of the outer transaction, so the batch is still all-or-nothing on power
        loss while one bad row can be rolled back alone.
        """
        with self.lock:
            if self.raw.in_transaction:
                name = f"sp{id(self)}_{self._depth}"
                self._depth += 1
                self.raw.execute(f"SAVEPOINT {name}")
                try:
                    yield self.raw
                except BaseException:
                    self.raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.raw.execute(f"RELEASE SAVEPOINT {name}")
                    raise
                else:
                    self.raw.execute(f"RELEASE SAVEPOINT {name}")
                finally:
                    self._depth -= 1
                return
            self.raw.execute("BEGIN IMMEDIATE")
            try:
                yield self.raw
            except BaseException:
                _rollback_if_open(self.raw)
                raise
            else:
                self.raw.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            cursor = self.raw.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return list(cursor.fetchall())

    def close(self) -> None:
        with self.lock:
            self.raw.close()


def _rollback_if_open(conn: sqlite3.Connection) -> None:
    # Some errors (SQLITE_FULL, an interrupted statement) already ended the transaction.
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def next_counter(conn: sqlite3.Connection, key: str) -> int:
    """Increment a counter in ``meta`` inside the caller's transaction."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    value = int(row[0]) + 1 if row else 1
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )
    return value
