"""Opening the terminal's SQLite database (and its data key) safely.

WAL with ``synchronous=FULL``: a commit that returned is on disk, whatever the
power does next (with NORMAL, WAL may lose the last commits on power loss, and
a receipt would name an application the database forgot). Every write is one
``BEGIN IMMEDIATE`` transaction, so the UI process and a sync process never
deadlock on a lock upgrade; ``busy_timeout`` makes them wait for each other.
After each commit a passive checkpoint copies the WAL into the database file,
so a WAL file deleted by hand after a crash costs nothing that was committed.

Storage failures are typed (:mod:`kiosk.errors`): a full disk is
:class:`DiskFullError`, never "corrupt"; a read-only file system is
:class:`DatabaseReadOnlyError`; only a damaged file is
:class:`DatabaseCorruptError`. Constraint errors and the like stay ``sqlite3``
errors: they are bugs or handled by the caller, not the disk's state.

:func:`open_database` binds the data key to the database: a key is created only
when the database holds no encrypted data, and its fingerprint is recorded, so a
missing, damaged or foreign key is refused before anything is changed.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.crypto import (
    KEY_ID_META,
    DataCipher,
    create_key,
    discard_unused_key,
    key_id,
    read_key,
)
from kiosk.errors import (
    DatabaseCorruptError,
    DatabaseMissingError,
    DatabaseReadOnlyError,
    DiskFullError,
    KeyMissingError,
    StoreError,
    WrongKeyError,
)
from kiosk.paths import DataDir
from kiosk.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

# SQLite primary result codes (the low byte of an extended code).
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_READONLY = 8
_SQLITE_NOTADB = 26

_NEARLY_FULL_BYTES = 1024**2
"""An I/O error with less than this free is the disk being full (e.g. the -shm file cannot grow)."""

# Tables whose rows hold data encrypted, or keyed, with the data key (SQL: table, condition).
_KEYED_TABLES = (
    ("applications", ""),
    ("requests", "personal IS NOT NULL"),
    ("drafts", ""),
    ("attachments", ""),
    ("staff", "card_hash IS NOT NULL"),
)


def _data_root(path: Path) -> Path:
    return path.parent


def _writable(path: Path) -> bool:
    """Can this process write ``path`` (or create it)? False on a read-only file system."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    target = path if path.exists() else folder
    return os.access(target, os.W_OK) and os.access(folder, os.W_OK)


def _nearly_full(root: Path) -> bool:
    try:
        return shutil.disk_usage(root).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


def classify_sqlite_error(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """The typed store error a storage-level SQLite failure means; None for any other error."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    root = _data_root(path)
    if primary == _SQLITE_FULL or "database or disk is full" in text:
        return DiskFullError.on(root)
    if primary == _SQLITE_READONLY or "readonly database" in text:
        return DatabaseReadOnlyError(path, text)
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in text:
        return DatabaseCorruptError(path, text)
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN) or "unable to open database" in text:
        return _io_error(text, path)
    return None


def _io_error(text: str, path: Path) -> StoreError:
    """An I/O error or a file SQLite cannot open: full, read-only, or something else."""
    root = _data_root(path)
    if _nearly_full(root):
        return DiskFullError.on(root)
    if not _writable(path):
        return DatabaseReadOnlyError(path, text)
    return StoreError(
        f"无法读写数据库 {path}（{text}）。请运行 kiosk doctor 检查磁盘和数据库。",
        f"cannot read or write the database {path}: {text}",
    )


def os_store_error(exc: OSError, path: Path, root: Path) -> StoreError:
    """A failed file operation in the data directory as a typed store error."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError.on(root)
    reason = exc.strerror or type(exc).__name__
    return StoreError(
        f"无法写入 {path}（{reason}）。请检查数据目录的权限和磁盘（运行 kiosk doctor）。",
        f"cannot write {path}: {reason}",
    )


def storage_failure_line(exc: BaseException, data: DataDir) -> str | None:
    """The one English line the CLI prints for a raw storage failure; None if it is not one.

    ``sqlite3`` errors and ``OSError`` that escaped a command (the CLI must not import
    ``sqlite3`` itself: SQL lives in the store) become the typed error's line or a short one.
    """
    if isinstance(exc, sqlite3.Error):
        typed = classify_sqlite_error(exc, data.database)
        text = typed.english if typed is not None else f"database error: {exc}"
    elif isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            text = DiskFullError.on(data.root).english
        else:
            where = f": {exc.filename}" if exc.filename else ""
            text = f"{exc.strerror or type(exc).__name__}{where}"
    else:
        return None
    return " ".join(text.split())


def _open_error(exc: sqlite3.Error, path: Path) -> StoreError:
    return classify_sqlite_error(exc, path) or StoreError(
        f"无法打开数据库 {path}（{exc}）。请运行 kiosk doctor。",
        f"cannot open the database {path}: {exc}",
    )


def ensure_data_dir(data: DataDir) -> DataDir:
    """``data.ensure()``, tolerating a read-only file system when the folders already exist.

    A read-only or full disk is then reported by the database itself (typed), not as
    a raw ``OSError`` from ``chmod``.
    """
    try:
        return data.ensure()
    except OSError as exc:
        folders = (data.root, data.attachments, data.logs, data.run)
        if all(folder.is_dir() for folder in folders):
            return data
        raise os_store_error(exc, data.root, data.root) from exc


def _create_owner_only(path: Path) -> None:
    """Create a new database file 0600 before SQLite does (it would use the umask, e.g. 0644).

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so they
    follow. An existing file is left as it is.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError:
        return  # a read-only or missing directory: SQLite's own open reports it, typed
    os.close(fd)


class Connection:
    """One SQLite connection shared by the threads of one process, serialised by a lock."""

    def __init__(self, path: Path, *, check_integrity: bool = True, migrate: bool = True) -> None:
        _create_owner_only(path)
        try:
            raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        except sqlite3.Error as exc:
            raise _open_error(exc, path) from exc
        self.path = path
        self.raw = raw
        self.lock = threading.RLock()
        self._depth = 0
        self.wal_was_missing = False
        """Set by :func:`open_database`: the WAL file had been deleted after an unclean stop."""
        self.last_failure: StoreError | None = None
        """The storage failure of the latest write, cleared by the next commit (status bar)."""
        try:
            raw.execute("PRAGMA busy_timeout=10000")
            raw.execute("PRAGMA journal_mode=WAL")
            raw.execute("PRAGMA synchronous=FULL")
            raw.execute("PRAGMA foreign_keys=ON")
            # What sqlite-utils' Database() set on the connection when it was made here; it
            # is now made only to run migrations, and triggers must behave the same anyway.
            raw.execute("PRAGMA recursive_triggers=on")
            if check_integrity:
                self.check_integrity()
            if migrate:
                self.migrate()
        except sqlite3.Error as exc:
            raw.close()
            raise _open_error(exc, path) from exc
        except BaseException:
            raw.close()
            raise

    def _classified(self, exc: sqlite3.Error) -> StoreError | None:
        return classify_sqlite_error(exc, self.path)

    def migrate(self) -> None:
        """Apply pending migrations; each one commits whole or not at all (a power cut too).

        The normal start has none pending: that is read with plain ``sqlite3`` and
        sqlite-utils, the migrations' runner, is imported only when one must run
        (issue 16, goal 1: it brings click, pluggy and dateutil, ~60 ms).
        """
        try:
            with self.lock:
                if MIGRATIONS.up_to_date(self.raw):
                    return
                from sqlite_utils import Database

                MIGRATIONS.apply(Database(self.raw))
        except sqlite3.Error as exc:
            _rollback_if_open(self.raw)
            raise self._classified(exc) or StoreError(
                f"数据库升级失败（{exc}）。数据没有改动，请运行 kiosk doctor 并联系技术支持。",
                f"the database migration failed: {exc}; nothing was changed",
            ) from exc

    def check_integrity(self) -> None:
        """``PRAGMA integrity_check`` with a message a technician can act on."""
        try:
            with self.lock:
                rows = self.raw.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.Error as exc:
            raise self._classified(exc) or DatabaseCorruptError(self.path, str(exc)) from exc
        problems = [row[0] for row in rows if row[0] != "ok"]
        if problems:
            raise DatabaseCorruptError(self.path, "; ".join(problems[:3]))

    def check_writable(self) -> None:
        """Take and release the write lock: a read-only file or file system fails here."""
        with self.write():
            pass

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; everything inside commits together or not at all.

        Nested calls (a batch import wrapping many submissions) become savepoints
        of the outer transaction, so the batch is still all-or-nothing on power
        loss while one bad row can be rolled back alone. A full disk, a read-only
        file or a damaged page raise the typed :class:`StoreError`; the
        transaction is rolled back and the connection stays usable.
        """
        with self.lock:
            if self.raw.in_transaction:
                name = f"sp{id(self)}_{self._depth}"
                self._depth += 1
                self.raw.execute(f"SAVEPOINT {name}")
                try:
                    yield self.raw
                except BaseException:
                    if self.raw.in_transaction:
                        self.raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
                        self.raw.execute(f"RELEASE SAVEPOINT {name}")
                    raise
                else:
                    self.raw.execute(f"RELEASE SAVEPOINT {name}")
                finally:
                    self._depth -= 1
                return
            try:
                self.raw.execute("BEGIN IMMEDIATE")
                try:
                    yield self.raw
                except BaseException:
                    _rollback_if_open(self.raw)
                    raise
                self.raw.execute("COMMIT")
            except sqlite3.Error as exc:
                _rollback_if_open(self.raw)
                typed = self._classified(exc)
                if typed is None:
                    raise
                self.last_failure = typed
                raise typed from exc
            self.last_failure = None
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy committed WAL frames into the database file (never blocks, never fails a commit).

        The commit is already durable in the WAL; this makes it durable in the main file
        too, so losing the WAL file afterwards (deleted by hand after a crash) loses nothing.
        """
        try:
            self.raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:
            log.debug("passive checkpoint skipped: %s", exc)

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            try:
                cursor = self.raw.execute(sql, params)
                cursor.row_factory = sqlite3.Row
                return list(cursor.fetchall())
            except sqlite3.Error as exc:
                typed = self._classified(exc)
                if typed is None:
                    raise
                raise typed from exc

    def close(self) -> None:
        with self.lock:
            self.raw.close()

    # -- the data key's binding ---------------------------------------------------------------

    def _tables(self) -> set[str]:
        rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}

    def holds_keyed_data(self) -> bool:
        """Any row encrypted (or keyed) with the data key: then a new key must never be made."""
        tables = self._tables()
        for table, condition in _KEYED_TABLES:
            if table not in tables:
                continue
            where = f" WHERE {condition}" if condition else ""
            if self.query(f"SELECT 1 FROM {table}{where} LIMIT 1"):  # noqa: S608 - constants
                return True
        return False

    def recorded_key_id(self) -> str | None:
        if "meta" not in self._tables():
            return None
        rows = self.query("SELECT value FROM meta WHERE key = ?", (KEY_ID_META,))
        return str(rows[0][0]) if rows else None

    def key_opens_samples(self, key: bytes) -> bool:
        """For a database from before fingerprints: does the key decrypt what it holds?

        True when nothing encrypted can be sampled (nothing to contradict the key) or
        when at least one sample decrypts (one damaged row must not refuse the terminal).
        """
        tables = self._tables()
        samples: list[tuple[bytes, str]] = []
        if "applications" in tables:
            rows = self.query(
                "SELECT id, personal FROM applications WHERE personal IS NOT NULL LIMIT 5"
            )
            samples += [(row[1], f"application:{row[0]}") for row in rows]
        if "requests" in tables:
            rows = self.query(
                "SELECT id, personal FROM requests WHERE personal IS NOT NULL LIMIT 5"
            )
            samples += [(row[1], f"request:{row[0]}") for row in rows]
        if "drafts" in tables:
            rows = self.query("SELECT holder_key, body FROM drafts LIMIT 5")
            samples += [(row[1], f"draft:{row[0]}") for row in rows]
        if not samples:
            return True
        cipher = DataCipher(key)
        for blob, context in samples:
            with contextlib.suppress(StoreError):
                cipher.decrypt(blob, context)
                return True
        return False

    def record_key_id(self, key: bytes) -> None:
        """Write the key's fingerprint unless it is already the recorded one."""
        fingerprint = key_id(key)
        if self.recorded_key_id() == fingerprint:
            return
        with self.write() as c:
            c.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (KEY_ID_META, fingerprint),
            )


def open_database(data: DataDir, *, check_integrity: bool = True) -> tuple[Connection, bytes]:
    """The database and its data key, bound together; refuses before changing anything.

    Order matters for power cuts: the schema is committed first, then the key file is
    created (only if the database holds no encrypted data), then its fingerprint is
    recorded. Every state a cut can leave opens fine: no key and no data (a key is
    made); a key and no fingerprint and no data (the key is adopted); a leftover
    ``data.key.new`` (never used, discarded). A key beside a missing or empty database
    is refused: the terminal had data, and starting afresh would reuse numbers.
    """
    path = data.database
    key = read_key(data.key_file)  # KeyInvalidError: truncated, a directory, unreadable
    has_content = path.is_file() and path.stat().st_size > 0
    if key is not None and not has_content and not path.is_dir():
        raise DatabaseMissingError(path, zero_length=path.exists())
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    wal_was_missing = has_content and shm.exists() and not wal.exists()
    conn = Connection(path, check_integrity=check_integrity, migrate=False)
    try:
        conn.wal_was_missing = wal_was_missing
        if wal_was_missing:
            log.warning("the database's WAL file was deleted after an unclean stop")
        if key is None:
            if has_content and conn.holds_keyed_data():
                raise KeyMissingError(data.key_file)
        else:
            recorded = conn.recorded_key_id()
            if recorded is not None and recorded != key_id(key):
                raise WrongKeyError(data.key_file)
            if recorded is None and not conn.key_opens_samples(key):
                raise WrongKeyError(data.key_file)
        conn.migrate()
        if key is None:
            key = create_key(data.key_file)
            log.info("created a new data key (the database held no encrypted data)")
        conn.record_key_id(key)
        discard_unused_key(data.key_file)
    except BaseException:
        conn.close()
        raise
    return conn, key


def probe_database(path: Path) -> None:
    """Open, check integrity and close, without the data key (``kiosk doctor`` when it is refused)."""
    if not path.is_file() or path.stat().st_size == 0:
        raise DatabaseMissingError(path, zero_length=path.exists())
    Connection(path, check_integrity=True, migrate=False).close()


def _rollback_if_open(conn: sqlite3.Connection) -> None:
    # Some errors (SQLITE_FULL, an interrupted statement) already ended the transaction.
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


HAS_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)
"""``INSERT … RETURNING`` (SQLite 3.35, 2021): a counter moves and is read in one statement.

Older libraries (Debian 11 ships 3.34) take the two-statement path; both give the same
numbers, and both run inside the caller's write transaction, so no two callers ever see
the same value."""

COUNTER_UPSERT = (
    "INSERT INTO meta(key, value) VALUES (?, '1') "
    "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)
"""The increment itself; a counter's first value is 1. Values stay text, as ``meta`` holds."""


def next_counter(conn: sqlite3.Connection, key: str) -> int:
    """Increment a counter in ``meta`` inside the caller's transaction; the new value.

    One ``UPSERT … RETURNING`` where SQLite has it (it was a SELECT and an UPSERT: issue 16,
    goal 4); the write lock of the caller's ``BEGIN IMMEDIATE`` makes either form atomic.
    """
    if HAS_RETURNING:
        # fetchall: the statement runs to its end (a RETURNING statement left mid-way
        # would still be in progress at COMMIT).
        ((value,),) = conn.execute(COUNTER_UPSERT + " RETURNING value", (key,)).fetchall()
        return int(value)
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    value = int(row[0]) + 1 if row else 1
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )
    return value
