"""Applications, ratings, requests, drafts and the catalogue in SQLite.

Personal data (applicant, personal form answers, request contacts, drafts,
attachment names) is encrypted per row with :class:`~kiosk.crypto.DataCipher`;
only what "my applications" needs after retention (number, item, status,
dates, and a keyed hash of the ID number) stays in clear.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kiosk.application import Applicant, Application, AttachmentRef, Channel, LicenceRef
from kiosk.catalogue import ServiceItem, item_from_dict, item_to_dict
from kiosk.chinatime import china_date, china_day_bounds_utc
from kiosk.crypto import DataCipher
from kiosk.errors import KioskError, StoreError
from kiosk.feedback import CitizenRequest, Rating, RatingLevel, RequestKind
from kiosk.ids import application_number
from kiosk.materials import Commitment, MaterialState
from kiosk.paths import DataDir
from kiosk.states import ApplicationState, DeliveryState, check_reopen, check_transition
from kiosk.store.db import (
    HAS_RETURNING,
    ensure_data_dir,
    next_counter,
    open_database,
)
from kiosk.store.files import AttachmentFiles
from kiosk.store.numbering import ENROLLED_CODE_KEY, INSTALL_ID_KEY, code_for, minting_code

CATALOGUE_REVISION_KEY = "catalogue:revision"
"""``meta`` counter: the revision of the last catalogue save (its rows carry it)."""


@dataclass(frozen=True, slots=True)
class NewAttachment:
    field_key: str
    filename: str
    mime_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class NewApplication:
    """What a use case hands the store; the store mints id, number and sequence in the transaction."""

    item: ServiceItem
    applicant: Applicant
    form: dict[str, str]
    channel: Channel
    staff_id: str | None
    consent: bool
    supersedes: str | None = None
    materials: tuple[MaterialState, ...] = ()  # each material's state at filing (issue 13)
    commitment: Commitment | None = None  # the 告知承诺书, when something was promised
    # E-licences fetched for it (issue 13 item 2), and the id they were fetched under (the
    # lookup's business reference): the application is stored under that id.
    licences: tuple[LicenceRef, ...] = ()
    application_id: str | None = None
    # The stored body ``item`` was parsed from (``FilingItem.body``): when given, the
    # transaction refuses (CatalogueChangedError) unless it is still the newest version's.
    item_body: str | None = None


@dataclass(frozen=True, slots=True)
class FilingItem:
    """An item to validate a submission against, with the stored body it was parsed from."""

    item: ServiceItem
    body: str


MAX_DAILY_APPLICATIONS = 9999
"""Application numbers carry a four-digit daily sequence (kiosk.ids.application_number)."""

NumberFactory = Callable[[int], str]
"""Builds the application number from that day's sequence number."""


def _now_iso(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).isoformat()


class CatalogueChangedError(KioskError):
    """The item an application was validated against is no longer the stored newest version.

    Raised by :meth:`Store.submit` inside its transaction (nothing is written) when the
    catalogue changed after :meth:`Store.item_for_filing` handed the item out, e.g. a sync
    round in another process saved a new version or withdrew it; the caller validates again
    against the fresh item (``kiosk.usecases.submit`` does).
    """

    def __init__(self, code: str) -> None:
        super().__init__("事项信息刚刚更新，请重新提交。")
        self.code = code


_MINT = (
    "INSERT INTO meta(key, value) VALUES ('local_seq', '1'), (:daily, '1') "
    "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 "
    "RETURNING key, value, "
    "(SELECT value FROM meta WHERE key = :enrolled), "
    "(SELECT value FROM meta WHERE key = :install), "
    "(SELECT body = :body FROM catalogue WHERE code = :code ORDER BY version DESC LIMIT 1)"
)
"""A submission's reads and counters in one statement (issue 16, goal 4).

Both counters move (the terminal's ``local_seq`` and the day's sequence), and the same
statement reads, under the transaction's write lock, what the number is minted from (the
enrolled code, the install id) and whether the item validated against is still the newest
stored version, byte for byte. It was seven statements: a SELECT and an UPSERT per
counter, two ``meta`` reads and the item's read before the transaction."""


class Store:
    """The local store of one terminal. Thread-safe; one instance per process."""

    def __init__(self, data: DataDir, *, check_integrity: bool = True) -> None:
        self.data = ensure_data_dir(data)
        # The key is bound to the database: refused (typed, nothing changed) when missing,
        # damaged or foreign; created only while the database holds no encrypted data.
        self.conn, key = open_database(data, check_integrity=check_integrity)
        self.cipher = DataCipher(key)
        self.files = AttachmentFiles(data.attachments, self.cipher)
        self._filing_items: dict[str, FilingItem] = {}
        """code -> the newest version as item_for_filing last read it."""

    def close(self) -> None:
        self.conn.close()

    # -- catalogue -------------------------------------------------------------

    def save_catalogue(self, items: Iterable[ServiceItem]) -> int:
        """Insert or update item versions. Old versions stay: queued applications may refer to them.

        The rows written carry the save's revision (:meth:`catalogue_changes`)."""
        count = 0
        self._filing_items.clear()  # again after the commit: a filing between would re-cache
        with self.conn.write() as c:
            revision = next_counter(c, CATALOGUE_REVISION_KEY)
            for item in items:
                c.execute(
                    "INSERT INTO catalogue(code, version, name, category, state, body, revision) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code, version) DO UPDATE SET "
                    "name=excluded.name, category=excluded.category, state=excluded.state, "
                    "body=excluded.body, revision=excluded.revision",
                    (
                        item.code,
                        item.version,
                        item.name,
                        item.category,
                        item.state.value,
                        json.dumps(item_to_dict(item), ensure_ascii=False),
                        revision,
                    ),
                )
                count += 1
        self._filing_items.clear()
        return count

    def catalogue(self) -> list[ServiceItem]:
        """The newest version of every item, in catalogue order (category, then code)."""
        rows = self.conn.query(
            "SELECT body FROM catalogue c WHERE version = "
            "(SELECT MAX(version) FROM catalogue WHERE code = c.code) ORDER BY category, code"
        )
        return [item_from_dict(json.loads(row["body"])) for row in rows]

    def catalogue_revision(self) -> int:
        """The revision of the last catalogue save (0: none since revisions were kept): one
        small read, to learn whether a catalogue held in memory is still current."""
        rows = self.conn.query("SELECT value FROM meta WHERE key = ?", (CATALOGUE_REVISION_KEY,))
        return int(rows[0]["value"]) if rows else 0

    def catalogue_changes(self, since: int) -> list[ServiceItem]:
        """The newest version of every item a save after revision ``since`` wrote.

        Read :meth:`catalogue_revision` first, then this: a save between the two is read
        here and again next time (harmless), never missed.
        """
        rows = self.conn.query(
            "SELECT body FROM catalogue c WHERE version = "
            "(SELECT MAX(version) FROM catalogue WHERE code = c.code) "
            "AND code IN (SELECT code FROM catalogue WHERE revision > ?)",
            (since,),
        )
        return [item_from_dict(json.loads(row["body"])) for row in rows]

    def item(self, code: str, version: int | None = None) -> ServiceItem | None:
        if version is None:
            rows = self.conn.query(
                "SELECT body FROM catalogue WHERE code = ? ORDER BY version DESC LIMIT 1", (code,)
            )
        else:
            rows = self.conn.query(
                "SELECT body FROM catalogue WHERE code = ? AND version = ?", (code, version)
            )
        return item_from_dict(json.loads(rows[0]["body"])) if rows else None

    def item_for_filing(self, code: str) -> FilingItem | None:
        """The newest version of an item to validate a submission against; kept per process.

        A submission no longer reads and parses the item each time: the item is kept after
        the first read, and :meth:`submit` checks, in the statement that mints the number,
        that the stored newest version still has the body it was parsed from (the body
        travels with the submission in ``NewApplication.item_body``, so the check holds
        whatever another thread does to what is kept). A catalogue saved through this store
        drops what is kept; one saved by another process (a sync round, ``kiosk`` commands)
        is caught by that check (:class:`CatalogueChangedError`).
        """
        kept = self._filing_items.get(code)
        if kept is not None:
            return kept
        rows = self.conn.query(
            "SELECT body FROM catalogue WHERE code = ? ORDER BY version DESC LIMIT 1", (code,)
        )
        if not rows:
            return None
        body = str(rows[0]["body"])
        kept = FilingItem(item_from_dict(json.loads(body)), body)
        self._filing_items[code] = kept
        return kept

    def catalogue_size(self) -> int:
        """How many items the catalogue holds (each counted once, whatever its versions),
        without reading and parsing them."""
        rows = self.conn.query("SELECT COUNT(DISTINCT code) AS n FROM catalogue")
        return int(rows[0]["n"])

    def catalogue_is_empty(self) -> bool:
        return not self.conn.query("SELECT 1 FROM catalogue LIMIT 1")

    # -- applications ------------------------------------------------------------

    def submit(
        self,
        new: NewApplication,
        attachments: Iterable[NewAttachment],
        *,
        id_factory: Callable[[], str],
        promised: Callable[[dt.date], dt.date],
        now: dt.datetime | None = None,
        terminal_code: str | None = None,
        number_factory: NumberFactory | None = None,
    ) -> Application:
        """Store an application, its attachment metadata and its outbox entry in one transaction.

        The number is minted in the transaction under the code
        :func:`kiosk.store.numbering.minting_code` chooses from ``terminal_code`` (the
        configured one): the enrolled code, or this installation's provisional ``0XXXXX``
        before enrolment. ``number_factory`` overrides that (benchmarks and tests).

        When this returns, the application is on disk and will be sent; when it
        raises, nothing of it exists (attachment files written before the
        transaction are unreferenced and cleaned up at the next start).
        """
        files = list(attachments)
        refs = tuple(
            AttachmentRef(
                sha256=self.files.put(a.content),
                field_key=a.field_key,
                filename=a.filename,
                mime_type=a.mime_type,
                size=len(a.content),
            )
            for a in files
        )
        created = now or dt.datetime.now(dt.UTC)
        local_day = china_date(created)
        with self.conn.write() as c:
            local_seq, daily, code = self._mint(
                c, local_day, terminal_code, new.item.code, new.item_body
            )
            if daily > MAX_DAILY_APPLICATIONS:
                raise StoreError(
                    "本终端今天的办件编号已用完（每天最多9999件），请明天再提交或联系技术人员。"
                )
            number = (
                number_factory(daily)
                if number_factory is not None
                else application_number(code(), local_day, daily)
            )
            application = Application(
                id=new.application_id or id_factory(),
                number=number,
                service_code=new.item.code,
                service_version=new.item.version,
                service_name=new.item.name,
                applicant=new.applicant,
                form=dict(new.form),
                attachments=refs,
                channel=new.channel,
                staff_id=new.staff_id,
                consent=new.consent,
                created_at=created,
                local_seq=local_seq,
                promised_date=promised(local_day),
                state=ApplicationState.QUEUED,
                supersedes=new.supersedes,
                materials=new.materials,
                commitment=new.commitment,
                licences=new.licences,
            )
            self._insert_application(c, application, new.item)
        return application

    def _mint(
        self,
        c: sqlite3.Connection,
        day: dt.date,
        configured: str | None,
        item_code: str,
        body: str | None,
    ) -> tuple[int, int, Callable[[], str]]:
        """(local_seq, the day's sequence, the minting code) inside the write transaction ``c``.

        Raises :class:`CatalogueChangedError` when ``body`` (the kept item's stored body) is
        no longer the newest version's. The code is a callable: the provisional code needs
        the install id, created on the first submission only.
        """
        daily_key = f"daily:{day:%Y%m%d}"
        if not HAS_RETURNING:
            current = None
            if body is not None:
                row = c.execute(
                    "SELECT body = ? FROM catalogue WHERE code = ? ORDER BY version DESC LIMIT 1",
                    (body, item_code),
                ).fetchone()
                current = row[0] if row else None
            if body is not None and not current:
                self._filing_items.pop(item_code, None)
                raise CatalogueChangedError(item_code)
            local_seq, daily = next_counter(c, "local_seq"), next_counter(c, daily_key)
            return local_seq, daily, lambda: minting_code(c, configured)
        rows = c.execute(
            _MINT,
            {
                "daily": daily_key,
                "enrolled": ENROLLED_CODE_KEY,
                "install": INSTALL_ID_KEY,
                "body": body,
                "code": item_code,
            },
        ).fetchall()  # to its end: a RETURNING statement left mid-way is still in progress
        values = {str(row[0]): int(row[1]) for row in rows}
        _key, _value, enrolled, install, current = rows[0]
        if body is not None and not current:
            self._filing_items.pop(item_code, None)
            raise CatalogueChangedError(item_code)
        return (
            values["local_seq"],
            values[daily_key],
            lambda: code_for(c, enrolled, install, configured),
        )

    def _insert_application(
        self, c: sqlite3.Connection, app: Application, item: ServiceItem
    ) -> None:
        personal_keys = {f.key for f in item.form if f.personal}
        personal_form = {k: v for k, v in app.form.items() if k in personal_keys}
        public_form = {k: v for k, v in app.form.items() if k not in personal_keys}
        personal = {
            "applicant": {
                "name": app.applicant.name,
                "id_number": app.applicant.id_number,
                "phone": app.applicant.phone,
                "address": app.applicant.address,
            },
            "form": personal_form,
            # Licence numbers are personal: sealed with the applicant, purged with it.
            **({"licences": [lic.to_dict() for lic in app.licences]} if app.licences else {}),
        }
        c.execute(
            "INSERT INTO applications(id, number, service_code, service_version, service_name, "
            "applicant_key, personal, form_public, channel, staff_id, consent, created_at, "
            "local_seq, promised_date, state, state_changed_at, content_hash, supersedes, "
            "provisional_number, materials, commitment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                app.id,
                app.number,
                app.service_code,
                app.service_version,
                app.service_name,
                self.cipher.lookup_hash(app.applicant.id_number),
                self.cipher.encrypt(_dumps(personal).encode(), f"application:{app.id}"),
                _dumps(public_form),
                app.channel.value,
                app.staff_id,
                int(app.consent),
                app.created_at.isoformat(),
                app.local_seq,
                app.promised_date.isoformat(),
                app.state.value,
                app.created_at.isoformat(),
                app.content_hash(),
                app.supersedes,
                app.provisional_number,
                _dumps([m.to_dict() for m in app.materials]) if app.materials else None,
                _dumps(app.commitment.to_dict()) if app.commitment else None,
            ),
        )
        for ref in app.attachments:
            c.execute(
                "INSERT INTO attachments(application_id, sha256, field_key, filename, mime_type, size) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    app.id,
                    ref.sha256,
                    ref.field_key,
                    self.cipher.encrypt(ref.filename.encode(), f"attachment-name:{app.id}"),
                    ref.mime_type,
                    ref.size,
                ),
            )
        _enqueue(c, app.id, "application", app.local_seq)

    def application(self, key: str) -> Application | None:
        """By id, by application number, or by the provisional number it had before enrolment.

        The alias keeps a receipt printed before enrolment valid; a current number wins
        over an alias (both are unique, so at most one row matches each way).
        """
        rows = self.conn.query(
            "SELECT * FROM applications WHERE id = ? OR number = ? OR provisional_number = ? "
            "ORDER BY provisional_number = ? LIMIT 1",
            (key, key, key, key),
        )
        return self._application_from_row(rows[0]) if rows else None

    def applications(
        self, *, states: Iterable[ApplicationState] | None = None, limit: int = 200, offset: int = 0
    ) -> list[Application]:
        """Newest first."""
        if states is None:
            rows = self.conn.query(
                "SELECT * FROM applications ORDER BY local_seq DESC LIMIT ? OFFSET ?",
                (limit, offset),
            )
        else:
            wanted = [s.value for s in states]
            marks = ",".join("?" * len(wanted))
            rows = self.conn.query(
                f"SELECT * FROM applications WHERE state IN ({marks}) "  # noqa: S608 - placeholders only
                "ORDER BY local_seq DESC LIMIT ? OFFSET ?",
                (*wanted, limit, offset),
            )
        return [self._application_from_row(row, lenient=True) for row in rows]

    def applications_of(self, id_number: str) -> list[Application]:
        """Every application of one person on this terminal ("my applications"), newest first."""
        rows = self.conn.query(
            "SELECT * FROM applications WHERE applicant_key = ? ORDER BY local_seq DESC",
            (self.cipher.lookup_hash(id_number),),
        )
        return [self._application_from_row(row, lenient=True) for row in rows]

    def count_by_state(self) -> dict[ApplicationState, int]:
        rows = self.conn.query("SELECT state, COUNT(*) AS n FROM applications GROUP BY state")
        return {ApplicationState(row["state"]): int(row["n"]) for row in rows}

    def daily_summary(self, day: dt.date) -> list[tuple[str, str, ApplicationState, int]]:
        """(code, name, state, count) of applications filed on ``day`` (China time)."""
        start, end = (moment.isoformat() for moment in china_day_bounds_utc(day))
        rows = self.conn.query(
            "SELECT service_code, service_name, state, COUNT(*) AS n FROM applications "
            "WHERE created_at >= ? AND created_at < ? GROUP BY service_code, state "
            "ORDER BY service_code, state",
            (start, end),
        )
        return [
            (r["service_code"], r["service_name"], ApplicationState(r["state"]), int(r["n"]))
            for r in rows
        ]

    def set_receipt_printed(self, application_id: str, printed: bool) -> None:
        with self.conn.write() as c:
            c.execute(
                "UPDATE applications SET receipt_printed = ? WHERE id = ?",
                (int(printed), application_id),
            )

    def attachment_content(self, sha256: str) -> bytes:
        return self.files.get(sha256)

    def _application_from_row(self, row: sqlite3.Row, *, lenient: bool = False) -> Application:
        """One application; a row whose personal data cannot be decrypted raises ``StoreError``.

        ``lenient`` (lists for staff, "my applications") returns it instead with empty
        personal data and ``unreadable`` set, so one damaged row cannot hide every other
        row from the people who must act on it. Never used where the data leaves the
        store (upload, printing): a blank applicant must not be sent or printed as if real.
        """
        public = json.loads(row["form_public"])
        unreadable = False
        applicant = Applicant(name="", id_number="")
        form = public
        licences: tuple[LicenceRef, ...] = ()
        if row["personal"] is not None:
            try:
                personal = json.loads(
                    self.cipher.decrypt(row["personal"], f"application:{row['id']}").decode()
                )
                applicant = Applicant(**personal["applicant"])
                form = {**public, **personal["form"]}
                licences = tuple(LicenceRef.from_dict(d) for d in personal.get("licences", []))
            except (StoreError, ValueError, KeyError, TypeError) as exc:
                if not lenient:
                    raise StoreError(f"申请 {row['number']} 的数据无法解密：{exc}") from exc
                unreadable = True
        attachment_rows = self.conn.query(
            "SELECT * FROM attachments WHERE application_id = ? ORDER BY rowid", (row["id"],)
        )
        refs = tuple(
            AttachmentRef(
                sha256=a["sha256"],
                field_key=a["field_key"],
                filename=self._attachment_name(a["filename"], row["id"], lenient),
                mime_type=a["mime_type"],
                size=int(a["size"]),
            )
            for a in attachment_rows
        )
        return Application(
            id=row["id"],
            number=row["number"],
            service_code=row["service_code"],
            service_version=int(row["service_version"]),
            service_name=row["service_name"],
            applicant=applicant,
            form=form,
            attachments=refs,
            channel=Channel(row["channel"]),
            staff_id=row["staff_id"],
            consent=bool(row["consent"]),
            created_at=dt.datetime.fromisoformat(row["created_at"]),
            local_seq=int(row["local_seq"]),
            promised_date=dt.date.fromisoformat(row["promised_date"]),
            state=ApplicationState(row["state"]),
            state_reason=row["state_reason"],
            receipt_printed=bool(row["receipt_printed"]),
            supersedes=row["supersedes"],
            status_as_of=dt.datetime.fromisoformat(row["status_as_of"])
            if row["status_as_of"]
            else None,
            result_notice=row["result_notice"],
            purged=row["purged_at"] is not None,
            provisional_number=row["provisional_number"],
            unreadable=unreadable,
            accepted_on=_date_or_none(row["accepted_on"]),
            due_on=_date_or_none(row["due_on"]),
            materials=tuple(MaterialState.from_dict(m) for m in json.loads(row["materials"]))
            if row["materials"]
            else (),
            commitment=Commitment.from_dict(json.loads(row["commitment"]))
            if row["commitment"]
            else None,
            licences=licences,
        )

    def _attachment_name(self, blob: bytes | None, application_id: str, lenient: bool) -> str:
        if not blob:
            return ""
        try:
            return self.cipher.decrypt(blob, f"attachment-name:{application_id}").decode()
        except (StoreError, UnicodeDecodeError):
            if lenient:
                return ""
            raise

    def set_state(
        self,
        application_id: str,
        target: ApplicationState,
        reason: str = "",
        now: dt.datetime | None = None,
    ) -> None:
        """Move one application, checking the state machine inside the transaction."""
        with self.conn.write() as c:
            move_state(c, application_id, target, reason, now)

    def requeue(self, application_id: str) -> None:
        """Staff sends a quarantined application again (same id, so still idempotent)."""
        with self.conn.write() as c:
            row = c.execute(
                "SELECT local_seq FROM applications WHERE id = ?", (application_id,)
            ).fetchone()
            if row is None:
                raise KioskError("找不到这件申请。")
            move_state(c, application_id, ApplicationState.QUEUED, "", None)
            _enqueue(c, application_id, "application", int(row[0]))

    # -- ratings and requests ------------------------------------------------------

    def add_rating(self, rating: Rating) -> None:
        with self.conn.write() as c:
            c.execute(
                "INSERT INTO ratings(id, application_number, level, reason, created_at, state) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    rating.id,
                    rating.application_number,
                    int(rating.level),
                    rating.reason,
                    rating.created_at.isoformat(),
                    DeliveryState.QUEUED.value,
                ),
            )
            _enqueue(c, rating.id, "rating", next_counter(c, "local_seq"))

    def rating_for(self, application_number: str) -> Rating | None:
        rows = self.conn.query(
            "SELECT * FROM ratings WHERE application_number = ? ORDER BY created_at DESC LIMIT 1",
            (application_number,),
        )
        if not rows:
            return None
        r = rows[0]
        return Rating(
            id=r["id"],
            application_number=r["application_number"],
            level=RatingLevel(r["level"]),
            reason=r["reason"],
            created_at=dt.datetime.fromisoformat(r["created_at"]),
            state=DeliveryState(r["state"]),
        )

    def add_request(self, request: CitizenRequest) -> None:
        personal = {
            "content": request.content,
            "name": request.name,
            "phone": request.phone,
            "id_number": request.id_number,
        }
        day = china_date(request.created_at)
        with self.conn.write() as c:
            # The look-up number shown when it is filed (查进度): F, the day, that day's sequence.
            number = f"F{day:%y%m%d}{next_counter(c, f'request_seq:{day.isoformat()}'):04d}"
            c.execute(
                "INSERT INTO requests(id, kind, personal, created_at, state, holder_key, number)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    request.id,
                    request.kind.value,
                    self.cipher.encrypt(_dumps(personal).encode(), f"request:{request.id}"),
                    request.created_at.isoformat(),
                    DeliveryState.QUEUED.value,
                    # 我的办件 finds a card holder's requests (and their replies) by this hash
                    self.cipher.lookup_hash(request.id_number) if request.id_number else None,
                    number,
                ),
            )
            _enqueue(c, request.id, "request", next_counter(c, "local_seq"))

    def request(self, request_id: str) -> CitizenRequest | None:
        rows = self.conn.query("SELECT * FROM requests WHERE id = ?", (request_id,))
        if not rows:
            return None
        r = rows[0]
        personal = (
            json.loads(self.cipher.decrypt(r["personal"], f"request:{r['id']}").decode())
            if r["personal"] is not None
            else {"content": "", "name": "", "phone": "", "id_number": ""}
        )
        return CitizenRequest(
            id=r["id"],
            kind=RequestKind(r["kind"]),
            created_at=dt.datetime.fromisoformat(r["created_at"]),
            state=DeliveryState(r["state"]),
            **personal,
        )

    # -- drafts -------------------------------------------------------------------

    def save_draft(self, id_number: str, service_code: str, answers: dict[str, str]) -> None:
        key = self.cipher.lookup_hash(id_number)
        body = self.cipher.encrypt(_dumps(answers).encode(), f"draft:{key}")
        with self.conn.write() as c:
            c.execute(
                "INSERT INTO drafts(holder_key, service_code, body, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(holder_key) DO UPDATE SET service_code=excluded.service_code, "
                "body=excluded.body, updated_at=excluded.updated_at",
                (key, service_code, body, _now_iso()),
            )

    def draft_for(self, id_number: str) -> tuple[str, dict[str, str]] | None:
        """The half-filled form of this card holder only (never anyone else's)."""
        key = self.cipher.lookup_hash(id_number)
        rows = self.conn.query("SELECT * FROM drafts WHERE holder_key = ?", (key,))
        if not rows:
            return None
        answers = json.loads(self.cipher.decrypt(rows[0]["body"], f"draft:{key}").decode())
        return rows[0]["service_code"], answers

    def discard_draft(self, id_number: str) -> None:
        with self.conn.write() as c:
            c.execute(
                "DELETE FROM drafts WHERE holder_key = ?", (self.cipher.lookup_hash(id_number),)
            )

    # -- meta ---------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self.conn.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.conn.write() as c:
            c.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- retention ------------------------------------------------------------------

    def purge_personal_data(self, older_than: dt.datetime) -> int:
        """Delete personal data the platform confirmed before ``older_than``.

        Applications keep number, item, status and dates (and the keyed hash of
        the ID number), which is all "how is my application?" needs; delivered
        requests lose their contacts and content, delivered ratings their reason.
        Returns the number of applications purged.
        """
        rows = self.conn.query(
            "SELECT id FROM applications WHERE purged_at IS NULL AND delivered_at IS NOT NULL "
            "AND delivered_at < ?",
            (older_than.isoformat(),),
        )
        ids = [r["id"] for r in rows]
        hashes: set[str] = set()
        with self.conn.write() as c:
            for app_id in ids:
                hashes.update(
                    r[0]
                    for r in c.execute(
                        "SELECT sha256 FROM attachments WHERE application_id = ?", (app_id,)
                    )
                )
                c.execute(
                    "UPDATE applications SET personal = NULL, purged_at = ? WHERE id = ?",
                    (_now_iso(), app_id),
                )
                c.execute(
                    "UPDATE attachments SET filename = X'' WHERE application_id = ?", (app_id,)
                )
        with self.conn.write() as c:
            # Requests (contacts, content) and rating reasons: free text that may name people.
            c.execute(
                "UPDATE requests SET personal = NULL, reply = NULL"
                " WHERE (personal IS NOT NULL OR reply IS NOT NULL) AND state = ? "
                "AND created_at < ?",
                (DeliveryState.ACKNOWLEDGED.value, older_than.isoformat()),
            )
            c.execute(
                "UPDATE ratings SET reason = '' WHERE reason != '' AND state = ? AND created_at < ?",
                (DeliveryState.ACKNOWLEDGED.value, older_than.isoformat()),
            )
            # Delivered bookings and home visits (issue 13 item 4) lose name, ID number, phone
            # and address; number, item, slot and the holder's keyed hash stay for 我的办件.
            c.execute(
                "UPDATE bookings SET personal = NULL WHERE personal IS NOT NULL AND state = ? "
                "AND created_at < ?",
                (DeliveryState.ACKNOWLEDGED.value, older_than.isoformat()),
            )
        still_used = {
            r["sha256"]
            for r in self.conn.query(
                "SELECT a.sha256 FROM attachments a JOIN applications p ON p.id = a.application_id "
                "WHERE p.purged_at IS NULL"
            )
        }
        for digest in hashes - still_used:
            self.files.delete(digest)
        return len(ids)

    def remove_orphan_files(self) -> int:
        referenced = [
            r["sha256"]
            for r in self.conn.query(
                "SELECT a.sha256 FROM attachments a JOIN applications p ON p.id = a.application_id "
                "WHERE p.purged_at IS NULL"
            )
        ]
        return self.files.remove_orphans(referenced)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _enqueue(c: sqlite3.Connection, item_id: str, kind: str, seq: int) -> None:
    c.execute(
        "INSERT INTO outbox(item_id, kind, seq, next_attempt_at) VALUES (?, ?, ?, 0) "
        "ON CONFLICT(item_id) DO UPDATE SET kind = excluded.kind, next_attempt_at = 0, "
        "lease_until = 0",
        (item_id, kind, seq),
    )


def move_state(
    c: sqlite3.Connection,
    application_id: str,
    target: ApplicationState,
    reason: str,
    now: dt.datetime | None,
    *,
    reopen: bool = False,
) -> ApplicationState:
    """Move one application to ``target`` inside the caller's write transaction ``c``.

    The store package's internal API for state changes (``Store``, ``Outbox`` and
    the renumbering at enrolment all use it; nothing outside ``kiosk/store/``
    does): it refuses every move ``kiosk.states`` does not list and stamps the
    change and, on first delivery, ``delivered_at``. Returns the previous state.
    ``reopen``: the platform reopened a final decision (``kiosk.states.check_reopen``).
    """
    row = c.execute("SELECT state FROM applications WHERE id = ?", (application_id,)).fetchone()
    if row is None:
        raise StoreError(f"unknown application {application_id}")
    current = ApplicationState(row[0])
    if reopen:
        check_reopen(current, target)
    else:
        check_transition(current, target)
    stamp = _now_iso(now)
    c.execute(
        "UPDATE applications SET state = ?, state_reason = ?, state_changed_at = ?, "
        "delivered_at = CASE WHEN ? AND delivered_at IS NULL THEN ? ELSE delivered_at END "
        "WHERE id = ?",
        (target.value, reason, stamp, int(target.is_delivered), stamp, application_id),
    )
    return current


def _date_or_none(value: str | None) -> dt.date | None:
    """An ISO date column that is NULL until the platform sends it."""
    return dt.date.fromisoformat(value) if value else None
