"""The claim/ack path costs a fixed number of statements and transactions per batch (issue 16, goal 4).

Counted, never timed: the store's SQLite connection is wrapped so every statement the
kiosk issues (top level; trigger bodies are SQLite's own work) is recorded. The counts are
deterministic, so they can be asserted. Against the real reference platform on 127.0.0.1.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from kiosk.states import ApplicationState
from kiosk.store.outbox import Outbox
from tests.sync.synchelpers import fill_store


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


def _counted_round(kiosk_store: Any, make_engine: Any, apps: int) -> list[str]:
    fill_store(kiosk_store, apps=apps, files_per_app=0, ratings=0, requests=0, seed=apps)
    engine = make_engine()
    engine.run_round()  # enrolment, catalogue and the first pulls: not what is counted
    fill_store(kiosk_store, apps=apps, files_per_app=0, ratings=0, requests=0, seed=apps + 1)
    counting = CountingConnection(kiosk_store.conn.raw)
    kiosk_store.conn.raw = counting
    try:
        report = engine.run_round()
    finally:
        kiosk_store.conn.raw = counting._raw
    assert report.ok, report.error
    assert Outbox(kiosk_store).stats().depth == 0
    states = {r["state"] for r in kiosk_store.conn.query("SELECT state FROM applications")}
    assert states == {ApplicationState.DONE.value}
    return counting.statements


def _writes(statements: list[str]) -> list[str]:
    """Statements that change outbox or delivery state (reads of the payloads excluded)."""
    verbs = ("UPDATE", "DELETE", "INSERT", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    return [s for s in statements if s.upper().startswith(verbs)]


def test_claim_and_ack_write_a_fixed_number_of_statements_per_batch(
    kiosk_store: Any, make_engine: Any
) -> None:
    few = _writes(_counted_round(kiosk_store, make_engine, 5))
    # A fresh store for the bigger batch would need a second engine; the same store with 40
    # more queued applications is the same round shape (one batch: batch_size is 50).
    many = _writes(_counted_round(kiosk_store, make_engine, 40))
    # Was 7 writes per item on claim and 8 on acknowledgement (each item its own UPDATEs,
    # savepoint and DELETE): 5 -> 40 items added ~525 write statements. Now the batch's
    # claim is one UPDATE of the leases and one of the shown states, its acknowledgement
    # one UPDATE per target state and one DELETE, whatever the number of items.
    assert len(many) == len(few), (few, many)
    # The whole round's writes: 8 transactions (claim, acknowledgement, the empty claims
    # that end the upload loops, pull cursors and sync health), 38 statements with 5 or 40
    # items; the old path wrote 38 + ~15 per item.
    assert len(few) <= 40, few


def test_claim_and_ack_commit_once_each_per_batch(kiosk_store: Any, make_engine: Any) -> None:
    statements = _counted_round(kiosk_store, make_engine, 30)
    commits = [s for s in statements if s.upper().startswith("COMMIT")]
    # One for the claim (applications, ratings and requests together; was three), one for
    # the acknowledgement, one for the empty claim that ends the round (was three), plus the
    # round's own bookkeeping (pull cursors, sync health): bounded, not per item.
    assert len(commits) <= 8, statements
    claims = [s for s in statements if s.startswith("SELECT item_id, attempts, last_error")]
    begins = [s for s in statements if s.upper().startswith("BEGIN")]
    # the two claim rounds (one with items, the closing empty one), three kinds each, in
    # two transactions; then the attachments' claim, which finds nothing
    assert len(claims) == 7
    assert len(begins) == len(commits)
