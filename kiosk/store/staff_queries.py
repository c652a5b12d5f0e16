"""SQL for staff accounts, wrong-PIN lockouts and the sign-in audit trail.

Plain functions over the terminal's :class:`~kiosk.store.db.Connection` (``store.conn``);
the schema is the ``0101_staff_accounts`` migration. Card ids arrive here already
hashed (a keyed hash from the store's cipher), never in clear.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from kiosk.errors import ValidationError
from kiosk.staff import EventKind, FailureRecord, Role, StaffMember
from kiosk.store.db import Connection

_COLUMNS = "number, name, role, active, card_hash, created_at"


def _member(row: sqlite3.Row) -> StaffMember:
    return StaffMember(
        number=row["number"],
        name=row["name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        has_card=row["card_hash"] is not None,
        created_at=dt.datetime.fromisoformat(row["created_at"]),
    )


def insert_staff(conn: Connection, member: StaffMember, pin_hash: str, now: dt.datetime) -> None:
    """Add an account; a duplicate staff number is a :class:`ValidationError`."""
    with conn.write() as c:
        exists = c.execute("SELECT 1 FROM staff WHERE number = ?", (member.number,)).fetchone()
        if exists:
            raise ValidationError(f"工号 {member.number} 已存在。", field="number")
        c.execute(
            "INSERT INTO staff(number, name, role, pin_hash, active, created_at, pin_changed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                member.number,
                member.name,
                member.role.value,
                pin_hash,
                int(member.active),
                now.isoformat(),
                now.isoformat(),
            ),
        )
        _event(c, member.number, EventKind.ADDED, now)


def get_staff(conn: Connection, number: str) -> StaffMember | None:
    rows = conn.query(f"SELECT {_COLUMNS} FROM staff WHERE number = ?", (number,))  # noqa: S608
    return _member(rows[0]) if rows else None


def pin_hash_of(conn: Connection, number: str) -> str | None:
    rows = conn.query("SELECT pin_hash FROM staff WHERE number = ?", (number,))
    return str(rows[0]["pin_hash"]) if rows else None


def staff_by_card(conn: Connection, card_hash: str) -> StaffMember | None:
    rows = conn.query(f"SELECT {_COLUMNS} FROM staff WHERE card_hash = ?", (card_hash,))  # noqa: S608
    return _member(rows[0]) if rows else None


def list_staff(conn: Connection, *, role: Role | None = None) -> list[StaffMember]:
    if role is None:
        rows = conn.query(f"SELECT {_COLUMNS} FROM staff ORDER BY number")  # noqa: S608
    else:
        rows = conn.query(
            f"SELECT {_COLUMNS} FROM staff WHERE role = ? ORDER BY number",  # noqa: S608
            (role.value,),
        )
    return [_member(r) for r in rows]


def technician_pin_hashes(conn: Connection) -> list[tuple[str, str]]:
    """(number, pin hash) of every active technician, for the maintenance-mode unlock."""
    rows = conn.query(
        "SELECT number, pin_hash FROM staff WHERE role = ? AND active = 1 ORDER BY number",
        (Role.TECHNICIAN.value,),
    )
    return [(r["number"], r["pin_hash"]) for r in rows]


def set_pin_hash(conn: Connection, number: str, pin_hash: str, now: dt.datetime) -> None:
    with conn.write() as c:
        c.execute(
            "UPDATE staff SET pin_hash = ?, pin_changed_at = ? WHERE number = ?",
            (pin_hash, now.isoformat(), number),
        )
        c.execute("DELETE FROM auth_failures WHERE subject = ?", (staff_subject(number),))
        _event(c, number, EventKind.PIN_CHANGED, now)


def set_card_hash(conn: Connection, number: str, card_hash: str | None, now: dt.datetime) -> None:
    """Bind a staff card (or unbind with None); one card belongs to one account."""
    with conn.write() as c:
        if card_hash is not None:
            other = c.execute(
                "SELECT number FROM staff WHERE card_hash = ? AND number != ?", (card_hash, number)
            ).fetchone()
            if other:
                raise ValidationError(f"这张卡已绑定工号 {other[0]}。", field="card")
        c.execute("UPDATE staff SET card_hash = ? WHERE number = ?", (card_hash, number))
        _event(c, number, EventKind.CARD_SET, now)


def set_active(conn: Connection, number: str, active: bool) -> None:
    with conn.write() as c:
        c.execute("UPDATE staff SET active = ? WHERE number = ?", (int(active), number))


def count_technicians(conn: Connection) -> int:
    rows = conn.query(
        "SELECT COUNT(*) AS n FROM staff WHERE role = ? AND active = 1", (Role.TECHNICIAN.value,)
    )
    return int(rows[0]["n"])


# -- lockout --------------------------------------------------------------------------------


def staff_subject(number: str) -> str:
    return f"staff:{number}"


MAINTENANCE_SUBJECT = "maintenance"


def failure_record(conn: Connection, subject: str) -> FailureRecord | None:
    rows = conn.query("SELECT * FROM auth_failures WHERE subject = ?", (subject,))
    if not rows:
        return None
    r = rows[0]
    return FailureRecord(
        subject=r["subject"],
        failures=int(r["failures"]),
        locked_until=_time(r["locked_until"]),
        last_failure_at=_time(r["last_failure_at"]),
    )


def save_failure(conn: Connection, record: FailureRecord, staff_number: str) -> None:
    """Persist a wrong-PIN count and audit it, in one transaction."""
    with conn.write() as c:
        c.execute(
            "INSERT INTO auth_failures(subject, failures, locked_until, last_failure_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, "
            "locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at",
            (
                record.subject,
                record.failures,
                record.locked_until.isoformat() if record.locked_until else None,
                record.last_failure_at.isoformat() if record.last_failure_at else None,
            ),
        )
        at = record.last_failure_at or dt.datetime.now(dt.UTC)
        _event(c, staff_number, EventKind.SIGN_IN_FAILED, at)
        if record.locked_until is not None:
            _event(c, staff_number, EventKind.LOCKED, at)


def clear_failures(conn: Connection, subject: str) -> None:
    with conn.write() as c:
        c.execute("DELETE FROM auth_failures WHERE subject = ?", (subject,))


# -- audit ----------------------------------------------------------------------------------


def record_event(conn: Connection, staff_number: str, kind: EventKind, at: dt.datetime) -> None:
    with conn.write() as c:
        _event(c, staff_number, kind, at)


def events(conn: Connection, limit: int = 200) -> list[tuple[dt.datetime, str, EventKind]]:
    """Newest first: (time, staff number, event)."""
    rows = conn.query(
        "SELECT at, staff_number, event FROM staff_events ORDER BY id DESC LIMIT ?", (limit,)
    )
    return [
        (dt.datetime.fromisoformat(r["at"]), r["staff_number"], EventKind(r["event"])) for r in rows
    ]


def _event(c: sqlite3.Connection, staff_number: str, kind: EventKind, at: dt.datetime) -> None:
    c.execute(
        "INSERT INTO staff_events(at, staff_number, event) VALUES (?, ?, ?)",
        (at.isoformat(), staff_number, kind.value),
    )


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


# -- queue care -------------------------------------------------------------------------------


def supplements(conn: Connection) -> dict[str, str]:
    """``{original id: id of the newest application that supplements it}`` (补正 links)."""
    rows = conn.query(
        "SELECT supersedes, id FROM applications WHERE supersedes IS NOT NULL ORDER BY local_seq"
    )
    return {r["supersedes"]: r["id"] for r in rows}
