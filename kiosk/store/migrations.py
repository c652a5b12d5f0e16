"""Named, transactional schema migrations (sqlite-utils ``Migrations``).

Each migration is a function applied once, inside a transaction together with
the record that it ran. Never edit a migration that has shipped: append a new
one. Tests open databases created by older schemas and migrate them.

sqlite-utils (with click, pluggy and dateutil: ~60 ms and 8 MB) is imported only when a
migration must run (issue 16, goal 1). :data:`MIGRATIONS` records the steps as they are
declared; :meth:`LazyMigrations.up_to_date` reads sqlite-utils' own record of applied
migrations with plain ``sqlite3``, so a normal start (nothing pending) never imports it.
Everything else (``apply``, ``pending``, ``applied``) is sqlite-utils' runner itself,
built on first use with the same steps in the same order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATIONS_TABLE = "_sqlite_migrations"
"""sqlite-utils' table of applied migrations: ``id`` (the primary key), ``migration_set``,
``name``, ``applied_at`` (``Migrations.migrations_table``; a test checks they agree)."""

_Step = Callable[["Database"], None]
_StepT = TypeVar("_StepT", bound=_Step)


class LazyMigrations:
    """sqlite-utils' ``Migrations`` set, built when a migration must run, not at import."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._steps: list[tuple[str, _Step, bool]] = []
        self._real: Migrations | None = None

    def __call__(
        self, *, name: str | None = None, transactional: bool = True
    ) -> Callable[[_StepT], _StepT]:
        """Register a migration, as ``Migrations.__call__`` does (same arguments)."""

        def inner(func: _StepT) -> _StepT:
            step = name or func.__name__
            if self._real is not None:  # a step declared late (tests): the runner checks it
                self._real(name=step, transactional=transactional)(func)
            elif any(known == step for known, _, _ in self._steps):
                raise ValueError(f"Migration '{step}' is already registered in set '{self.name}'")
            self._steps.append((step, func, transactional))
            return func

        return inner

    @property
    def names(self) -> tuple[str, ...]:
        """Every declared migration, in order."""
        return tuple(step for step, _, _ in self._steps)

    def real(self) -> Migrations:
        """sqlite-utils' runner with every declared step (imports sqlite-utils, once)."""
        if self._real is None:
            from sqlite_utils.migrations import Migrations

            real = Migrations(self.name)
            for step, func, transactional in self._steps:
                real(name=step, transactional=transactional)(func)
            self._real = real
        return self._real

    def up_to_date(self, conn: sqlite3.Connection) -> bool:
        """Every declared migration is recorded as applied, read with plain ``sqlite3``.

        True exactly when sqlite-utils' ``apply`` would change nothing: its table exists
        with ``id`` as the only primary key (otherwise ``apply`` rebuilds it) and holds
        every declared name for this set. Read-only; False whenever in doubt.
        """
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
        ).fetchall()
        if not found:
            return False
        columns = conn.execute(f"PRAGMA table_info({MIGRATIONS_TABLE})").fetchall()
        if [row[1] for row in sorted(columns, key=lambda row: row[5]) if row[5]] != ["id"]:
            return False
        # The rows themselves, as sqlite-utils reads them (``applied``), not only the covering
        # index on (migration_set, name): a damaged page there must fail the open as it did.
        rows = conn.execute(
            f"SELECT name, applied_at FROM {MIGRATIONS_TABLE} "  # noqa: S608 - a constant
            "WHERE migration_set = ? ORDER BY rowid",
            (self.name,),
        ).fetchall()
        applied = {row[0] for row in rows}
        return all(step in applied for step in self.names)

    def apply(self, db: Database, **options: Any) -> None:
        """sqlite-utils' ``Migrations.apply`` (``stop_before=`` too)."""
        self.real().apply(db, **options)

    def __getattr__(self, attribute: str) -> Any:
        # pending, applied, _migrations …: the runner's own (tests use them)
        if attribute.startswith("__") or attribute in ("_steps", "_real", "name"):
            raise AttributeError(attribute)
        return getattr(self.real(), attribute)


MIGRATIONS = LazyMigrations("kiosk")


@MIGRATIONS(name="0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE catalogue (
            code TEXT NOT NULL,
            version INTEGER NOT NULL,
            name TEXT NOT NULL,
            category TEXT NOT NULL,
            state TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (code, version)
        );
        CREATE TABLE applications (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            service_code TEXT NOT NULL,
            service_version INTEGER NOT NULL,
            service_name TEXT NOT NULL,
            applicant_key TEXT NOT NULL,
            personal BLOB,
            form_public TEXT NOT NULL,
            channel TEXT NOT NULL,
            staff_id TEXT,
            consent INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            local_seq INTEGER NOT NULL UNIQUE,
            promised_date TEXT NOT NULL,
            state TEXT NOT NULL,
            state_reason TEXT NOT NULL DEFAULT '',
            state_changed_at TEXT NOT NULL,
            receipt_printed INTEGER NOT NULL DEFAULT 0,
            content_hash TEXT NOT NULL,
            supersedes TEXT REFERENCES applications(id),
            status_as_of TEXT,
            result_notice TEXT NOT NULL DEFAULT '',
            delivered_at TEXT,
            purged_at TEXT
        );
        CREATE INDEX applications_applicant ON applications(applicant_key);
        CREATE TABLE attachments (
            application_id TEXT NOT NULL REFERENCES applications(id),
            sha256 TEXT NOT NULL,
            field_key TEXT NOT NULL,
            filename BLOB NOT NULL,
            mime_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            uploaded INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (application_id, sha256)
        );
        CREATE TABLE ratings (
            id TEXT PRIMARY KEY,
            application_number TEXT NOT NULL,
            level INTEGER NOT NULL,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL,
            state_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE requests (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            personal BLOB,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL,
            state_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE outbox (
            item_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            seq INTEGER NOT NULL,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            lease_until REAL NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX outbox_due ON outbox(kind, next_attempt_at, seq);
        """
    )


@MIGRATIONS(name="0002_drafts")
def _drafts(db: Database) -> None:
    """Half-filled forms that survive a crash, offered back only to the same card holder."""
    db.executescript(
        """
        CREATE TABLE drafts (
            holder_key TEXT PRIMARY KEY,
            service_code TEXT NOT NULL,
            body BLOB NOT NULL,
            updated_at TEXT NOT NULL
        );
        """
    )


@MIGRATIONS(name="0101_staff_accounts")
def _staff_accounts(db: Database) -> None:
    """Staff and technician accounts, persisted wrong-PIN lockouts and a sign-in audit trail.

    Owned by the staff issue (7); SQL lives in ``kiosk/store/staff_queries.py``.
    """
    db.executescript(
        """
        CREATE TABLE staff (
            number TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('staff', 'technician')),
            pin_hash TEXT NOT NULL,
            card_hash TEXT UNIQUE,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            pin_changed_at TEXT NOT NULL
        );
        CREATE TABLE auth_failures (
            subject TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            locked_until TEXT,
            last_failure_at TEXT
        );
        CREATE TABLE staff_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            staff_number TEXT NOT NULL,
            event TEXT NOT NULL
        );
        """
    )


@MIGRATIONS(name="0201_import_ledger")
def _import_ledger(db: Database) -> None:
    """Rows already queued by ``kiosk import``, so running the same file again cannot duplicate them.

    ``row_hash`` is the data cipher's keyed hash of the canonical row (never the row itself:
    without the data key it cannot be turned back into a name or ID number). It is written in
    the transaction that queues the application it made. Owned by the import issue (10.7);
    SQL in ``kiosk/store/import_queries.py``.
    """
    db.executescript(
        """
        CREATE TABLE imported_rows (
            row_hash TEXT PRIMARY KEY,
            application_number TEXT NOT NULL,
            imported_at TEXT NOT NULL
        );
        """
    )


@MIGRATIONS(name="0202_number_alias")
def _number_alias(db: Database) -> None:
    """Provisional numbers of unenrolled terminals, kept as an alias once renumbered at enrolment.

    ``provisional_number`` is the number printed on the receipt before enrolment (unique where
    set, so a typed receipt number finds one row). ``reached_platform`` says the platform has
    acknowledged the application at least once: such a row keeps its number forever, even when
    it is later quarantined (e.g. an attachment failed), because the platform holds that
    number. A trigger sets it on every move into a post-acknowledgement state, so no code path
    that records an acknowledgement can forget it. Existing rows are marked from their state;
    a quarantined row counts as reached when it has delivered files or a delivery time.
    Owned by the numbering issue (10.3); SQL in ``kiosk/store/numbering.py``.
    """
    db.executescript(
        """
        ALTER TABLE applications ADD COLUMN provisional_number TEXT;
        CREATE UNIQUE INDEX applications_provisional_number ON applications(provisional_number)
            WHERE provisional_number IS NOT NULL;
        ALTER TABLE applications ADD COLUMN reached_platform INTEGER NOT NULL DEFAULT 0;
        UPDATE applications SET reached_platform = 1
            WHERE state NOT IN ('draft', 'queued', 'sending', 'quarantined')
            OR delivered_at IS NOT NULL
            OR EXISTS (SELECT 1 FROM attachments a
                       WHERE a.application_id = applications.id AND a.uploaded = 1);
        CREATE TRIGGER applications_reached_platform
            AFTER UPDATE OF state ON applications
            WHEN NEW.reached_platform = 0
                AND NEW.state NOT IN ('draft', 'queued', 'sending', 'quarantined')
        BEGIN
            UPDATE applications SET reached_platform = 1 WHERE id = NEW.id;
        END;
        """
    )


@MIGRATIONS(name="0203_acceptance_dates")
def _acceptance_dates(db: Database) -> None:
    """The department's dates, as the platform reports them (issue 14, item 12).

    ``promised_date`` stays what the kiosk estimated at filing (预计办结); ``accepted_on`` (受理日)
    and ``due_on`` (办结期限) come with the platform's status updates and replace the estimate
    wherever it is shown. ``due_on`` is NULL while the clock is stopped for a supplement
    (补正). Both are ISO dates, NULL until the platform sends them. Owned by the dates issue;
    written by ``Outbox.apply_platform_status``.
    """
    db.executescript(
        """
        ALTER TABLE applications ADD COLUMN accepted_on TEXT;
        ALTER TABLE applications ADD COLUMN due_on TEXT;
        """
    )


@MIGRATIONS(name="0204_material_states")
def _material_states(db: Database) -> None:
    """Each application's materials and their states, and the 告知承诺书 (issue 13, item 3).

    ``materials`` is a JSON list of :class:`kiosk.materials.MaterialState` (name, state, trust
    level, due date of a promise, who saw an original, when a promised one was received);
    ``commitment`` the JSON of the confirmed commitment (its text, time and the assisting
    staff number). Neither holds personal data (catalogue words, dates, staff numbers), so
    both stay in clear for the staff queue's reminders. NULL for applications filed before.
    """
    db.executescript(
        """
        ALTER TABLE applications ADD COLUMN materials TEXT;
        ALTER TABLE applications ADD COLUMN commitment TEXT;
        """
    )


@MIGRATIONS(name="0205_bookings")
def _bookings(db: Database) -> None:
    """Window bookings and home-visit requests (预约 / 上门服务, issue 13 item 4).

    Delivered like ratings and requests (``state`` is a ``DeliveryState``; outbox kinds
    ``booking`` and ``home_visit``). ``personal`` holds the name, ID number, phone and
    address encrypted (bound to the row id); ``holder_key`` the keyed hash of the ID number
    for 我的办件. ``confirmed_slot`` is the platform's answer, NULL while 待确认. The rest
    (item, centre, slots, materials to bring) is not personal and stays in clear for the
    staff queue. SQL in ``kiosk/store/booking_queries.py``.
    """
    db.executescript(
        """
        CREATE TABLE bookings (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            service_code TEXT NOT NULL,
            service_name TEXT NOT NULL,
            centre TEXT NOT NULL,
            materials TEXT NOT NULL,
            requested_slot TEXT,
            confirmed_slot TEXT,
            priority INTEGER NOT NULL DEFAULT 0,
            holder_key TEXT NOT NULL,
            personal BLOB,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL,
            state_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX bookings_holder ON bookings(holder_key);
        CREATE INDEX bookings_kind ON bookings(kind, created_at);
        """
    )


@MIGRATIONS(name="0207_request_replies")
def _request_replies(db: Database) -> None:
    """What the platform did with each request (诉求) this terminal took (issue 12 item 4).

    ``platform_state`` is the platform's ``RequestState`` (assigned, replied, closed; NULL
    until the first update), ``reply`` the clerk's answer encrypted like the request's own
    text (bound to the row id), ``platform_changed_at`` when it last changed (ISO, UTC).
    ``holder_key`` is the keyed hash of the ID number the request was filed with (NULL when
    none was given, and for requests filed before this step), so 我的办件 finds a card
    holder's requests as it finds their bookings; ``number`` the look-up number shown when
    it is filed (``F`` + filing day + sequence; NULL before this step), typed at 查进度.
    SQL in ``kiosk/store/request_queries.py``.
    """
    db.executescript(
        """
        ALTER TABLE requests ADD COLUMN number TEXT;
        CREATE UNIQUE INDEX requests_number ON requests(number) WHERE number IS NOT NULL;
        ALTER TABLE requests ADD COLUMN platform_state TEXT;
        ALTER TABLE requests ADD COLUMN reply BLOB;
        ALTER TABLE requests ADD COLUMN platform_changed_at TEXT;
        ALTER TABLE requests ADD COLUMN holder_key TEXT;
        CREATE INDEX requests_holder ON requests(holder_key);
        """
    )


@MIGRATIONS(name="0208_catalogue_revision")
def _catalogue_revision(db: Database) -> None:
    """Which save wrote each catalogue row (issue 16, goal 5).

    Every ``Store.save_catalogue`` takes the next value of the ``catalogue:revision`` counter in
    ``meta`` and stamps the rows it writes with it, so a reader that holds the catalogue asks
    only for what changed since the revision it read: re-reading and parsing all of a
    5,000-item catalogue every 30 s took ~0.5 s of the GUI thread. Rows written before this
    step are revision 0, as is a terminal that never saved one.
    """
    db.executescript(
        """
        ALTER TABLE catalogue ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX catalogue_revision ON catalogue(revision);
        """
    )
