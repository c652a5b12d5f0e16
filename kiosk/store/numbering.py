"""Which terminal code new numbers carry, and renumbering at enrolment (SQL side).

An unenrolled terminal has no platform code yet, so it numbers under a
provisional code ``0XXXXX`` derived from its install id (a 128-bit random id kept
in ``meta``), never the old shared ``000000``. Enrolment records the platform's
code in ``meta`` and, in the same transaction, gives every application the
platform has never seen a number under that code; the old number stays as an
alias (``provisional_number``) so the printed receipt still finds the row.

The rules live here, beside the SQL; ``kiosk.usecases.enrolment`` is what the
CLI and the technician wizard call. See docs/architecture.md, "Application numbers".
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.errors import StoreError
from kiosk.ids import (
    application_number,
    is_platform_code,
    new_install_id,
    parse_application_number,
    provisional_terminal_code,
)
from kiosk.states import ApplicationState
from kiosk.store.db import next_counter

if TYPE_CHECKING:
    from kiosk.store.store import Store

INSTALL_ID_KEY = "terminal:install_id"
"""``meta`` key of this installation's random id (hex, 128 bits), created on first need."""

ENROLLED_CODE_KEY = "terminal:code"
"""``meta`` key of the code the last enrolment assigned; numbers are minted under it."""

MAX_DAILY = 9999


@dataclass(frozen=True, slots=True)
class Renumbering:
    """What enrolment did to the numbers of this terminal's undelivered applications."""

    code: str
    renumbered: tuple[tuple[str, str], ...]  # (old number, new number)
    in_flight: int  # being sent right now by a live sync round: left alone, see adopt_code


def install_id(c: sqlite3.Connection) -> str:
    """This installation's random id, created inside the caller's write transaction if missing.

    Created in the transaction that first needs it (a submission), so two processes
    racing on a fresh database cannot end up with two ids: the write lock orders them.
    """
    row = c.execute("SELECT value FROM meta WHERE key = ?", (INSTALL_ID_KEY,)).fetchone()
    if row is not None:
        return str(row[0])
    value = new_install_id()
    c.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (INSTALL_ID_KEY, value))
    return value


def minting_code(c: sqlite3.Connection, configured: str | None) -> str:
    """The terminal code for a number minted now, inside the caller's write transaction.

    1. the code recorded by the last enrolment in this database (so a process still
       holding settings read before enrolment cannot mint under the old code);
    2. else the configured ``terminal.code`` if it is a platform code (terminals
       enrolled before this rule existed);
    3. else the provisional code of this installation.
    """
    row = c.execute("SELECT value FROM meta WHERE key = ?", (ENROLLED_CODE_KEY,)).fetchone()
    return code_for(c, None if row is None else str(row[0]), None, configured)


def code_for(
    c: sqlite3.Connection, enrolled: str | None, install: str | None, configured: str | None
) -> str:
    """:func:`minting_code`'s rule on ``meta`` values the caller read in its write transaction.

    ``Store.submit`` reads both keys in the statement that moves its counters; the install
    id is created here (in ``c``) only when it is still missing and the rule needs it.
    """
    if enrolled is not None:
        return str(enrolled)
    if configured and is_platform_code(configured):
        return configured
    return provisional_terminal_code(str(install) if install is not None else install_id(c))


def enrolled_code(store: Store) -> str | None:
    rows = store.conn.query("SELECT value FROM meta WHERE key = ?", (ENROLLED_CODE_KEY,))
    return str(rows[0]["value"]) if rows else None


def adopt_code(store: Store, code: str, now: float | None = None) -> Renumbering:
    """Record ``code`` as this terminal's and renumber what the platform has never seen.

    One write transaction: either every eligible application has its new number
    (and the code is recorded) or nothing changed. Eligible: the number's terminal
    code is not ``code`` and the platform never acknowledged it (``reached_platform``
    is 0, kept by a trigger) and it is ``queued`` or ``quarantined``, or ``sending``
    under a lease that has already run out (a dead round: it goes back to ``queued``,
    as ``Outbox.release_all`` would do). A row leased by a *live* round is left alone
    and counted in ``in_flight``: its payload, with the old number, may be on the wire
    right now, and the platform must see one (id, number, content) per application.
    Calling this again later (idempotent) renumbers what was left.

    The day and the daily sequence are kept (``0XXXXX-261203-0007`` becomes
    ``CODE-261203-0007``): the daily counter is per terminal, not per code, so that
    sequence is this row's alone. Only if the number is somehow taken is a fresh
    sequence of the same day drawn. The first old number is kept as the alias.
    Queued ratings that name an old number are updated too.
    """
    from kiosk.store.store import move_state  # store.py imports this module

    if not is_platform_code(code):
        raise ValueError("an enrolled terminal code is six digits, 100000-999999")
    moment = time.time() if now is None else now
    changed: list[tuple[str, str, str]] = []  # (id, old, new)
    in_flight = 0
    with store.conn.write() as c:
        c.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (ENROLLED_CODE_KEY, code),
        )
        rows = c.execute(
            "SELECT a.id, a.number, a.state, a.created_at, COALESCE(o.lease_until, 0) "
            "FROM applications a LEFT JOIN outbox o ON o.item_id = a.id "
            "WHERE a.reached_platform = 0 AND a.state IN ('queued', 'quarantined', 'sending') "
            "AND substr(a.number, 1, 6) != ? ORDER BY a.local_seq",
            (code,),
        ).fetchall()
        for app_id, old, state, created_at, lease_until in rows:
            if state == "sending":
                if float(lease_until) > moment:
                    in_flight += 1
                    continue
                c.execute("UPDATE outbox SET lease_until = 0 WHERE item_id = ?", (app_id,))
                move_state(c, app_id, ApplicationState.QUEUED, "", None)
            new = _new_number(c, code, old, created_at)
            c.execute(
                "UPDATE applications SET number = ?, "
                "provisional_number = COALESCE(provisional_number, ?) WHERE id = ?",
                (new, old, app_id),
            )
            c.execute(
                "UPDATE ratings SET application_number = ? "
                "WHERE application_number = ? AND state IN ('queued', 'quarantined')",
                (new, old),
            )
            changed.append((app_id, old, new))
        for app_id, _old, _new in changed:
            row = c.execute("SELECT * FROM applications WHERE id = ?", (app_id,))
            row.row_factory = sqlite3.Row
            application = store._application_from_row(row.fetchone(), lenient=True)
            if not application.unreadable:
                c.execute(
                    "UPDATE applications SET content_hash = ? WHERE id = ?",
                    (application.content_hash(), app_id),
                )
    return Renumbering(code, tuple((old, new) for _id, old, new in changed), in_flight)


def _new_number(c: sqlite3.Connection, code: str, old: str, created_at: str) -> str:
    try:
        _old_code, day, seq = parse_application_number(old)
    except ValueError:
        # Not a well-formed number (hand-edited data): a fresh sequence of its filing day.
        import datetime as dt

        from kiosk.chinatime import china_date

        day, seq = china_date(dt.datetime.fromisoformat(created_at)), 0
    candidate = application_number(code, day, seq) if seq else ""
    while not candidate or _taken(c, candidate):
        seq = next_counter(c, f"daily:{day:%Y%m%d}")
        if seq > MAX_DAILY:
            raise StoreError(
                f"无法为 {day:%Y-%m-%d} 的办件重新编号：当天的编号已用完（每天最多9999件）。"
            )
        candidate = application_number(code, day, seq)
    return candidate


def _taken(c: sqlite3.Connection, number: str) -> bool:
    return (
        c.execute(
            "SELECT 1 FROM applications WHERE number = ? OR provisional_number = ?",
            (number, number),
        ).fetchone()
        is not None
    )
