"""The outbox: what still has to reach the platform, and the leases of sync rounds.

Only undelivered items have a row here (a delivered item's row is deleted in
the same transaction that records the delivery), so claiming the next batch
costs the same with 0 or 100,000 past applications: the ``outbox_due`` index
covers exactly the rows that matter.

A claim takes a *lease*: if the sync process dies mid-round, the lease expires
and the next round claims the items again. Resending is harmless because the
platform is idempotent on (id, content hash) — sync contract rules 1 and 4.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kiosk.errors import InvalidTransition, KioskError, StoreError
from kiosk.materials import MaterialState, mark_received
from kiosk.states import ApplicationState, DeliveryState, check_reopen, check_transition
from kiosk.store.store import Store, _now_iso, move_state

UNDECRYPTABLE_REASON = "数据无法解密"
"""The quarantine reason of an item whose stored personal data fails authentication.

A contract: staff see it in ``kiosk queue`` and the console, and ``kiosk doctor``
counts quarantined items by it.
"""

UNDECRYPTABLE_ATTACHMENT_REASON = "附件数据无法解密"
"""The same for an application whose attachment file is missing or fails authentication."""


class UnreadableRowError(KioskError):
    """One stored item cannot be read back (decryption failed, file missing): quarantine it alone."""


class OutboxKind(StrEnum):
    APPLICATION = "application"
    ATTACHMENTS = "attachments"  # the application was acknowledged; its files are still uploading
    RATING = "rating"
    REQUEST = "request"
    BOOKING = "booking"  # a window slot booked (issue 13 item 4)
    HOME_VISIT = "home_visit"  # a home visit requested (issue 13 item 4)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    item_id: str
    kind: OutboxKind
    attempts: int
    last_error: str


@dataclass(frozen=True, slots=True)
class PendingAttachment:
    application_id: str
    sha256: str
    size: int
    mime_type: str


@dataclass(frozen=True, slots=True)
class QueueStats:
    depth: int
    oldest_seq_created_at: dt.datetime | None
    quarantined: int
    unreadable: int = 0  # quarantined because their data cannot be decrypted


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def claim(self, kind: OutboxKind, limit: int, now: float, lease_s: float) -> list[OutboxEntry]:
        """Lease up to ``limit`` due items of one kind, oldest first.

        A fixed number of statements per batch, not per item (one SELECT, one UPDATE of
        the leases, one of the shown states): the claim/ack path of issue 16, goal 4.
        """
        with self.conn.write() as c:
            rows = c.execute(
                "SELECT item_id, attempts, last_error FROM outbox WHERE kind = ? "
                "AND next_attempt_at <= ? AND lease_until <= ? ORDER BY seq LIMIT ?",
                (kind.value, now, now, limit),
            ).fetchall()
            ids = [row[0] for row in rows]
            for chunk in _chunks(ids):
                marks = _marks(chunk)
                c.execute(
                    f"UPDATE outbox SET lease_until = ? WHERE item_id IN ({marks})",  # noqa: S608 - marks
                    (now + lease_s, *chunk),
                )
                self._mark_sending(c, kind, chunk)
        return [OutboxEntry(r[0], kind, int(r[1]), r[2]) for r in rows]

    def _mark_sending(self, c: sqlite3.Connection, kind: OutboxKind, ids: list[str]) -> None:
        """Show claimed items as being sent; only those still queued move (never a delivered one)."""
        marks = _marks(ids)
        if kind is OutboxKind.APPLICATION:
            # queued -> sending is a legal move (checked once here, as move_state would per row);
            # sending is not a delivered state, so delivered_at stays as it is.
            check_transition(ApplicationState.QUEUED, ApplicationState.SENDING)
            c.execute(
                "UPDATE applications SET state = ?, state_reason = '', state_changed_at = ? "  # noqa: S608 - marks
                f"WHERE state = ? AND id IN ({marks})",
                (
                    ApplicationState.SENDING.value,
                    _now_iso(None),
                    ApplicationState.QUEUED.value,
                    *ids,
                ),
            )
        elif kind in _SMALL_KINDS:
            table = _table(kind)
            c.execute(
                f"UPDATE {table} SET state = ? WHERE state = ? AND id IN ({marks})",  # noqa: S608 - fixed names
                (DeliveryState.SENDING.value, DeliveryState.QUEUED.value, *ids),
            )

    def payload(self, entry: OutboxEntry) -> dict[str, Any]:
        """The item as the platform receives it (decrypted in memory only).

        Raises :class:`UnreadableRowError` when the row's encrypted data cannot be read,
        so the caller quarantines this item and the others keep flowing.
        """
        try:
            return self._payload(entry)
        except StoreError as exc:
            raise UnreadableRowError(f"{entry.kind.value} {entry.item_id}") from exc

    def attachment_content(self, sha256: str) -> bytes:
        """An attachment's plaintext, or :class:`UnreadableRowError` (missing or damaged file)."""
        try:
            return self.store.attachment_content(sha256)
        except (StoreError, FileNotFoundError) as exc:
            raise UnreadableRowError(f"attachment {sha256[:12]}") from exc

    def _payload(self, entry: OutboxEntry) -> dict[str, Any]:
        if entry.kind in (OutboxKind.APPLICATION, OutboxKind.ATTACHMENTS):
            application = self.store.application(entry.item_id)
            if application is None:
                raise KeyError(entry.item_id)
            content = application.upload_content()
            content["content_hash"] = application.content_hash()
            return content
        if entry.kind is OutboxKind.RATING:
            rows = self.conn.query("SELECT * FROM ratings WHERE id = ?", (entry.item_id,))
            if not rows:
                raise KeyError(entry.item_id)
            r = rows[0]
            return {
                "id": r["id"],
                "application_number": r["application_number"],
                "level": int(r["level"]),
                "reason": r["reason"],
                "created_at": r["created_at"],
            }
        if entry.kind in (OutboxKind.BOOKING, OutboxKind.HOME_VISIT):
            from kiosk.store.booking_queries import upload_payload

            return upload_payload(self.store, entry.item_id)
        request = self.store.request(entry.item_id)
        if request is None:
            raise KeyError(entry.item_id)
        return {
            "id": request.id,
            "kind": request.kind.value,
            "content": request.content,
            "name": request.name,
            "phone": request.phone,
            "id_number": request.id_number,
            "created_at": request.created_at.isoformat(),
        }

    def acknowledged(self, entry: OutboxEntry, now: dt.datetime | None = None) -> None:
        """The platform confirmed the item (accepted or duplicate of the same content)."""
        self.acknowledged_many([entry], now)

    def acknowledged_many(self, entries: list[OutboxEntry], now: dt.datetime | None = None) -> None:
        """The platform confirmed these items: one transaction, a few statements per batch.

        Each application moves straight to where the acknowledgement leaves it (``done``, or
        ``attachments_pending`` while files are missing) in one UPDATE; every step of the way
        (queued -> sending -> acknowledged -> ...) is still checked against ``kiosk.states``.
        The stored row ends exactly as the step-by-step moves left it (the state, its reason,
        ``state_changed_at`` and, once delivered, ``delivered_at``).
        """
        apps = list(dict.fromkeys(e.item_id for e in entries if e.kind is OutboxKind.APPLICATION))
        others: dict[OutboxKind, list[str]] = {}
        for e in entries:
            if e.kind in _SMALL_KINDS:
                others.setdefault(e.kind, []).append(e.item_id)
        with self.conn.write() as c:
            for chunk in _chunks(apps):
                self._acknowledge_applications(c, chunk, now)
            for kind, ids in others.items():
                for chunk in _chunks(ids):
                    marks = _marks(chunk)
                    c.execute(
                        f"UPDATE {_table(kind)} SET state = ? WHERE id IN ({marks})",  # noqa: S608 - fixed names
                        (DeliveryState.ACKNOWLEDGED.value, *chunk),
                    )
                    c.execute(f"DELETE FROM outbox WHERE item_id IN ({marks})", chunk)  # noqa: S608

    def _acknowledge_applications(
        self, c: sqlite3.Connection, ids: list[str], now: dt.datetime | None
    ) -> None:
        marks = _marks(ids)
        rows = c.execute(
            "SELECT a.id, a.state, (SELECT COUNT(*) FROM attachments t "  # noqa: S608 - marks
            "WHERE t.application_id = a.id AND t.uploaded = 0) "
            f"FROM applications a WHERE a.id IN ({marks})",
            ids,
        ).fetchall()
        found = {row[0]: (ApplicationState(row[1]), int(row[2])) for row in rows}
        moves: dict[ApplicationState, list[str]] = {}
        waiting: list[str] = []
        for app_id in ids:
            if app_id not in found:
                raise StoreError(f"unknown application {app_id}")
            current, missing = found[app_id]
            path = _acknowledgement_path(current, missing > 0)
            step = current
            for target in path:
                check_transition(step, target)
                step = target
            if path:
                moves.setdefault(path[-1], []).append(app_id)
            if missing:
                waiting.append(app_id)
        stamp = _now_iso(now)
        for target, moved in moves.items():
            c.execute(
                "UPDATE applications SET state = ?, state_reason = '', state_changed_at = ?, "  # noqa: S608 - marks
                "delivered_at = CASE WHEN ? AND delivered_at IS NULL THEN ? ELSE delivered_at END "
                f"WHERE id IN ({_marks(moved)})",
                (target.value, stamp, int(target.is_delivered), stamp, *moved),
            )
        if waiting:
            c.execute(
                "UPDATE outbox SET kind = ?, lease_until = 0, next_attempt_at = 0, attempts = 0 "  # noqa: S608 - marks
                f"WHERE item_id IN ({_marks(waiting)})",
                (OutboxKind.ATTACHMENTS.value, *waiting),
            )
        complete = [app_id for app_id in ids if found[app_id][1] == 0]
        if complete:
            c.execute(f"DELETE FROM outbox WHERE item_id IN ({_marks(complete)})", complete)  # noqa: S608

    def _to_attachments(self, c: sqlite3.Connection, app_id: str, now: dt.datetime | None) -> None:
        state = c.execute("SELECT state FROM applications WHERE id = ?", (app_id,)).fetchone()[0]
        if state == ApplicationState.ACKNOWLEDGED.value:
            move_state(c, app_id, ApplicationState.ATTACHMENTS_PENDING, "", now)
        c.execute(
            "UPDATE outbox SET kind = ?, lease_until = 0, next_attempt_at = 0, attempts = 0 "
            "WHERE item_id = ?",
            (OutboxKind.ATTACHMENTS.value, app_id),
        )

    def _finish_application(
        self, c: sqlite3.Connection, app_id: str, now: dt.datetime | None
    ) -> None:
        state = c.execute("SELECT state FROM applications WHERE id = ?", (app_id,)).fetchone()[0]
        if state in (
            ApplicationState.ACKNOWLEDGED.value,
            ApplicationState.ATTACHMENTS_PENDING.value,
        ):
            move_state(c, app_id, ApplicationState.DONE, "", now)
        c.execute("DELETE FROM outbox WHERE item_id = ?", (app_id,))

    def pending_attachments(self, application_id: str) -> list[PendingAttachment]:
        rows = self.conn.query(
            "SELECT sha256, size, mime_type FROM attachments WHERE application_id = ? AND uploaded = 0 "
            "ORDER BY rowid",
            (application_id,),
        )
        return [
            PendingAttachment(application_id, r["sha256"], int(r["size"]), r["mime_type"])
            for r in rows
        ]

    def attachment_uploaded(
        self, application_id: str, sha256: str, now: dt.datetime | None = None
    ) -> None:
        """One file confirmed by the platform; the application is done when the last one is."""
        with self.conn.write() as c:
            c.execute(
                "UPDATE attachments SET uploaded = 1 WHERE application_id = ? AND sha256 = ?",
                (application_id, sha256),
            )
            missing = c.execute(
                "SELECT COUNT(*) FROM attachments WHERE application_id = ? AND uploaded = 0",
                (application_id,),
            ).fetchone()[0]
            if not missing:
                self._finish_application(c, application_id, now)

    def retry_later(self, entry: OutboxEntry, next_attempt_at: float, error: str) -> None:
        """A transient failure: release the lease, count the attempt, wait until ``next_attempt_at``."""
        with self.conn.write() as c:
            c.execute(
                "UPDATE outbox SET lease_until = 0, next_attempt_at = ?, attempts = attempts + 1, "
                "last_error = ? WHERE item_id = ?",
                (next_attempt_at, error[:500], entry.item_id),
            )
            _back_to_queued(c, entry.item_id, entry.kind)

    def release(self, entries: list[OutboxEntry]) -> None:
        """Give back leases without counting an attempt (the round was interrupted, not refused)."""
        with self.conn.write() as c:
            for entry in entries:
                c.execute("UPDATE outbox SET lease_until = 0 WHERE item_id = ?", (entry.item_id,))
                _back_to_queued(c, entry.item_id, entry.kind)

    def release_all(self) -> int:
        """Give back every lease, e.g. those of a sync process that was killed mid-round.

        Only safe for the single sync process of a terminal, at start, holding its lock:
        any lease found then belongs to a dead process. Items return to ``queued``, so
        ``kiosk queue`` does not show them as "sending" while nothing sends them.
        """
        with self.conn.write() as c:
            leased = c.execute("SELECT item_id, kind FROM outbox WHERE lease_until > 0").fetchall()
            c.execute("UPDATE outbox SET lease_until = 0 WHERE lease_until > 0")
            for item_id, kind in leased:
                _back_to_queued(c, item_id, OutboxKind(kind))
        return len(leased)

    def forget_future_times(self, now: float, lease_s: float) -> int:
        """Undo schedule times the clock has since fallen behind (it was set back, or reset).

        Attempts are only ever scheduled at "now" and leases last ``lease_s``, so a retry
        time after ``now`` or a lease ending after ``now + lease_s`` was written under a clock
        that ran ahead: left alone, a clock set back a day (or an RTC reset to 2000) would
        hold those items back for as long. Reads first and writes only when something is
        found, so a normal round costs no fsync here.
        """
        horizon = now + lease_s
        found = self.conn.query(
            "SELECT COUNT(*) AS n FROM outbox WHERE next_attempt_at > ? OR lease_until > ?",
            (now, horizon),
        )[0]["n"]
        if not found:
            return 0
        with self.conn.write() as c:
            c.execute("UPDATE outbox SET next_attempt_at = 0 WHERE next_attempt_at > ?", (now,))
            leased = c.execute(
                "SELECT item_id, kind FROM outbox WHERE lease_until > ?", (horizon,)
            ).fetchall()
            c.execute("UPDATE outbox SET lease_until = 0 WHERE lease_until > ?", (horizon,))
            for item_id, kind in leased:
                _back_to_queued(c, item_id, OutboxKind(kind))
        return int(found)

    def quarantine(self, entry: OutboxEntry, reason: str) -> None:
        """A business error on this item only: take it out of the flow with a reason staff can read."""
        with self.conn.write() as c:
            if entry.kind in (OutboxKind.APPLICATION, OutboxKind.ATTACHMENTS):
                move_state(c, entry.item_id, ApplicationState.QUARANTINED, reason, None)
            else:
                c.execute(
                    f"UPDATE {_table(entry.kind)} SET state = ?, state_reason = ? WHERE id = ?",  # noqa: S608
                    (DeliveryState.QUARANTINED.value, reason, entry.item_id),
                )
            c.execute("DELETE FROM outbox WHERE item_id = ?", (entry.item_id,))

    def apply_platform_status(
        self,
        application_id: str,
        state: ApplicationState,
        reason: str,
        as_of: dt.datetime,
        result_notice: str = "",
        *,
        accepted_on: dt.date | None = None,
        due_on: dt.date | None = None,
        reopened: bool = False,
    ) -> bool:
        """Record a status the platform reported; ignored (False) if it is not a legal move.

        ``accepted_on``/``due_on`` are the department's 受理日 and 办结期限. They are recorded
        together when ``accepted_on`` is given (``due_on`` None then means the clock is
        stopped for a 补正); an update without them (an older platform, a status before
        acceptance) leaves the dates already recorded alone.

        ``reopened``: the platform reopened a final decision for correction; the only way
        out of 已办结 / 不予受理 (``kiosk.states.check_reopen``). The old result notice is
        dropped with it (it no longer stands), and so are the dates when it goes back to
        before acceptance.
        """
        with self.conn.write() as c:
            row = c.execute(
                "SELECT state FROM applications WHERE id = ?", (application_id,)
            ).fetchone()
            if row is None:
                return False
            current = ApplicationState(row[0])
            if current in (
                ApplicationState.QUEUED,
                ApplicationState.SENDING,
                ApplicationState.QUARANTINED,
            ):
                return False  # the platform cannot decide on what it has not received
            try:
                if reopened:
                    check_reopen(current, state)
                else:
                    check_transition(current, state)
            except InvalidTransition:
                return False
            move_state(c, application_id, state, reason, as_of, reopen=reopened)
            if reopened:
                c.execute(
                    "UPDATE applications SET result_notice = '' WHERE id = ?", (application_id,)
                )
                if accepted_on is None:
                    c.execute(
                        "UPDATE applications SET accepted_on = NULL, due_on = NULL WHERE id = ?",
                        (application_id,),
                    )
            c.execute(
                "UPDATE applications SET status_as_of = ?, result_notice = CASE WHEN ? != '' THEN ? "
                "ELSE result_notice END WHERE id = ?",
                (as_of.isoformat(), result_notice, result_notice, application_id),
            )
            if accepted_on is not None:
                c.execute(
                    "UPDATE applications SET accepted_on = ?, due_on = ? WHERE id = ?",
                    (
                        accepted_on.isoformat(),
                        due_on.isoformat() if due_on is not None else None,
                        application_id,
                    ),
                )
            if state.is_delivered:
                c.execute(
                    "DELETE FROM outbox WHERE item_id = ? AND kind = ?",
                    (application_id, OutboxKind.APPLICATION.value),
                )
            return True

    def apply_materials_received(
        self, application_id: str, received: list[tuple[str, dt.date]]
    ) -> int:
        """Mark promised materials received (a clerk took them in); how many were marked.

        Through :func:`kiosk.materials.mark_received`, so only a material this application
        promised is marked; one it did not promise, or one already marked, is left alone
        (the platform's event is then a repeat or about another version of the case).
        """
        with self.conn.write() as c:
            row = c.execute(
                "SELECT materials FROM applications WHERE id = ?", (application_id,)
            ).fetchone()
            if row is None or not row[0]:
                return 0
            states = tuple(MaterialState.from_dict(m) for m in json.loads(row[0]))
            marked = 0
            for name, day in received:
                if any(s.name == name and s.received_on is not None for s in states):
                    continue
                try:
                    states = mark_received(states, name, day)
                except KeyError:
                    continue
                marked += 1
            if marked:
                c.execute(
                    "UPDATE applications SET materials = ? WHERE id = ?",
                    (
                        json.dumps(
                            [s.to_dict() for s in states],
                            ensure_ascii=False,
                            sort_keys=True,
                            separators=(",", ":"),
                        ),
                        application_id,
                    ),
                )
            return marked

    def stats(self) -> QueueStats:
        depth_rows = self.conn.query("SELECT COUNT(*) AS n, MIN(seq) AS s FROM outbox")
        depth = int(depth_rows[0]["n"])
        oldest: dt.datetime | None = None
        if depth:
            first = self.conn.query("SELECT item_id, kind FROM outbox ORDER BY seq LIMIT 1")[0]
            oldest = self._created_at(first["item_id"], OutboxKind(first["kind"]))
        quarantined = int(
            self.conn.query(
                "SELECT (SELECT COUNT(*) FROM applications WHERE state = ?)"
                " + (SELECT COUNT(*) FROM ratings WHERE state = ?)"
                " + (SELECT COUNT(*) FROM requests WHERE state = ?)"
                " + (SELECT COUNT(*) FROM bookings WHERE state = ?) AS n",
                (
                    ApplicationState.QUARANTINED.value,
                    DeliveryState.QUARANTINED.value,
                    DeliveryState.QUARANTINED.value,
                    DeliveryState.QUARANTINED.value,
                ),
            )[0]["n"]
        )
        unreadable = int(
            self.conn.query(
                "SELECT (SELECT COUNT(*) FROM applications WHERE state = ? AND state_reason IN (?, ?))"
                " + (SELECT COUNT(*) FROM requests WHERE state = ? AND state_reason = ?) AS n",
                (
                    ApplicationState.QUARANTINED.value,
                    UNDECRYPTABLE_REASON,
                    UNDECRYPTABLE_ATTACHMENT_REASON,
                    DeliveryState.QUARANTINED.value,
                    UNDECRYPTABLE_REASON,
                ),
            )[0]["n"]
        )
        return QueueStats(
            depth=depth,
            oldest_seq_created_at=oldest,
            quarantined=quarantined,
            unreadable=unreadable,
        )

    def unreadable_pending(self) -> list[OutboxEntry]:
        """Items still waiting to be sent whose data cannot be read back (the doctor's scan).

        Finds a damaged row before a sync round quarantines it. Decrypts each pending item
        in memory, which costs well under a millisecond per item.
        """
        broken = []
        for entry in self.entries():
            try:
                self.payload(entry)
                if entry.kind is OutboxKind.ATTACHMENTS:
                    for pending in self.pending_attachments(entry.item_id):
                        self.attachment_content(pending.sha256)
            except UnreadableRowError:
                broken.append(entry)
            except (KeyError, ValueError, TypeError):
                continue  # incomplete, not undecryptable: the sync round reports those
        return broken

    def _created_at(self, item_id: str, kind: OutboxKind) -> dt.datetime | None:
        table = (
            "applications"
            if kind in (OutboxKind.APPLICATION, OutboxKind.ATTACHMENTS)
            else _table(kind)
        )
        rows = self.conn.query(f"SELECT created_at FROM {table} WHERE id = ?", (item_id,))  # noqa: S608
        return dt.datetime.fromisoformat(rows[0]["created_at"]) if rows else None

    def entries(self) -> list[OutboxEntry]:
        rows = self.conn.query(
            "SELECT item_id, kind, attempts, last_error FROM outbox ORDER BY seq"
        )
        return [
            OutboxEntry(r["item_id"], OutboxKind(r["kind"]), int(r["attempts"]), r["last_error"])
            for r in rows
        ]

    def get_cursor(self, name: str) -> str:
        return self.store.get_meta(f"cursor:{name}") or ""

    def set_cursor(self, name: str, value: str) -> None:
        self.store.set_meta(f"cursor:{name}", value)


def _back_to_queued(c: sqlite3.Connection, item_id: str, kind: OutboxKind) -> None:
    """An item no longer being sent shows as waiting again (never moves a delivered one back)."""
    if kind is OutboxKind.APPLICATION:
        row = c.execute("SELECT state FROM applications WHERE id = ?", (item_id,)).fetchone()
        if row and row[0] == ApplicationState.SENDING.value:
            move_state(c, item_id, ApplicationState.QUEUED, "", None)
    elif kind in _SMALL_KINDS:
        c.execute(
            f"UPDATE {_table(kind)} SET state = ? WHERE id = ? AND state = ?",  # noqa: S608 - fixed names
            (DeliveryState.QUEUED.value, item_id, DeliveryState.SENDING.value),
        )


def _acknowledgement_path(current: ApplicationState, missing: bool) -> list[ApplicationState]:
    """The moves an acknowledgement makes from ``current``, in order (empty: none).

    Queued or sending becomes acknowledged; an acknowledged application then waits for
    its files (``attachments_pending``) or is ``done``. Any other state (already done, a
    platform decision, quarantined) is left alone.
    """
    path: list[ApplicationState] = []
    state = current
    if state in (ApplicationState.QUEUED, ApplicationState.SENDING):
        if state is ApplicationState.QUEUED:
            path.append(ApplicationState.SENDING)
        path.append(ApplicationState.ACKNOWLEDGED)
        state = ApplicationState.ACKNOWLEDGED
    if missing:
        if state is ApplicationState.ACKNOWLEDGED:
            path.append(ApplicationState.ATTACHMENTS_PENDING)
    elif state in (ApplicationState.ACKNOWLEDGED, ApplicationState.ATTACHMENTS_PENDING):
        path.append(ApplicationState.DONE)
    return path


_CHUNK = 500
"""Ids per ``IN (...)`` list: far below SQLite's limit on bound parameters (32,766)."""


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _marks(ids: list[str]) -> str:
    return ", ".join("?" * len(ids))


def _table(kind: OutboxKind) -> str:
    return {
        OutboxKind.RATING: "ratings",
        OutboxKind.REQUEST: "requests",
        OutboxKind.BOOKING: "bookings",
        OutboxKind.HOME_VISIT: "bookings",
    }[kind]


_SMALL_KINDS = (OutboxKind.RATING, OutboxKind.REQUEST, OutboxKind.BOOKING, OutboxKind.HOME_VISIT)
"""Items without attachments or platform decisions: their table's ``state`` is a DeliveryState."""
