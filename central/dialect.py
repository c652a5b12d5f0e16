"""The two database engines of the reference platform behind one small interface.

Why a dialect layer and not an ORM: the platform's SQL is a few dozen statements whose
correctness rests on the database itself (primary keys and unique indexes decide
"duplicate" and "conflict", several workers race on them). Keeping the SQL visible keeps
that reasoning visible. The statements are written once, in the subset both engines share
(``?`` placeholders, ``INSERT … ON CONFLICT DO NOTHING``, ``ON CONFLICT(…) DO UPDATE``);
this module translates placeholders for psycopg and supplies the few pieces that differ
(how a write transaction is started and serialised, row locks, table listing).

- **SQLite** (the embedded default for demos and tests): one connection behind a lock,
  WAL so the operator CLI can read while the server writes, ``BEGIN IMMEDIATE`` so a
  write transaction holds the write lock from its first statement.
- **PostgreSQL** (production, several workers): a psycopg 3 connection pool per process,
  READ COMMITTED transactions; idempotency comes from the unique constraints (an
  ``INSERT … ON CONFLICT DO NOTHING`` waits for a concurrent insert of the same key to
  commit, then reports zero rows), sequences that readers page through are assigned under
  a table lock so they commit in order.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, cast

MIGRATION_LOCK_ID = 7_411_011
"""PostgreSQL advisory lock taken while migrating, so workers starting together migrate once."""

_POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(spec: str | Path) -> bool:
    """Whether a ``--db`` value names a PostgreSQL database (a URL) rather than a SQLite file."""
    return isinstance(spec, str) and spec.startswith(_POSTGRES_PREFIXES)


def redact(spec: str | Path) -> str:
    """The ``--db`` value fit for a log line: a password in a PostgreSQL URL is hidden."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", str(spec))


class Cursor(Protocol):
    """What both drivers' cursors give us."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Tx(ABC):
    """One open transaction: statements use ``?`` placeholders on both engines."""

    engine: str

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            self.execute(sql, row)

    @property
    def for_update(self) -> str:
        """Suffix that locks the selected rows until commit (nothing on SQLite: already locked)."""
        return ""


class Backend(ABC):
    """A connection (SQLite) or pool (PostgreSQL) with transactions and one-shot reads."""

    engine: str
    blob_type: str

    @abstractmethod
    @contextmanager
    def transaction(self, *, serialise: str | None = None) -> Iterator[Tx]:
        """A write transaction; ``serialise`` names a table whose writers must queue.

        Used where rows get an increasing sequence number that readers page through
        (status events, catalogue): such numbers must commit in the order they were drawn.
        """

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one read, outside any caller transaction."""

    @abstractmethod
    def table_exists(self, name: str) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...

    def after_migrations(self, rewrote_plaintext: bool) -> None:  # noqa: B027
        """Engine housekeeping after the schema moved (SQLite scrubs freed pages)."""


# --- SQLite --------------------------------------------------------------------------------


class _SqliteTx(Tx):
    engine = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, [tuple(r) for r in rows])


def _private_file(path: Path) -> None:
    """Create ``path`` 0600 if missing; tighten it and its -wal/-shm if they exist.

    SQLite creates the -wal and -shm files with the database file's own mode, so a
    database created 0600 keeps its write-ahead log private too.
    """
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if p.exists() and (p.stat().st_mode & 0o777) != 0o600:
            os.chmod(p, 0o600)


class SqliteBackend(Backend):
    """One connection behind a re-entrant lock (threads of one server process share it)."""

    engine = "sqlite"
    blob_type = "BLOB"

    def __init__(self, path: Path) -> None:
        self.path = path
        _private_file(path)
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA busy_timeout=10000")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA secure_delete=ON")  # deleted personal data is overwritten
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self, *, serialise: str | None = None) -> Iterator[Tx]:
        with self._lock:
            if self.conn.in_transaction:  # nested: part of the caller's transaction
                yield _SqliteTx(self.conn)
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self.conn)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self.conn.execute(sql, tuple(params)).fetchall())

    def table_exists(self, name: str) -> bool:
        return bool(
            self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        )

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def after_migrations(self, rewrote_plaintext: bool) -> None:
        """After encrypting old plaintext rows, rebuild the file so no old page keeps them."""
        if rewrote_plaintext:
            with self._lock:
                self.conn.execute("VACUUM")
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- PostgreSQL ----------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s`` (a literal ``%`` doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PgTx(Tx):
    engine = "postgresql"

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        cur = self.conn.cursor()
        cur.execute(_pg_sql(sql), tuple(params))
        return cast(Cursor, cur)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(_pg_sql(sql), [tuple(r) for r in rows])

    @property
    def for_update(self) -> str:
        return " FOR UPDATE"


class PostgresBackend(Backend):
    """A psycopg 3 pool for this process (each uvicorn worker opens its own)."""

    engine = "postgresql"
    blob_type = "BYTEA"

    def __init__(self, dsn: str, *, max_size: int = 10) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        self.dsn = dsn
        # One direct connection first: an unreachable server or a refused login fails now,
        # with the server's own reason, not after the pool's 30 s of quiet retries.
        psycopg.connect(dsn, connect_timeout=10).close()
        self.pool = ConnectionPool(
            dsn, min_size=1, max_size=max_size, open=False, name="central", timeout=30
        )
        self.pool.open(wait=True, timeout=30)

    @contextmanager
    def transaction(self, *, serialise: str | None = None) -> Iterator[Tx]:
        # The pool's context commits on success and rolls back on an exception.
        with self.pool.connection() as conn:
            tx = _PgTx(conn)
            if serialise is not None:
                assert serialise.isidentifier()
                tx.execute(f"LOCK TABLE {serialise} IN EXCLUSIVE MODE")
            yield tx

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(_pg_sql(sql), tuple(params))
            return list(cur.fetchall())

    def table_exists(self, name: str) -> bool:
        return bool(self.query("SELECT to_regclass(CAST(? AS text)) IS NOT NULL", (name,))[0][0])

    def close(self) -> None:
        self.pool.close()


def open_backend(spec: str | Path, *, pool_size: int = 10) -> Backend:
    """SQLite for a path, PostgreSQL for a ``postgresql://`` URL."""
    if is_postgres(spec):
        return PostgresBackend(str(spec), max_size=pool_size)
    return SqliteBackend(Path(spec))
