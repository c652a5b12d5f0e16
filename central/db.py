"""The reference platform's SQLite database: its own schema, separate from any kiosk's.

Idempotency is enforced by the database, not by a check in Python: each upload
is an ``INSERT`` into a table whose primary key is the kiosk-minted id, and the
``IntegrityError`` of a second insert is what tells us "seen before". Two
requests racing with the same id can therefore never both be stored
(check-then-insert would let them). Same id with the same content hash is a
duplicate (success for the kiosk); a different hash is a conflict, kept in its
own table for an operator to look at, never merged.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from central.deadlines import advance_clock
from kiosk.workdays import shipped_calendar
from sync.protocol import (
    ApplicationUpload,
    CatalogueEntry,
    ItemKind,
    ItemResult,
    Outcome,
    PlatformStatus,
    RatingUpload,
    RequestUpload,
    StatusUpdate,
    content_hash,
)

DEFAULT_ENROL_CODE_HOURS = 72
"""An enrolment code not used within this many hours is refused (``enrol-code --valid-hours``)."""

NONCE_TTL_S = 900
"""Nonces are remembered longer than the allowed clock skew on either side (2 × 300 s)."""

migrations = Migrations("central")


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE terminals (
            terminal_id TEXT PRIMARY KEY,
            terminal_code TEXT NOT NULL UNIQUE,
            secret TEXT NOT NULL,
            region_code TEXT NOT NULL,
            station_name TEXT NOT NULL,
            kiosk_version TEXT NOT NULL DEFAULT '',
            enrolled_at REAL NOT NULL,
            revoked_at REAL,
            last_seen REAL,
            last_heartbeat TEXT
        );
        CREATE TABLE enrol_codes (
            code TEXT PRIMARY KEY,
            region_code TEXT,
            created_at REAL NOT NULL,
            used_at REAL,
            terminal_id TEXT
        );
        CREATE TABLE nonces (
            terminal_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            seen_at REAL NOT NULL,
            PRIMARY KEY (terminal_id, nonce)
        );
        CREATE TABLE applications (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL,
            terminal_id TEXT NOT NULL,
            number TEXT NOT NULL,
            service_code TEXT NOT NULL,
            service_version INTEGER NOT NULL,
            payload TEXT NOT NULL,
            received_at REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'received',
            status_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX applications_number ON applications(number);
        CREATE TABLE ratings (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL,
            terminal_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            received_at REAL NOT NULL
        );
        CREATE TABLE requests (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL,
            terminal_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            received_at REAL NOT NULL
        );
        CREATE TABLE conflicts (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            terminal_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            received_at REAL NOT NULL,
            UNIQUE (kind, id, content_hash)
        );
        CREATE TABLE expected_attachments (
            application_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            PRIMARY KEY (application_id, sha256)
        );
        CREATE INDEX expected_attachments_sha ON expected_attachments(sha256);
        CREATE TABLE attachments (
            sha256 TEXT PRIMARY KEY,
            length INTEGER NOT NULL,
            received INTEGER NOT NULL DEFAULT 0,
            complete INTEGER NOT NULL DEFAULT 0,
            completed_at REAL
        );
        CREATE TABLE attachment_chunks (
            sha256 TEXT NOT NULL,
            offset INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (sha256, offset)
        );
        CREATE TABLE status_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            application_id TEXT NOT NULL,
            terminal_id TEXT NOT NULL,
            number TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            missing TEXT NOT NULL DEFAULT '[]',
            result_notice TEXT NOT NULL DEFAULT '',
            changed_at REAL NOT NULL
        );
        CREATE INDEX status_events_terminal ON status_events(terminal_id, seq);
        CREATE TABLE catalogue (
            code TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            state TEXT NOT NULL,
            item TEXT NOT NULL,
            seq INTEGER NOT NULL UNIQUE
        );
        CREATE TABLE heartbeats (
            terminal_id TEXT NOT NULL,
            received_at REAL NOT NULL,
            payload TEXT NOT NULL
        );
        """
    )


@migrations(name="0002_unique_numbers")
def _unique_numbers(db: Database) -> None:
    """One application per number, and the receipt alias of renumbered applications.

    A database that already holds two applications under one number (terminals that all
    numbered ``000000-…`` before enrolment) cannot get the unique index: the migration
    stops with the numbers to resolve instead of guessing which row is which.
    """
    duplicates = [
        row[0]
        for row in db.execute(
            "SELECT number FROM applications GROUP BY number HAVING COUNT(*) > 1 ORDER BY number"
        ).fetchall()
    ]
    if duplicates:
        shown = ", ".join(duplicates[:5]) + (" …" if len(duplicates) > 5 else "")
        raise CentralError(
            f"cannot make application numbers unique: {len(duplicates)} number(s) are held by "
            f"more than one application ({shown}); give each a distinct number, then start again"
        )
    db.executescript(
        """
        DROP INDEX applications_number;
        CREATE UNIQUE INDEX applications_number ON applications(number);
        ALTER TABLE applications ADD COLUMN provisional_number TEXT;
        CREATE INDEX applications_provisional_number ON applications(provisional_number);
        """
    )


@migrations(name="0003_acceptance_dates")
def _acceptance_dates(db: Database) -> None:
    """受理日 and 办结期限 per application and on each status event (central/deadlines.py)."""
    db.executescript(
        """
        ALTER TABLE applications ADD COLUMN accepted_on TEXT;
        ALTER TABLE applications ADD COLUMN due_on TEXT;
        ALTER TABLE applications ADD COLUMN clock_stopped_on TEXT;
        ALTER TABLE status_events ADD COLUMN accepted_on TEXT;
        ALTER TABLE status_events ADD COLUMN due_on TEXT;
        """
    )


@migrations(name="0004_enrol_code_expiry")
def _enrol_code_expiry(db: Database) -> None:
    """Enrolment codes expire (issue 11.6); codes issued before this step get 72 h from issue."""
    db.executescript(
        f"""
        ALTER TABLE enrol_codes ADD COLUMN expires_at REAL;
        UPDATE enrol_codes SET expires_at = created_at + {DEFAULT_ENROL_CODE_HOURS * 3600};
        """
    )


class CentralError(Exception):
    """An operator command cannot be carried out; the message says why."""


FOREIGN_CODE_REASON = "办件编号的终端代码与本终端不符"
"""Rejection reason: the number's first six digits are not the uploading terminal's code."""

NUMBER_TAKEN_REASON = "办件编号已被另一件申请使用"
"""Rejection reason: another application (another id) already holds this number."""


@dataclass(frozen=True, slots=True)
class Terminal:
    terminal_id: str
    terminal_code: str
    secret: str
    revoked: bool


@dataclass(frozen=True, slots=True)
class AttachmentProgress:
    sha256: str
    length: int
    received: int
    complete: bool


_TABLES = {
    ItemKind.APPLICATION: "applications",
    ItemKind.RATING: "ratings",
    ItemKind.REQUEST: "requests",
}


class CentralDB:
    """All platform state; thread-safe (one connection behind a lock, WAL for CLI readers)."""

    def __init__(self, path: Path, *, clock: Any = time.time) -> None:
        self.path = path
        self._clock = clock
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA synchronous=NORMAL")
        self.db = Database(conn)
        self.calendar = shipped_calendar()  # the kiosks' working-day calendar, for 办结期限
        self._lock = threading.RLock()
        with self._lock:
            migrations.apply(self.db)

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self.db.atomic():
            yield self.db.conn

    def _q(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self.db.conn.execute(sql, params)
            cur.row_factory = sqlite3.Row
            return list(cur.fetchall())

    # --- terminals ---------------------------------------------------------------------------

    def new_enrol_code(
        self, region_code: str | None = None, valid_hours: float = DEFAULT_ENROL_CODE_HOURS
    ) -> str:
        """A one-time code that expires ``valid_hours`` after issue (a lost code stops working)."""
        code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
        now = self._clock()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO enrol_codes(code, region_code, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (code, region_code, now, now + valid_hours * 3600),
            )
        return code

    def enrol(
        self, code: str, region_code: str, station_name: str, kiosk_version: str, secret: str
    ) -> Terminal | None:
        """Use a one-time code; None if unknown, used, expired or bound to another region."""
        now = self._clock()
        with self._tx() as conn:
            row = conn.execute(
                "SELECT region_code FROM enrol_codes WHERE code = ? AND used_at IS NULL"
                " AND expires_at > ?",
                (code.strip().upper(), now),
            ).fetchone()
            if row is None or (row[0] and row[0] != region_code):
                return None
            terminal_id = "T" + secrets.token_hex(8)
            while True:
                terminal_code = f"{secrets.randbelow(900000) + 100000:06d}"
                try:
                    conn.execute(
                        "INSERT INTO terminals(terminal_id, terminal_code, secret, region_code,"
                        " station_name, kiosk_version, enrolled_at) VALUES (?,?,?,?,?,?,?)",
                        (
                            terminal_id,
                            terminal_code,
                            secret,
                            region_code,
                            station_name,
                            kiosk_version,
                            now,
                        ),
                    )
                    break
                except sqlite3.IntegrityError:
                    continue  # terminal code collision: draw another
            conn.execute(
                "UPDATE enrol_codes SET used_at = ?, terminal_id = ? WHERE code = ?",
                (now, terminal_id, code.strip().upper()),
            )
        return Terminal(terminal_id, terminal_code, secret, revoked=False)

    def terminal(self, terminal_id: str) -> Terminal | None:
        rows = self._q(
            "SELECT terminal_id, terminal_code, secret, revoked_at FROM terminals"
            " WHERE terminal_id = ?",
            (terminal_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return Terminal(r[0], r[1], r[2], revoked=r[3] is not None)

    def revoke(self, terminal_id: str) -> None:
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE terminals SET revoked_at = ? WHERE terminal_id = ? AND revoked_at IS NULL",
                (self._clock(), terminal_id),
            )
            if cur.rowcount == 0 and self.terminal(terminal_id) is None:
                raise CentralError(f"unknown terminal {terminal_id}")

    def use_nonce(self, terminal_id: str, nonce: str) -> bool:
        """Remember a nonce; False if this terminal already used it (a replay)."""
        now = self._clock()
        with self._tx() as conn:
            conn.execute("DELETE FROM nonces WHERE seen_at < ?", (now - NONCE_TTL_S,))
            try:
                conn.execute(
                    "INSERT INTO nonces(terminal_id, nonce, seen_at) VALUES (?, ?, ?)",
                    (terminal_id, nonce, now),
                )
            except sqlite3.IntegrityError:
                return False
            conn.execute(
                "UPDATE terminals SET last_seen = ? WHERE terminal_id = ?", (now, terminal_id)
            )
        return True

    # --- uploads -----------------------------------------------------------------------------

    def store_item(
        self,
        terminal_id: str,
        kind: ItemKind,
        item: ApplicationUpload | RatingUpload | RequestUpload,
    ) -> ItemResult:
        """Insert and let the keys decide: accepted, duplicate, conflict or rejected.

        An application must carry a number minted under the uploading terminal's own
        code, and the unique index on ``number`` refuses a second application (another
        id) under a number already held: both are ``rejected`` for that item only. A
        resend of an application already stored (same id, same content) stays a
        duplicate whatever its number, so an old terminal's harmless retry still succeeds.
        """
        digest = content_hash(item)
        payload = json.dumps(item.model_dump(mode="json"), ensure_ascii=False)
        now = self._clock()
        table = _TABLES[kind]
        with self._tx() as conn:
            try:
                if isinstance(item, ApplicationUpload):
                    code = conn.execute(
                        "SELECT terminal_code FROM terminals WHERE terminal_id = ?", (terminal_id,)
                    ).fetchone()
                    if code is None or item.number[:6] != code[0]:
                        if not conn.execute(
                            "SELECT 1 FROM applications WHERE id = ?", (item.id,)
                        ).fetchone():
                            return ItemResult(
                                kind=kind,
                                id=item.id,
                                outcome=Outcome.REJECTED,
                                reason=FOREIGN_CODE_REASON,
                            )
                        raise sqlite3.IntegrityError("already stored")  # duplicate or conflict
                    conn.execute(
                        "INSERT INTO applications(id, content_hash, terminal_id, number,"
                        " service_code, service_version, payload, received_at, provisional_number)"
                        " VALUES (?,?,?,?,?,?,?,?,?)",
                        (
                            item.id,
                            digest,
                            terminal_id,
                            item.number,
                            item.service_code,
                            item.service_version,
                            payload,
                            now,
                            item.provisional_number,
                        ),
                    )
                    conn.executemany(
                        "INSERT OR IGNORE INTO expected_attachments(application_id, sha256, size,"
                        " name, media_type) VALUES (?,?,?,?,?)",
                        [
                            (item.id, a.sha256, a.size, a.filename, a.mime_type)
                            for a in item.attachments
                        ],
                    )
                    conn.executemany(
                        "INSERT OR IGNORE INTO attachments(sha256, length) VALUES (?, ?)",
                        [(a.sha256, a.size) for a in item.attachments],
                    )
                else:
                    conn.execute(
                        f"INSERT INTO {table}(id, content_hash, terminal_id, payload, received_at)"  # noqa: S608
                        " VALUES (?,?,?,?,?)",
                        (item.id, digest, terminal_id, payload, now),
                    )
                return ItemResult(
                    kind=kind, id=item.id, outcome=Outcome.ACCEPTED, content_hash=digest
                )
            except sqlite3.IntegrityError:
                pass
            row = conn.execute(
                f"SELECT content_hash FROM {table} WHERE id = ?",  # noqa: S608
                (item.id,),
            ).fetchone()
            if row is None and isinstance(item, ApplicationUpload):
                # Not this id: the unique number index refused another application's number.
                return ItemResult(
                    kind=kind, id=item.id, outcome=Outcome.REJECTED, reason=NUMBER_TAKEN_REASON
                )
            if row is not None and row[0] == digest:
                return ItemResult(
                    kind=kind, id=item.id, outcome=Outcome.DUPLICATE, content_hash=digest
                )
            conn.execute(
                "INSERT OR IGNORE INTO conflicts(kind, id, content_hash, terminal_id, payload,"
                " received_at) VALUES (?,?,?,?,?,?)",
                (kind.value, item.id, digest, terminal_id, payload, now),
            )
        return ItemResult(
            kind=kind,
            id=item.id,
            outcome=Outcome.CONFLICT,
            reason="同一编号的申请内容不一致，已隔离待人工核查",
            content_hash=digest,
        )

    # --- attachments -------------------------------------------------------------------------

    def attachment_progress(self, terminal_id: str, sha256: str) -> AttachmentProgress | None:
        """Progress of an attachment this terminal declared; None if it declared no such hash."""
        rows = self._q(
            "SELECT a.length, a.received, a.complete FROM attachments a"
            " WHERE a.sha256 = ? AND EXISTS (SELECT 1 FROM expected_attachments e"
            " JOIN applications p ON p.id = e.application_id"
            " WHERE e.sha256 = a.sha256 AND p.terminal_id = ?)",
            (sha256, terminal_id),
        )
        if not rows:
            return None
        length, received, complete = rows[0]
        return AttachmentProgress(sha256, int(length), int(received), bool(complete))

    def append_chunk(
        self, sha256: str, offset: int, data: bytes
    ) -> tuple[AttachmentProgress, bool]:
        """Append at ``offset`` if it is where we are; returns (progress, hash_ok).

        The offset check and the insert happen in one transaction, and the chunk's
        primary key (sha256, offset) makes a second copy of the same chunk impossible.
        """
        with self._tx() as conn:
            length, received, complete = conn.execute(
                "SELECT length, received, complete FROM attachments WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if complete or offset != received or offset + len(data) > length:
                # not where we are (a retry of a chunk that did arrive, or a gap): report only
                return AttachmentProgress(sha256, length, received, bool(complete)), True
            if data:
                conn.execute(
                    "INSERT INTO attachment_chunks(sha256, offset, data) VALUES (?, ?, ?)",
                    (sha256, offset, data),
                )
            received = offset + len(data)
            hash_ok = True
            if received == length:
                digest = hashlib.sha256()
                for (chunk,) in conn.execute(
                    "SELECT data FROM attachment_chunks WHERE sha256 = ? ORDER BY offset", (sha256,)
                ):
                    digest.update(chunk)
                if digest.hexdigest() == sha256:
                    conn.execute(
                        "UPDATE attachments SET received = ?, complete = 1, completed_at = ?"
                        " WHERE sha256 = ?",
                        (received, self._clock(), sha256),
                    )
                    return AttachmentProgress(sha256, length, received, True), True
                # The bytes do not match their name: start over rather than keep bad data.
                conn.execute("DELETE FROM attachment_chunks WHERE sha256 = ?", (sha256,))
                received, hash_ok = 0, False
            conn.execute("UPDATE attachments SET received = ? WHERE sha256 = ?", (received, sha256))
        return AttachmentProgress(sha256, length, received, False), hash_ok

    def attachment_bytes(self, sha256: str) -> bytes:
        rows = self._q(
            "SELECT data FROM attachment_chunks WHERE sha256 = ? ORDER BY offset", (sha256,)
        )
        return b"".join(bytes(r[0]) for r in rows)

    # --- statuses ----------------------------------------------------------------------------

    def set_status(
        self,
        number: str,
        status: PlatformStatus,
        reason: str = "",
        missing: list[str] | None = None,
        result_notice: str = "",
    ) -> None:
        """Record a decision; ``number`` must name exactly one application (see _resolve_number)."""
        with self._tx() as conn:
            app_id, terminal_id, number = self._resolve_number(conn, number)
            conn.execute(
                "UPDATE applications SET status = ?, status_reason = ? WHERE id = ?",
                (status.value, reason, app_id),
            )
            now = self._clock()
            clock = advance_clock(conn, app_id, status, now, self.calendar)
            conn.execute(
                "INSERT INTO status_events(application_id, terminal_id, number, status, reason,"
                " missing, result_notice, changed_at, accepted_on, due_on)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    app_id,
                    terminal_id,
                    number,
                    status.value,
                    reason,
                    json.dumps(missing or [], ensure_ascii=False),
                    result_notice,
                    now,
                    clock.accepted_on.isoformat() if clock.accepted_on else None,
                    clock.due_on.isoformat() if clock.due_on else None,
                ),
            )

    @staticmethod
    def _resolve_number(conn: sqlite3.Connection, typed: str) -> tuple[str, str, str]:
        """(id, terminal id, number) of the one application a typed number names.

        The number itself first (unique); else the provisional number a terminal printed
        before enrolment, which two unenrolled terminals may have shared: then it names no
        one for sure and is refused, as is a number nobody holds.
        """
        number = typed.strip().upper()
        rows = conn.execute(
            "SELECT id, terminal_id, number FROM applications WHERE number = ?", (number,)
        ).fetchall()
        if not rows:
            rows = conn.execute(
                "SELECT id, terminal_id, number FROM applications WHERE provisional_number = ?",
                (number,),
            ).fetchall()
        if not rows:
            raise CentralError(f"no application numbered {number}")
        if len(rows) > 1:
            raise CentralError(
                f"number {number} is ambiguous: {len(rows)} applications carry it "
                "(as a provisional number); use the current number instead"
            )
        return str(rows[0][0]), str(rows[0][1]), str(rows[0][2])

    def status_updates(self, terminal_id: str, cursor: int, limit: int) -> list[StatusUpdate]:
        rows = self._q(
            "SELECT seq, application_id, number, status, reason, missing, result_notice, changed_at,"
            " accepted_on, due_on"
            " FROM status_events WHERE terminal_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (terminal_id, cursor, limit),
        )
        return [
            StatusUpdate(
                seq=r[0],
                application_id=r[1],
                number=r[2],
                status=PlatformStatus(r[3]),
                reason=r[4],
                missing=json.loads(r[5]),
                result_notice=r[6],
                changed_at=r[7],
                accepted_on=r[8],
                due_on=r[9],
            )
            for r in rows
        ]

    # --- catalogue ---------------------------------------------------------------------------

    def upsert_catalogue(self, entries: list[CatalogueEntry]) -> None:
        """Publish items; each change gets a new sequence number so kiosks pull only changes."""
        with self._tx() as conn:
            for entry in entries:
                (top,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM catalogue").fetchone()
                conn.execute(
                    "INSERT INTO catalogue(code, version, state, item, seq) VALUES (?,?,?,?,?)"
                    " ON CONFLICT(code) DO UPDATE SET version = excluded.version,"
                    " state = excluded.state, item = excluded.item, seq = excluded.seq",
                    (
                        entry.code,
                        entry.version,
                        entry.state,
                        json.dumps(entry.item, ensure_ascii=False),
                        top + 1,
                    ),
                )

    def catalogue_page(self, cursor: int, limit: int) -> list[tuple[int, CatalogueEntry]]:
        rows = self._q(
            "SELECT seq, code, version, state, item FROM catalogue WHERE seq > ?"
            " ORDER BY seq LIMIT ?",
            (cursor, limit),
        )
        return [
            (r[0], CatalogueEntry(code=r[1], version=r[2], state=r[3], item=json.loads(r[4])))
            for r in rows
        ]

    def catalogue_codes(self) -> set[str]:
        return {r[0] for r in self._q("SELECT code FROM catalogue")}

    def seed_catalogue_if_empty(self) -> int:
        """Load the kiosk's sample catalogue so a fresh platform has something to serve."""
        if self._q("SELECT 1 FROM catalogue LIMIT 1"):
            return 0
        try:
            from kiosk.catalogue import item_to_dict, load_sample_catalogue

            items = load_sample_catalogue()
        except (FileNotFoundError, ModuleNotFoundError, ImportError):
            return 0
        self.upsert_catalogue(
            [
                CatalogueEntry(
                    code=i.code, version=i.version, state=i.state.value, item=item_to_dict(i)
                )
                for i in items
            ]
        )
        return len(items)

    # --- heartbeat and reports ---------------------------------------------------------------

    def record_heartbeat(self, terminal_id: str, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, ensure_ascii=False)
        now = self._clock()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO heartbeats(terminal_id, received_at, payload) VALUES (?,?,?)",
                (terminal_id, now, text),
            )
            conn.execute(
                "UPDATE terminals SET last_heartbeat = ? WHERE terminal_id = ?", (text, terminal_id)
            )

    def applications(self) -> list[dict[str, Any]]:
        """What arrived, for ``kiosk central applications --json`` (operator view: full data)."""
        out: list[dict[str, Any]] = []
        for r in self._q(
            "SELECT id, number, service_code, service_version, payload, status, status_reason,"
            " terminal_id, received_at, provisional_number FROM applications"
            " ORDER BY received_at, id"
        ):
            payload = json.loads(r[4])
            atts = self._q(
                "SELECT e.sha256, e.size, e.name, a.received, a.complete"
                " FROM expected_attachments e JOIN attachments a ON a.sha256 = e.sha256"
                " WHERE e.application_id = ? ORDER BY e.sha256",
                (r[0],),
            )
            out.append(
                {
                    "id": r[0],
                    "number": r[1],
                    "service_code": r[2],
                    "service_version": r[3],
                    "applicant_name": payload["applicant"]["name"],
                    "applicant_id_number": payload["applicant"]["id_number"],
                    "form": payload["form"],
                    "attachments": [
                        {
                            "sha256": a[0],
                            "expected_bytes": a[1],
                            "name": a[2],
                            "received_bytes": a[3],
                            "complete": bool(a[4]),
                        }
                        for a in atts
                    ],
                    "attachment_hashes": [a[0] for a in atts],
                    "status": r[5],
                    "status_reason": r[6],
                    "terminal_id": r[7],
                    "received_at": r[8],
                    "provisional_number": r[9],
                }
            )
        return out

    def items(self, kind: ItemKind) -> list[dict[str, Any]]:
        table = _TABLES[kind]
        return [
            {"id": r[0], "content_hash": r[1], "terminal_id": r[2], **json.loads(r[3])}
            for r in self._q(
                f"SELECT id, content_hash, terminal_id, payload FROM {table} ORDER BY id"  # noqa: S608
            )
        ]

    def conflicts(self) -> list[dict[str, Any]]:
        return [
            {"kind": r[0], "id": r[1], "content_hash": r[2], "terminal_id": r[3]}
            for r in self._q("SELECT kind, id, content_hash, terminal_id FROM conflicts")
        ]
