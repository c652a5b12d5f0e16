"""The reference platform's database: SQLite (embedded default) or PostgreSQL (production).

Idempotency is enforced by the database, not by a check in Python: each upload is an
``INSERT … ON CONFLICT DO NOTHING`` into a table whose primary key is the kiosk-minted
id, and "no row inserted" is what tells us "seen before". Two requests racing with the
same id — two threads, or two server workers on PostgreSQL — can therefore never both be
stored (check-then-insert would let them). Same id with the same content hash is a
duplicate (success for the kiosk); a different hash is a conflict, kept in its own table
for an operator to look at, never merged.

One API for both engines: the SQL below is written in the subset they share and runs
through :mod:`central.dialect`; the schema is built by :mod:`central.migrations`.

At rest (issue 11, item 5): the SQLite file and its WAL are 0600; terminal secrets and
every payload (applicants' names, ID numbers, phones, addresses, form answers, request
contacts) and attachment bytes are encrypted under the platform key
(:mod:`central.crypto`), each bound to its row. Only hashes, numbers, codes, statuses and
times stay in clear, which is what the platform's own queries need.

Uploads (issue 11, item 3): the state of an attachment upload belongs to the terminal
that declared it in one of its applications, keyed by (terminal, sha256); no other
terminal can read, block or reset it. Completed bytes are stored once per hash.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from central import migrations as schema
from central.crypto import KEY_ID_META, PlatformCipher, PlatformKeyError, default_key_file, load_key
from central.deadlines import advance_clock
from central.dialect import Backend, Tx, is_postgres, open_backend, redact
from central.migrations import (
    DEFAULT_ENROL_CODE_HOURS,
    MigrationError,
    blob_context,
    chunk_context,
    conflict_context,
    payload_context,
    secret_context,
)
from kiosk.workdays import shipped_calendar
from sync.protocol import (
    ApplicationUpload,
    BookingUpload,
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

NONCE_TTL_S = 900
"""Nonces are remembered longer than the allowed clock skew on either side (2 × 300 s)."""

HEARTBEAT_RAW_DAYS = 21
"""Raw heartbeats are kept three weeks (issue 12: 14–30 days), then only hourly aggregates."""
HOURLY_KEEP_DAYS = 400
"""Hourly heartbeat aggregates are kept about thirteen months (a year-on-year comparison)."""

__all__ = ["DEFAULT_ENROL_CODE_HOURS", "CentralDB", "CentralError", "Terminal"]

_ENCRYPTING_STEP = "0005_private_uploads_encrypted_at_rest"

migrations = schema
"""The schema steps (``central.migrations``); ``migrations.apply(backend, cipher, …)``."""


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
    ItemKind.BOOKING: "bookings",
    ItemKind.HOME_VISIT: "bookings",
}


class CentralDB:
    """All platform state; thread-safe. ``db``: a SQLite path or a ``postgresql://`` URL.

    ``key_file``: the platform key (default: beside a SQLite file, ``NAME.key``; required
    for PostgreSQL). ``pool_size``: PostgreSQL connections of this process.
    """

    def __init__(
        self,
        db: str | Path,
        *,
        key_file: Path | None = None,
        clock: Any = time.time,
        pool_size: int = 10,
    ) -> None:
        self.spec = str(db)
        self.engine = "postgresql" if is_postgres(db) else "sqlite"
        self.path: Path | None = None if self.engine == "postgresql" else Path(db)
        if key_file is None:
            if self.path is None:
                raise CentralError(
                    "a PostgreSQL platform database needs --key-file (the platform key that "
                    "encrypts terminal secrets and personal data)"
                )
            key_file = default_key_file(self.path)
        self.key_file = key_file
        self._clock = clock
        self.calendar = shipped_calendar()  # the kiosks' working-day calendar, for 办结期限
        try:
            self.backend: Backend = open_backend(db, pool_size=pool_size)
        except Exception as exc:
            if self.engine == "postgresql":
                raise CentralError(
                    f"cannot connect to {redact(db)}: {str(exc).strip().splitlines()[0]}"
                ) from None
            raise
        try:
            self.cipher: PlatformCipher = load_key(key_file, recorded_key_id=self._recorded_key())
            done = schema.apply(self.backend, self.cipher)
            with self.backend.transaction() as tx:
                tx.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (KEY_ID_META, self.cipher.key_id),
                )
            self.backend.after_migrations(
                rewrote_plaintext=_ENCRYPTING_STEP in done and "0001_initial" not in done
            )
        except (PlatformKeyError, MigrationError) as exc:
            self.backend.close()
            raise CentralError(str(exc)) from None
        except BaseException:
            self.backend.close()
            raise

    def _recorded_key(self) -> str | None:
        if not self.backend.table_exists("meta"):
            return None
        rows = self.backend.query("SELECT value FROM meta WHERE key = ?", (KEY_ID_META,))
        return str(rows[0][0]) if rows else None

    def close(self) -> None:
        self.backend.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """A read in the engines' shared SQL (``?`` placeholders), for tests and tools."""
        return self.backend.query(sql, params)

    def _q(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.backend.query(sql, params)

    def now(self) -> float:
        """The platform's clock (seconds since the epoch); a test's movable clock if given."""
        return float(self._clock())

    # --- terminals ---------------------------------------------------------------------------

    def new_enrol_code(
        self, region_code: str | None = None, valid_hours: float = DEFAULT_ENROL_CODE_HOURS
    ) -> str:
        """A one-time code that expires ``valid_hours`` after issue (a lost code stops working)."""
        code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
        now = self._clock()
        with self.backend.transaction() as tx:
            tx.execute(
                "INSERT INTO enrol_codes(code, region_code, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (self.enrol_code_key(code), region_code, now, now + valid_hours * 3600),
            )
        return code  # shown once to whoever issued it; the database keeps only its hash

    def enrol_code_key(self, code: str) -> str:
        """The row key of ``code`` in ``enrol_codes`` (its keyed hash; see the migrations)."""
        return schema.enrol_code_key(self.cipher, code)

    def enrol(
        self, code: str, region_code: str, station_name: str, kiosk_version: str, secret: str
    ) -> Terminal | None:
        """Use a one-time code; None if unknown, used, expired or bound to another region.

        The code is claimed by one conditional ``UPDATE``: of two workers enrolling with
        the same code at once, exactly one sees its row change.
        """
        now = self._clock()
        typed = self.enrol_code_key(code)
        terminal_id = "T" + secrets.token_hex(8)
        with self.backend.transaction() as tx:
            claimed = tx.execute(
                "UPDATE enrol_codes SET used_at = ?, terminal_id = ? WHERE code = ?"
                " AND used_at IS NULL AND expires_at > ? AND (region_code IS NULL"
                " OR region_code = '' OR region_code = ?)",
                (now, terminal_id, typed, now, region_code),
            ).rowcount
            if claimed != 1:
                return None
            sealed = self.cipher.seal(secret, secret_context(terminal_id))
            while True:
                terminal_code = f"{secrets.randbelow(900000) + 100000:06d}"
                inserted = tx.execute(
                    "INSERT INTO terminals(terminal_id, terminal_code, secret, region_code,"
                    " station_name, kiosk_version, enrolled_at) VALUES (?,?,?,?,?,?,?)"
                    " ON CONFLICT DO NOTHING",
                    (
                        terminal_id,
                        terminal_code,
                        sealed,
                        region_code,
                        station_name,
                        kiosk_version,
                        now,
                    ),
                ).rowcount
                if inserted == 1:
                    break  # else a terminal code collision: draw another
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
        secret = self.cipher.open(r[2], secret_context(r[0]))
        return Terminal(r[0], r[1], secret, revoked=r[3] is not None)

    def revoke(self, terminal_id: str) -> None:
        with self.backend.transaction() as tx:
            known = tx.execute(
                "SELECT 1 FROM terminals WHERE terminal_id = ?", (terminal_id,)
            ).fetchone()
            if known is None:
                raise CentralError(f"unknown terminal {terminal_id}")
            tx.execute(
                "UPDATE terminals SET revoked_at = ? WHERE terminal_id = ? AND revoked_at IS NULL",
                (self._clock(), terminal_id),
            )

    def use_nonce(self, terminal_id: str, nonce: str) -> bool:
        """Remember a nonce; False if this terminal already used it (a replay)."""
        now = self._clock()
        with self.backend.transaction() as tx:
            tx.execute("DELETE FROM nonces WHERE seen_at < ?", (now - NONCE_TTL_S,))
            fresh = tx.execute(
                "INSERT INTO nonces(terminal_id, nonce, seen_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (terminal_id, nonce, now),
            ).rowcount
            if fresh != 1:
                return False
            tx.execute(
                "UPDATE terminals SET last_seen = ? WHERE terminal_id = ?", (now, terminal_id)
            )
        return True

    # --- uploads -----------------------------------------------------------------------------

    def store_item(
        self,
        terminal_id: str,
        kind: ItemKind,
        item: ApplicationUpload | RatingUpload | RequestUpload | BookingUpload,
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
        sealed = self.cipher.seal(payload, payload_context(table, item.id))
        with self.backend.transaction() as tx:
            if self._insert(tx, terminal_id, kind, item, digest, sealed, now):
                return ItemResult(
                    kind=kind, id=item.id, outcome=Outcome.ACCEPTED, content_hash=digest
                )
            row = tx.execute(
                f"SELECT content_hash FROM {table} WHERE id = ?",  # noqa: S608
                (item.id,),
            ).fetchone()
            if row is None and isinstance(item, ApplicationUpload):
                if not self._own_number(tx, terminal_id, item):
                    reason = FOREIGN_CODE_REASON
                else:  # not this id: the unique number index refused another's number
                    reason = NUMBER_TAKEN_REASON
                return ItemResult(kind=kind, id=item.id, outcome=Outcome.REJECTED, reason=reason)
            if row is not None and row[0] == digest:
                return ItemResult(
                    kind=kind, id=item.id, outcome=Outcome.DUPLICATE, content_hash=digest
                )
            tx.execute(
                "INSERT INTO conflicts(kind, id, content_hash, terminal_id, payload,"
                " received_at) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                (
                    kind.value,
                    item.id,
                    digest,
                    terminal_id,
                    self.cipher.seal(payload, conflict_context(kind.value, item.id, digest)),
                    now,
                ),
            )
        return ItemResult(
            kind=kind,
            id=item.id,
            outcome=Outcome.CONFLICT,
            reason="同一编号的申请内容不一致，已隔离待人工核查",
            content_hash=digest,
        )

    @staticmethod
    def _own_number(tx: Tx, terminal_id: str, item: ApplicationUpload) -> bool:
        code = tx.execute(
            "SELECT terminal_code FROM terminals WHERE terminal_id = ?", (terminal_id,)
        ).fetchone()
        return code is not None and item.number[:6] == code[0]

    def _insert(  # noqa: PLR0917
        self,
        tx: Tx,
        terminal_id: str,
        kind: ItemKind,
        item: ApplicationUpload | RatingUpload | RequestUpload | BookingUpload,
        digest: str,
        sealed: str,
        now: float,
    ) -> bool:
        """True if the row was new; False if a key (id, or an application's number) refused it."""
        if not isinstance(item, ApplicationUpload):
            table = _TABLES[kind]
            return (
                tx.execute(
                    f"INSERT INTO {table}(id, content_hash, terminal_id, payload, received_at)"  # noqa: S608
                    " VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
                    (item.id, digest, terminal_id, sealed, now),
                ).rowcount
                == 1
            )
        if not self._own_number(tx, terminal_id, item):
            return False
        inserted = tx.execute(
            "INSERT INTO applications(id, content_hash, terminal_id, number, service_code,"
            " service_version, payload, received_at, provisional_number, supersedes)"
            " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            (
                item.id,
                digest,
                terminal_id,
                item.number,
                item.service_code,
                item.service_version,
                sealed,
                now,
                item.provisional_number,
                item.supersedes,
            ),
        ).rowcount
        if inserted != 1:
            return False
        tx.executemany(
            "INSERT INTO expected_attachments(application_id, sha256, size, name, media_type)"
            " VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
            [(item.id, a.sha256, a.size, a.filename, a.mime_type) for a in item.attachments],
        )
        tx.executemany(
            "INSERT INTO uploads(terminal_id, sha256, length) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(terminal_id, a.sha256, a.size) for a in item.attachments],
        )
        return True

    # --- attachments -------------------------------------------------------------------------

    def attachment_progress(self, terminal_id: str, sha256: str) -> AttachmentProgress | None:
        """This terminal's upload of a hash it declared; None if it declared no such hash."""
        rows = self._q(
            "SELECT length, received, complete FROM uploads WHERE terminal_id = ? AND sha256 = ?",
            (terminal_id, sha256),
        )
        if not rows:
            return None
        length, received, complete = rows[0]
        return AttachmentProgress(sha256, int(length), int(received), bool(complete))

    def append_chunk(
        self, terminal_id: str, sha256: str, offset: int, data: bytes
    ) -> tuple[AttachmentProgress, bool]:
        """Append at ``offset`` to this terminal's upload; returns (progress, hash_ok).

        The upload row is locked for the transaction (PostgreSQL ``FOR UPDATE``; SQLite's
        write lock), so the offset check and the insert are one step even with several
        workers, and the chunk's key makes a second copy of the same chunk impossible.
        Raises KeyError for an upload this terminal never declared.
        """
        with self.backend.transaction() as tx:
            select = "SELECT length, received, complete FROM uploads WHERE terminal_id = ? AND sha256 = ?"
            if tx.for_update:
                select += " FOR UPDATE"
            row = tx.execute(select, (terminal_id, sha256)).fetchone()
            if row is None:
                raise KeyError(sha256)
            length, received, complete = int(row[0]), int(row[1]), bool(row[2])
            if complete or offset != received or offset + len(data) > length:
                # not where we are (a retry of a chunk that did arrive, or a gap): report only
                return AttachmentProgress(sha256, length, received, complete), True
            if data:
                tx.execute(
                    "INSERT INTO upload_chunks(terminal_id, sha256, pos, data) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (
                        terminal_id,
                        sha256,
                        offset,
                        self.cipher.seal_bytes(data, chunk_context(terminal_id, sha256, offset)),
                    ),
                )
            received = offset + len(data)
            hash_ok = True
            if received == length:
                content = self._assembled(tx, terminal_id, sha256)
                tx.execute(
                    "DELETE FROM upload_chunks WHERE terminal_id = ? AND sha256 = ?",
                    (terminal_id, sha256),
                )
                if hashlib.sha256(content).hexdigest() == sha256:
                    tx.execute(
                        "INSERT INTO blobs(sha256, data) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        (sha256, self.cipher.seal_bytes(content, blob_context(sha256))),
                    )
                    tx.execute(
                        "UPDATE uploads SET received = ?, complete = 1, completed_at = ?"
                        " WHERE terminal_id = ? AND sha256 = ?",
                        (received, self._clock(), terminal_id, sha256),
                    )
                    return AttachmentProgress(sha256, length, received, True), True
                # The bytes do not match their name: start over rather than keep bad data.
                received, hash_ok = 0, False
            tx.execute(
                "UPDATE uploads SET received = ? WHERE terminal_id = ? AND sha256 = ?",
                (received, terminal_id, sha256),
            )
        return AttachmentProgress(sha256, length, received, False), hash_ok

    def _assembled(self, tx: Tx, terminal_id: str, sha256: str) -> bytes:
        return b"".join(
            self.cipher.open_bytes(chunk, chunk_context(terminal_id, sha256, int(pos)))
            for pos, chunk in tx.execute(
                "SELECT pos, data FROM upload_chunks WHERE terminal_id = ? AND sha256 = ?"
                " ORDER BY pos",
                (terminal_id, sha256),
            ).fetchall()
        )

    def attachment_bytes(self, sha256: str) -> bytes:
        """The verified content of a hash (empty until some terminal completed it)."""
        rows = self._q("SELECT data FROM blobs WHERE sha256 = ?", (sha256,))
        return self.cipher.open_bytes(rows[0][0], blob_context(sha256)) if rows else b""

    # --- statuses ----------------------------------------------------------------------------

    def set_status(
        self,
        number: str,
        status: PlatformStatus,
        reason: str = "",
        missing: list[str] | None = None,
        result_notice: str = "",
    ) -> None:
        """Record a status without the clerk's rules (tests, the demo's auto-accept).

        ``number`` must name exactly one application (see resolve_number). Operators decide
        through :func:`central.decisions.decide` (``kiosk central set-status`` and the web
        console), which checks the move and its reasons and then records it here.
        """
        with self.backend.transaction(serialise="status_events") as tx:
            app_id, terminal_id, number = self.resolve_number(tx, number)
            self.record_status(
                tx, app_id, terminal_id, number, status, reason, missing or [], result_notice
            )

    def record_status(  # noqa: PLR0917
        self,
        tx: Tx,
        app_id: str,
        terminal_id: str,
        number: str,
        status: PlatformStatus,
        reason: str,
        missing: list[str],
        result_notice: str,
        *,
        actor: str = "",
        from_state: str = "",
    ) -> None:
        """Store one decision inside the caller's transaction: the application's state, its
        clock (:mod:`central.deadlines`) and the event the terminal pulls (``status_events``)."""
        now = self._clock()
        tx.execute(
            "UPDATE applications SET status = ?, status_reason = ?, status_changed_at = ?"
            " WHERE id = ?",
            (status.value, reason, now, app_id),
        )
        clock = advance_clock(tx, app_id, status, now, self.calendar)
        tx.execute(
            "INSERT INTO status_events(application_id, terminal_id, number, status, reason,"
            " missing, result_notice, changed_at, accepted_on, due_on, actor, from_state)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                app_id,
                terminal_id,
                number,
                status.value,
                reason,
                json.dumps(missing, ensure_ascii=False),
                result_notice,
                now,
                clock.accepted_on.isoformat() if clock.accepted_on else None,
                clock.due_on.isoformat() if clock.due_on else None,
                actor,
                from_state,
            ),
        )

    @staticmethod
    def resolve_number(tx: Tx, typed: str) -> tuple[str, str, str]:
        """(id, terminal id, number) of the one application a typed number names.

        The number itself first (unique); else the provisional number a terminal printed
        before enrolment, which two unenrolled terminals may have shared: then it names no
        one for sure and is refused, as is a number nobody holds.
        """
        number = typed.strip().upper()
        rows = tx.execute(
            "SELECT id, terminal_id, number FROM applications WHERE number = ?", (number,)
        ).fetchall()
        if not rows:
            rows = tx.execute(
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
            " accepted_on, due_on, reopened, materials_received"
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
                reopened=bool(r[10]),
                materials_received=json.loads(r[11]) if r[11] is not None else None,
            )
            for r in rows
        ]

    # --- catalogue ---------------------------------------------------------------------------

    def upsert_catalogue(self, entries: list[CatalogueEntry]) -> None:
        """Publish items; each change gets a new sequence number so kiosks pull only changes."""
        with self.backend.transaction(serialise="catalogue") as tx:
            for entry in entries:
                (top,) = tx.execute("SELECT COALESCE(MAX(seq), 0) FROM catalogue").fetchone()
                tx.execute(
                    "INSERT INTO catalogue(code, version, state, item, seq) VALUES (?,?,?,?,?)"
                    " ON CONFLICT(code) DO UPDATE SET version = excluded.version,"
                    " state = excluded.state, item = excluded.item, seq = excluded.seq",
                    (
                        entry.code,
                        entry.version,
                        entry.state,
                        json.dumps(entry.item, ensure_ascii=False),
                        int(top) + 1,
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
        """Keep a heartbeat four ways (issue 12 item 1), in one transaction.

        The raw row (purged after ``HEARTBEAT_RAW_DAYS``), the terminal's one current-status
        row (what the console lists), this hour's aggregate (kept ``HOURLY_KEEP_DAYS``: the
        online/offline chart and trends) and an event for each watched field that changed
        (version, devices, settings), never one per beat. The purge rides on the insert: two
        indexed range deletes that find nothing almost every time.
        """
        text = json.dumps(payload, ensure_ascii=False)
        now = self._clock()
        devices = payload.get("device_health") or {}
        versions = payload.get("versions") or {}
        current = {
            "kiosk_version": str(payload.get("kiosk_version") or versions.get("kiosk") or ""),
            "os": str(payload.get("os") or ""),
            "card_reader": str(devices.get("card_reader", "")),
            "printer": str(devices.get("printer", "")),
            "camera": str(devices.get("camera", "")),
            "settings_revision": str(payload.get("settings_revision") or ""),
        }
        queue = int(payload.get("queue_depth") or 0)
        disk = payload.get("free_disk_bytes")
        terminal_time = payload.get("terminal_time")
        skew = float(terminal_time) - now if terminal_time is not None else None
        with self.backend.transaction() as tx:
            tx.execute(
                "INSERT INTO heartbeats(terminal_id, received_at, payload) VALUES (?,?,?)",
                (terminal_id, now, text),
            )
            tx.execute(
                "UPDATE terminals SET last_heartbeat = ? WHERE terminal_id = ?", (text, terminal_id)
            )
            previous = tx.execute(
                "SELECT kiosk_version, os, card_reader, printer, camera, settings_revision"
                " FROM terminal_status WHERE terminal_id = ?",
                (terminal_id,),
            ).fetchone()
            if previous is not None:
                for (name, new_value), old_value in zip(current.items(), previous, strict=True):
                    if new_value != (old_value or ""):
                        tx.execute(
                            "INSERT INTO terminal_events(terminal_id, at, field, old_value,"
                            " new_value) VALUES (?,?,?,?,?)",
                            (terminal_id, now, name, old_value or "", new_value),
                        )
            tx.execute(
                "INSERT INTO terminal_status(terminal_id, received_at, kiosk_version, os,"
                " uptime_s, queue_depth, oldest_unsent_age_s, quarantined, card_reader, printer,"
                " camera, free_disk_bytes, clock_skew_s, last_sync_success, settings_revision)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(terminal_id) DO UPDATE SET"
                " received_at = excluded.received_at, kiosk_version = excluded.kiosk_version,"
                " os = excluded.os, uptime_s = excluded.uptime_s,"
                " queue_depth = excluded.queue_depth,"
                " oldest_unsent_age_s = excluded.oldest_unsent_age_s,"
                " quarantined = excluded.quarantined, card_reader = excluded.card_reader,"
                " printer = excluded.printer, camera = excluded.camera,"
                " free_disk_bytes = excluded.free_disk_bytes,"
                " clock_skew_s = excluded.clock_skew_s,"
                " last_sync_success = excluded.last_sync_success,"
                " settings_revision = excluded.settings_revision",
                (
                    terminal_id,
                    now,
                    current["kiosk_version"],
                    current["os"],
                    payload.get("uptime_s"),
                    queue,
                    payload.get("oldest_unsent_age_s"),
                    int(payload.get("quarantined") or 0),
                    current["card_reader"],
                    current["printer"],
                    current["camera"],
                    int(disk) if disk is not None else None,
                    skew,
                    payload.get("last_sync_success"),
                    current["settings_revision"],
                ),
            )
            tx.execute(
                "INSERT INTO heartbeat_hourly(terminal_id, hour, beats, queue_min, queue_max,"
                " queue_sum, disk_min, skew_max) VALUES (?,?,1,?,?,?,?,?)"
                " ON CONFLICT(terminal_id, hour) DO UPDATE SET"
                " beats = heartbeat_hourly.beats + 1,"
                " queue_min = CASE WHEN excluded.queue_min < heartbeat_hourly.queue_min"
                " THEN excluded.queue_min ELSE heartbeat_hourly.queue_min END,"
                " queue_max = CASE WHEN excluded.queue_max > heartbeat_hourly.queue_max"
                " THEN excluded.queue_max ELSE heartbeat_hourly.queue_max END,"
                " queue_sum = heartbeat_hourly.queue_sum + excluded.queue_sum,"
                " disk_min = CASE WHEN heartbeat_hourly.disk_min IS NULL"
                " OR excluded.disk_min < heartbeat_hourly.disk_min"
                " THEN excluded.disk_min ELSE heartbeat_hourly.disk_min END,"
                " skew_max = CASE WHEN heartbeat_hourly.skew_max IS NULL"
                " OR ABS(excluded.skew_max) > ABS(heartbeat_hourly.skew_max)"
                " THEN excluded.skew_max ELSE heartbeat_hourly.skew_max END",
                (
                    terminal_id,
                    int(now // 3600),
                    queue,
                    queue,
                    queue,
                    int(disk) if disk is not None else None,
                    skew,
                ),
            )
            tx.execute(
                "DELETE FROM heartbeats WHERE received_at < ?",
                (now - HEARTBEAT_RAW_DAYS * 86400,),
            )
            tx.execute(
                "DELETE FROM heartbeat_hourly WHERE hour < ?",
                (int((now - HOURLY_KEEP_DAYS * 86400) // 3600),),
            )

    def fleet(self) -> list[dict[str, Any]]:
        """Every terminal with its current status (None fields before its first heartbeat)."""
        keys = (
            "terminal_id", "terminal_code", "region_code", "station_name", "enrolled_at",
            "revoked_at", "last_seen", "received_at", "kiosk_version", "os", "uptime_s",
            "queue_depth", "oldest_unsent_age_s", "quarantined", "card_reader", "printer",
            "camera", "free_disk_bytes", "clock_skew_s", "last_sync_success",
            "settings_revision",
        )  # fmt: skip
        rows = self._q(
            "SELECT t.terminal_id, t.terminal_code, t.region_code, t.station_name,"
            " t.enrolled_at, t.revoked_at, t.last_seen, s.received_at,"
            " COALESCE(s.kiosk_version, t.kiosk_version), s.os, s.uptime_s, s.queue_depth,"
            " s.oldest_unsent_age_s, s.quarantined, s.card_reader, s.printer, s.camera,"
            " s.free_disk_bytes, s.clock_skew_s, s.last_sync_success, s.settings_revision"
            " FROM terminals t LEFT JOIN terminal_status s ON s.terminal_id = t.terminal_id"
            " ORDER BY t.terminal_code"
        )
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def heartbeat_hours(self, terminal_id: str, since: float) -> list[tuple[int, int, int, int]]:
        """(hour, beats, queue_max, queue average) of a terminal's hours since ``since``."""
        rows = self._q(
            "SELECT hour, beats, queue_max, queue_sum FROM heartbeat_hourly"
            " WHERE terminal_id = ? AND hour >= ? ORDER BY hour",
            (terminal_id, int(since // 3600)),
        )
        return [(int(h), int(b), int(m), int(q) // max(1, int(b))) for h, b, m, q in rows]

    def terminal_events(self, terminal_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """What changed on a terminal (version, devices, settings, revocation), newest first."""
        rows = self._q(
            "SELECT at, field, old_value, new_value FROM terminal_events WHERE terminal_id = ?"
            " ORDER BY at DESC, id DESC LIMIT ?",
            (terminal_id, limit),
        )
        return [{"at": r[0], "field": r[1], "old": r[2], "new": r[3]} for r in rows]

    def stored_content(self, kind: ItemKind, item_id: str) -> tuple[str, dict[str, Any]] | None:
        """(content hash, decrypted payload) of one stored item, for checks and tools."""
        table = _TABLES[kind]
        rows = self._q(
            f"SELECT content_hash, payload FROM {table} WHERE id = ?",  # noqa: S608
            (item_id,),
        )
        if not rows:
            return None
        payload = json.loads(self.cipher.open(rows[0][1], payload_context(table, item_id)))
        return str(rows[0][0]), payload

    def applications(self) -> list[dict[str, Any]]:
        """What arrived, for ``kiosk central applications --json`` (operator view: full data)."""
        out: list[dict[str, Any]] = []
        for r in self._q(
            "SELECT id, number, service_code, service_version, payload, status, status_reason,"
            " terminal_id, received_at, provisional_number FROM applications"
            " ORDER BY received_at, id"
        ):
            payload = json.loads(self.cipher.open(r[4], payload_context("applications", r[0])))
            atts = self._q(
                "SELECT e.sha256, e.size, e.name, u.received, u.complete"
                " FROM expected_attachments e JOIN uploads u"
                " ON u.sha256 = e.sha256 AND u.terminal_id = ?"
                " WHERE e.application_id = ? ORDER BY e.sha256",
                (r[7], r[0]),
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
                            "received_bytes": int(a[3]),
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
                    # Each material's state at filing (promised ones with due_on) and the
                    # 告知承诺书; absent from applications filed before issue 13.
                    "materials": payload.get("materials", []),
                    "commitment": payload.get("commitment"),
                }
            )
        return out

    def items(self, kind: ItemKind) -> list[dict[str, Any]]:
        table = _TABLES[kind]
        return [
            {
                "id": r[0],
                "content_hash": r[1],
                "terminal_id": r[2],
                **json.loads(self.cipher.open(r[3], payload_context(table, r[0]))),
            }
            for r in self._q(
                f"SELECT id, content_hash, terminal_id, payload FROM {table} ORDER BY id"  # noqa: S608
            )
        ]

    def conflicts(self) -> list[dict[str, Any]]:
        return [
            {"kind": r[0], "id": r[1], "content_hash": r[2], "terminal_id": r[3]}
            for r in self._q("SELECT kind, id, content_hash, terminal_id FROM conflicts")
        ]
