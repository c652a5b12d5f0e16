"""The batched claim and acknowledgement leave every row exactly as the item-by-item path did.

Issue 16 (goal 4) made claim and acknowledgement a few statements per batch. The old
item-by-item code is kept here as the reference; both run on byte-identical copies of a
real SQLite store with the same clock, over generated mixes of states, attachments and
kinds, and the resulting ``applications``, ``ratings``, ``requests`` and ``outbox`` rows
are compared.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from kiosk.states import ApplicationState, DeliveryState
from kiosk.store.outbox import Outbox, OutboxEntry, OutboxKind
from kiosk.store.store import move_state
from tests.sync.synchelpers import fill_store, open_store

NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
_NO_EXPLAIN = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)

STATES = (
    ApplicationState.QUEUED,
    ApplicationState.SENDING,
    ApplicationState.ACKNOWLEDGED,
    ApplicationState.ATTACHMENTS_PENDING,
    ApplicationState.DONE,
    ApplicationState.QUARANTINED,
    ApplicationState.ACCEPTED,
)


def _old_acknowledged(c: sqlite3.Connection, entry: OutboxEntry, now: dt.datetime) -> None:
    """The item-by-item acknowledgement as it was before issue 16 (the reference)."""
    if entry.kind is OutboxKind.APPLICATION:
        current = c.execute(
            "SELECT state FROM applications WHERE id = ?", (entry.item_id,)
        ).fetchone()[0]
        if current in (ApplicationState.QUEUED.value, ApplicationState.SENDING.value):
            if current == ApplicationState.QUEUED.value:
                move_state(c, entry.item_id, ApplicationState.SENDING, "", now)
            move_state(c, entry.item_id, ApplicationState.ACKNOWLEDGED, "", now)
        missing = c.execute(
            "SELECT COUNT(*) FROM attachments WHERE application_id = ? AND uploaded = 0",
            (entry.item_id,),
        ).fetchone()[0]
        state = c.execute(
            "SELECT state FROM applications WHERE id = ?", (entry.item_id,)
        ).fetchone()[0]
        if missing:
            if state == ApplicationState.ACKNOWLEDGED.value:
                move_state(c, entry.item_id, ApplicationState.ATTACHMENTS_PENDING, "", now)
            c.execute(
                "UPDATE outbox SET kind = ?, lease_until = 0, next_attempt_at = 0, attempts = 0 "
                "WHERE item_id = ?",
                (OutboxKind.ATTACHMENTS.value, entry.item_id),
            )
        else:
            if state in (
                ApplicationState.ACKNOWLEDGED.value,
                ApplicationState.ATTACHMENTS_PENDING.value,
            ):
                move_state(c, entry.item_id, ApplicationState.DONE, "", now)
            c.execute("DELETE FROM outbox WHERE item_id = ?", (entry.item_id,))
    else:
        table = "ratings" if entry.kind is OutboxKind.RATING else "requests"
        c.execute(
            f"UPDATE {table} SET state = ? WHERE id = ?",
            (DeliveryState.ACKNOWLEDGED.value, entry.item_id),
        )
        c.execute("DELETE FROM outbox WHERE item_id = ?", (entry.item_id,))


def _snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            "applications": conn.execute(
                "SELECT id, state, state_reason, state_changed_at, delivered_at, reached_platform "
                "FROM applications ORDER BY id"
            ).fetchall(),
            "ratings": conn.execute("SELECT id, state FROM ratings ORDER BY id").fetchall(),
            "requests": conn.execute("SELECT id, state FROM requests ORDER BY id").fetchall(),
            "outbox": conn.execute(
                "SELECT item_id, kind, seq, next_attempt_at, lease_until, attempts, last_error "
                "FROM outbox ORDER BY seq"
            ).fetchall(),
        }
    finally:
        conn.close()


def _prepared_store(root: Path, mix: list[tuple[int, bool]], ratings: int, requests: int) -> Path:
    """A store holding one application per ``(state index, has an unsent file)`` of ``mix``."""
    store = open_store(root)
    try:
        apps = []
        for i, (_state, with_file) in enumerate(mix):
            apps += fill_store(
                store,
                apps=1,
                files_per_app=int(with_file),
                file_size=100,
                ratings=0,
                requests=0,
                seed=i,
            )
        fill_store(store, apps=0, ratings=0, requests=requests)
        if ratings:
            fill_store(store, apps=1, files_per_app=0, ratings=ratings, requests=0, seed=99)
        with store.conn.write() as c:
            for app, (state_index, _) in zip(apps, mix, strict=True):
                # Test set-up: put the row in the state directly (as earlier rounds left it).
                c.execute(
                    "UPDATE applications SET state = ? WHERE id = ?",
                    (STATES[state_index].value, app.id),
                )
        store.conn.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return root


def _entries(path: Path) -> list[OutboxEntry]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT item_id, kind, attempts, last_error FROM outbox ORDER BY seq")
        return [OutboxEntry(r[0], OutboxKind(r[1]), int(r[2]), r[3]) for r in rows]
    finally:
        conn.close()


@settings(max_examples=25, deadline=None, phases=_NO_EXPLAIN, derandomize=True)
@given(
    mix=st.lists(st.tuples(st.integers(0, len(STATES) - 1), st.booleans()), min_size=1, max_size=8),
    ratings=st.integers(0, 2),
    requests=st.integers(0, 2),
    repeat_one=st.booleans(),
)
def test_batched_acknowledgement_leaves_rows_as_the_item_by_item_path_did(
    mix: list[tuple[int, bool]], ratings: int, requests: int, repeat_one: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = _prepared_store(Path(tmp) / "base", mix, ratings, requests)
        old_root = Path(tmp) / "old"
        new_root = Path(tmp) / "new"
        shutil.copytree(base, old_root)
        shutil.copytree(base, new_root)
        database = "kiosk.sqlite3"
        entries = [e for e in _entries(base / database) if e.kind is not OutboxKind.ATTACHMENTS]
        if repeat_one and entries:
            entries.append(entries[0])  # the platform answering the same item twice

        old = open_store(old_root)
        try:
            with old.conn.write() as c:
                for entry in entries:
                    _old_acknowledged(c, entry, NOW)
        finally:
            old.close()
        new = open_store(new_root)
        try:
            Outbox(new).acknowledged_many(entries, NOW)
        finally:
            new.close()
        assert _snapshot(new_root / database) == _snapshot(old_root / database)


def test_batched_claim_leases_and_marks_the_same_items_as_before(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        apps = fill_store(store, apps=7, files_per_app=0, ratings=3, requests=2)
        with store.conn.write() as c:  # one already delivered by a status: never moved back
            move_state(c, apps[2].id, ApplicationState.SENDING, "", NOW)
            move_state(c, apps[2].id, ApplicationState.ACKNOWLEDGED, "", NOW)
        outbox = Outbox(store)
        claimed = outbox.claim(OutboxKind.APPLICATION, 5, now=1000.0, lease_s=60)
        assert [e.item_id for e in claimed] == [a.id for a in apps[:5]]  # oldest first
        assert outbox.claim(OutboxKind.APPLICATION, 5, now=1000.0, lease_s=60) == [
            OutboxEntry(a.id, OutboxKind.APPLICATION, 0, "") for a in apps[5:]
        ]
        states = {a.id: store.application(a.id).state for a in apps}
        assert states[apps[2].id] is ApplicationState.ACKNOWLEDGED
        assert {s for i, s in states.items() if i != apps[2].id} == {ApplicationState.SENDING}
        leases = {
            r["lease_until"]
            for r in store.conn.query("SELECT lease_until FROM outbox WHERE kind = 'application'")
        }
        assert leases == {1060.0}
        ratings = outbox.claim(OutboxKind.RATING, 10, now=1000.0, lease_s=60)
        assert len(ratings) == 3
        rows = store.conn.query("SELECT state FROM ratings")
        assert {r["state"] for r in rows} == {DeliveryState.SENDING.value}
        assert outbox.claim(OutboxKind.APPLICATION, 5, now=1000.0, lease_s=60) == []
    finally:
        store.close()
