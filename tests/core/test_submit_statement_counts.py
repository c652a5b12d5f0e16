"""A submission costs a fixed, small number of SQL statements (issue 16, goal 4).

Counted, never timed: the store's connection is wrapped so every statement the kiosk
issues (top level) is recorded. The floor is a plain outbox's insert: BEGIN, INSERT,
COMMIT and the store's passive checkpoint (4). A submission was 12 (the item read before
the transaction, a SELECT and an UPSERT per counter, two ``meta`` reads, the application
and outbox inserts, COMMIT, checkpoint); now 6.

Keeping the item per process and reading ``meta`` inside the counters' statement must not
weaken what the numbers and the catalogue promise, so the rest of this file is the
guarantees that caching could break: a second store on the same files (a real second
connection, as another process would hold) saves a new item version or enrols the
terminal, and the next submission in the first store sees it.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.application import Channel
from kiosk.catalogue import ItemState
from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.ids import uuid7
from kiosk.paths import DataDir
from kiosk.states import ApplicationState
from kiosk.store import CatalogueChangedError, NewApplication, Store
from kiosk.store import db as store_db
from kiosk.store import store as store_module
from kiosk.store.numbering import adopt_code
from kiosk.store.outbox import Outbox, OutboxKind
from kiosk.usecases.submit import submit_application
from tests.core.conftest import PENSION, WANG, ZHANG

ANSWERS = {"grade": "300元", "household": "3"}

SUBMIT_STATEMENTS = 6
"""BEGIN, the counters' UPSERT (reading the minting code and checking the item), the
application's INSERT, the outbox's INSERT, COMMIT, the passive checkpoint."""


class CountingConnection:
    """A ``sqlite3.Connection`` stand-in that records each statement before running it."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw
        self.statements: list[str] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self.statements.append(" ".join(sql.split()))
        return self._raw.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


def _counted_submit(core: KioskCore, **kwargs: Any) -> list[str]:
    counting = CountingConnection(core.store.conn.raw)
    core.store.conn.raw = counting  # type: ignore[assignment]
    try:
        submit_application(core, PENSION.code, ZHANG, ANSWERS, **kwargs)
    finally:
        core.store.conn.raw = counting._raw
    return counting.statements


@pytest.fixture
def other_process(core: KioskCore) -> Iterator[Store]:
    """A second store on the same database: its own connection, as another process has."""
    other = Store(DataDir(core.store.data.root), check_integrity=False)
    yield other
    other.close()


def test_submit_of_one_application_uses_at_most_six_statements(core: KioskCore) -> None:
    submit_application(core, PENSION.code, WANG, ANSWERS)  # the item is read and kept once
    statements = _counted_submit(core)
    assert len(statements) <= SUBMIT_STATEMENTS, statements
    assert [s.split()[0].upper() for s in statements] == [
        "BEGIN",
        "INSERT",  # the counters, reading meta and checking the item: RETURNING
        "INSERT",  # the application
        "INSERT",  # its outbox row
        "COMMIT",
        "PRAGMA",  # wal_checkpoint(PASSIVE): a WAL deleted after a crash loses nothing
    ]
    # No read-back: nothing is SELECTed on its own, before or inside the transaction.
    assert not [s for s in statements if s.upper().startswith("SELECT")], statements


def test_submit_statement_count_does_not_depend_on_the_day_or_the_count(
    core: KioskCore,
) -> None:
    """The tenth submission costs what the second does: counters are updated, never scanned."""
    submit_application(core, PENSION.code, WANG, ANSWERS)
    counts = {len(_counted_submit(core)) for _ in range(10)}
    assert counts == {SUBMIT_STATEMENTS}


def test_submit_numbers_stay_consecutive_and_unique(core: KioskCore) -> None:
    numbers = [submit_application(core, PENSION.code, ZHANG, ANSWERS).number for _ in range(12)]
    seqs = [int(n.split("-")[2]) for n in numbers]
    assert seqs == list(range(1, 13))
    assert len(set(numbers)) == 12
    local = [a.local_seq for a in core.store.applications(limit=20)]
    assert sorted(local) == list(range(1, 13))
    # Counters stay text in meta, as every reader of meta expects.
    assert core.store.get_meta("local_seq") == "12"


def test_counters_without_returning_give_the_same_numbers(
    core: KioskCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite before 3.35 (Debian 11 ships 3.34) has no RETURNING: the old path, same numbers."""
    first = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    monkeypatch.setattr(store_module, "HAS_RETURNING", False)
    monkeypatch.setattr(store_db, "HAS_RETURNING", False)
    second = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    monkeypatch.setattr(store_module, "HAS_RETURNING", True)
    monkeypatch.setattr(store_db, "HAS_RETURNING", True)
    third = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    assert [a.local_seq for a in (first, second, third)] == [1, 2, 3]
    assert [a.number.split("-")[2] for a in (first, second, third)] == ["0001", "0002", "0003"]
    assert first.number[:6] == second.number[:6] == third.number[:6]


def test_a_new_item_version_saved_by_another_process_is_filed_against(
    core: KioskCore, other_process: Store
) -> None:
    """The kept item is checked in the transaction: a version saved elsewhere is used next."""
    assert submit_application(core, PENSION.code, ZHANG, ANSWERS).service_version == 1
    renamed = dataclasses.replace(PENSION, version=2, name="城乡居民养老保险参保登记（新）")
    other_process.save_catalogue([renamed])
    filed = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    assert (filed.service_version, filed.service_name) == (2, renamed.name)
    stored = core.store.application(filed.id)
    assert stored is not None and stored.service_version == 2


def test_an_item_closed_by_another_process_refuses_new_applications(
    core: KioskCore, other_process: Store
) -> None:
    """Same version, body changed (closed for new applications): the kept item is not used."""
    submit_application(core, PENSION.code, ZHANG, ANSWERS)
    other_process.save_catalogue([dataclasses.replace(PENSION, state=ItemState.CLOSING)])
    with pytest.raises(ValidationError, match="停止受理"):
        submit_application(core, PENSION.code, ZHANG, ANSWERS)
    assert Outbox(core.store).stats().depth == 1  # nothing half-filed by the refused attempt


def test_a_stale_item_rolls_back_its_counters(core: KioskCore, other_process: Store) -> None:
    """The check that finds the item changed is in the counters' statement: rolled back."""
    submit_application(core, PENSION.code, ZHANG, ANSWERS)
    other_process.save_catalogue([dataclasses.replace(PENSION, version=2)])
    filed = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    assert filed.local_seq == 2 and filed.number.split("-")[2] == "0002"


def test_an_item_changed_after_validation_is_refused_in_the_transaction(
    core: KioskCore,
) -> None:
    """The body travels with the submission: a change between validation and commit is
    caught even when it was saved through the same store (another thread) and the kept
    item was dropped in between."""
    filing = core.store.item_for_filing(PENSION.code)
    assert filing is not None
    core.store.save_catalogue([dataclasses.replace(PENSION, version=2)])
    new = NewApplication(
        item=filing.item,
        applicant=ZHANG,
        form={"grade": "300元", "household": "3"},
        channel=Channel.SELF_SERVICE,
        staff_id=None,
        consent=False,
        item_body=filing.body,
    )
    with pytest.raises(CatalogueChangedError):
        core.store.submit(new, [], id_factory=lambda: str(uuid7()), promised=lambda day: day)
    assert core.store.applications() == []
    assert core.store.get_meta("local_seq") is None  # the counters' move was rolled back
    # The use case validates again against the stored version and files it.
    assert submit_application(core, PENSION.code, ZHANG, ANSWERS).service_version == 2


def test_an_enrolment_by_another_process_numbers_the_next_application_under_its_code(
    core: KioskCore, other_process: Store
) -> None:
    """``meta`` is read in the transaction, never kept: `kiosk provision` elsewhere counts."""
    before = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    assert before.number.startswith("0")  # provisional, from the install id
    adopt_code(other_process, "330217")
    after = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    assert after.number.startswith("330217-")
    renumbered = core.store.application(before.id)
    assert renumbered is not None and renumbered.number.startswith("330217-")
    assert renumbered.provisional_number == before.number


def test_first_submission_creates_the_install_id_once(core: KioskCore) -> None:
    a = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    install = core.store.get_meta("terminal:install_id")
    b = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    assert install is not None and core.store.get_meta("terminal:install_id") == install
    assert a.number[:6] == b.number[:6]


def test_claimed_and_acknowledged_after_the_fast_submit(core: KioskCore) -> None:
    """The outbox row written by the fast path is the one the sync engine claims."""
    filed = submit_application(core, PENSION.code, ZHANG, ANSWERS)
    outbox = Outbox(core.store)
    batch = outbox.claim(OutboxKind.APPLICATION, 50, now=0.0, lease_s=60)
    assert [e.item_id for e in batch] == [filed.id]
    with core.store.conn.write():
        outbox.acknowledged_many(batch)
    stored = core.store.application(filed.id)
    assert stored is not None and stored.state is not ApplicationState.QUEUED
    assert outbox.stats().depth == 0
