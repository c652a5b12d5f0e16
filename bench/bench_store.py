"""Submit latency and outbox cost, against floors measured in the same run; counted and timed.

Floors (all WAL + ``synchronous=FULL``, 1.5 KB rows):
- a bare SQLite commit of one row, with SQLite's default checkpointing, and the same with
  the store's own policy (a passive checkpoint after every commit, which keeps a WAL file
  deleted after a crash from losing anything: issue 10);
- a plain outbox of the same shape as the kiosk's path (one INSERT per item in its own
  transaction; claim 50 = SELECT … LIMIT 50 + one UPDATE of the leases; acknowledge 50 =
  one DELETE), with and without the store's checkpoint policy;
- the item-by-item plain outbox of the first version of this bench (INSERT; SELECT … LIMIT 1
  + DELETE, each its own transaction), for comparison with earlier tables.

The kiosk's path is the sync engine's: submit each application, claim 50 (one transaction),
acknowledge 50 (one transaction). Statements are counted at the connection (top level; the
store's one trigger runs inside SQLite) and so are transactions (COMMITs): both are exact.

Usage: .venv/bin/python -m bench.bench_store [--history 100000] [--samples 300] [--cores 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import cores
from kiosk.application import Applicant
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.store.outbox import Outbox, OutboxEntry, OutboxKind
from kiosk.usecases.submit import submit_application
from tests.core.conftest import PENSION, ZHANG

ANSWERS = {"grade": "300元", "household": "3", "bank_account": "6222020200112233445"}
BATCH = 50
BODY = "x" * 1500


class CountingConnection:
    """Wraps the store's ``sqlite3.Connection``: counts statements and commits as they run."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.statements = 0
        self.commits = 0

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self.statements += 1
        if sql.lstrip().upper().startswith("COMMIT"):
            self.commits += 1
        return self.raw.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


@dataclass
class Cost:
    ms_per_item: float
    statements_per_item: float
    commits_per_item: float
    cpu_ms_per_item: float = float("nan")  # this process's CPU time: steadier on a busy machine


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def _time(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _plain(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def _commit(conn: sqlite3.Connection, checkpoint: bool) -> None:
    conn.execute("COMMIT")
    if checkpoint:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def bare_commit(folder: Path, n: int, checkpoint: bool) -> list[float]:
    conn = _plain(folder / f"bare-{checkpoint}.sqlite3")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")

    def one() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t(body) VALUES (?)", (BODY,))
        _commit(conn, checkpoint)

    out = _time(one, n)
    conn.close()
    return out


def plain_outbox(folder: Path, n: int, checkpoint: bool) -> Cost:
    """The floor in the kiosk's shape: insert per item; claim and delete per batch of 50."""
    conn = _plain(folder / f"plain-{checkpoint}.sqlite3")
    conn.execute(
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT, lease_until REAL DEFAULT 0)"
    )
    statements = commits = 0
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO outbox(body) VALUES (?)", (BODY,))
        _commit(conn, checkpoint)
        statements += 3 + checkpoint
        commits += 1
    drained = 0
    while drained < n:
        conn.execute("BEGIN IMMEDIATE")
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM outbox WHERE lease_until <= ? ORDER BY id LIMIT ?",
                (time.time(), BATCH),
            )
        ]
        marks = ", ".join("?" * len(ids))
        conn.execute(
            f"UPDATE outbox SET lease_until = ? WHERE id IN ({marks})",
            (time.time() + 60, *ids),
        )
        _commit(conn, checkpoint)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"DELETE FROM outbox WHERE id IN ({marks})", ids)
        _commit(conn, checkpoint)
        statements += 7 + 2 * checkpoint
        commits += 2
        drained += len(ids)
    elapsed = (time.perf_counter() - start) * 1000
    cpu_ms = (time.process_time() - cpu) * 1000
    conn.close()
    return Cost(elapsed / n, statements / n, commits / n, cpu_ms / n)


def plain_outbox_item_by_item(folder: Path, n: int) -> Cost:
    """The first version's floor: every claim and delete its own transaction, no checkpoint."""
    conn = _plain(folder / "plain-items.sqlite3")
    conn.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT)")
    start = time.perf_counter()
    for _ in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO outbox(body) VALUES (?)", (BODY,))
        conn.execute("COMMIT")
    for _ in range(n):
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute("SELECT id FROM outbox ORDER BY id LIMIT 1").fetchone()
        conn.execute("DELETE FROM outbox WHERE id = ?", (row[0],))
        conn.execute("COMMIT")
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    return Cost(elapsed / n, 7.0, 2.0)


def kiosk_core(folder: Path) -> KioskCore:
    core = KioskCore.open(DataDir(folder))
    core.store.save_catalogue([PENSION])
    return core


def _acknowledge(core: KioskCore, outbox: Outbox, batch: list[OutboxEntry]) -> None:
    """As the sync engine does: the batch's acknowledgement in one transaction."""
    many = getattr(outbox, "acknowledged_many", None)  # absent before issue 16
    with core.store.conn.write():
        if many is not None:
            many(batch)
        else:
            for entry in batch:
                outbox.acknowledged(entry)


def add_history(core: KioskCore, count: int) -> None:
    """Past applications, delivered long ago: they are in the database but not in the outbox."""
    outbox = Outbox(core.store)
    applicant = Applicant(ZHANG.name, ZHANG.id_number, ZHANG.phone, ZHANG.address)
    done = 0
    real_clock = core.clock
    while done < count:
        chunk = min(5000, count - done)
        # history spreads over past days: a terminal numbers at most 9,999 applications a day
        day = dt.datetime(2025, 1, 1, 2, tzinfo=dt.UTC) + dt.timedelta(days=done // 5000)
        core.clock = lambda day=day: day  # type: ignore[misc]
        with core.store.conn.write():
            for _ in range(chunk):
                submit_application(core, PENSION.code, applicant, ANSWERS)
        _acknowledge(core, outbox, outbox.claim(OutboxKind.APPLICATION, chunk, now=0.0, lease_s=1))
        done += chunk
    core.clock = real_clock


def outbox_cycle(core: KioskCore, n: int) -> Cost:
    """Per item: submit (enqueue), then claim 50 and acknowledge them, as the engine does."""
    outbox = Outbox(core.store)
    counting = CountingConnection(core.store.conn.raw)
    core.store.conn.raw = counting  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        cpu = time.process_time()
        for _ in range(n):
            submit_application(core, PENSION.code, ZHANG, ANSWERS)
        drained = 0
        while drained < n:
            batch = outbox.claim(OutboxKind.APPLICATION, BATCH, now=time.time(), lease_s=60)
            _acknowledge(core, outbox, batch)
            drained += len(batch)
        elapsed = (time.perf_counter() - start) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
    finally:
        core.store.conn.raw = counting.raw
    return Cost(elapsed / n, counting.statements / n, counting.commits / n, cpu_ms / n)


def _row(label: str, value: float, floor: float, unit: str = "") -> None:
    ratio = value / floor if floor else float("nan")
    print(f"{label:<66} {value:>9.2f}{unit} {floor:>9.2f}{unit} {ratio:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        floor = bare_commit(root, args.samples, checkpoint=False)
        floor_ckpt = bare_commit(root, args.samples, checkpoint=True)
        core = kiosk_core(root / "submit")
        submits = _time(
            lambda: submit_application(core, PENSION.code, ZHANG, ANSWERS), args.samples
        )
        core.close()
        plain = plain_outbox(root, args.samples, checkpoint=False)
        plain_ckpt = plain_outbox(root, args.samples, checkpoint=True)
        plain_items = plain_outbox_item_by_item(root, args.samples)
        empty = kiosk_core(root / "empty")
        cost_empty = outbox_cycle(empty, args.samples)
        empty.close()
        full = kiosk_core(root / "full")
        started = time.perf_counter()
        add_history(full, args.history)
        history_s = time.perf_counter() - started
        cost_full = outbox_cycle(full, args.samples)
        full.close()

    f50, f99 = _percentiles(floor)
    c50, c99 = _percentiles(floor_ckpt)
    s50, s99 = _percentiles(submits)
    print(f"{'measure':<66} {'value':>9} {'floor':>9} {'ratio':>7}")
    _row("submit p50 (ms) vs bare commit, store's checkpoint policy", s50, c50)
    _row("submit p99 (ms) vs bare commit, store's checkpoint policy", s99, c99)
    _row("submit p50 (ms) vs bare commit, SQLite's default checkpoints", s50, f50)
    _row("submit p99 (ms) vs bare commit, SQLite's default checkpoints", s99, f99)
    for label, cost in (("0 past", cost_empty), (f"{args.history:,} past", cost_full)):
        _row(
            f"outbox ms/item, {label}, vs plain outbox (same checkpoints)",
            cost.ms_per_item,
            plain_ckpt.ms_per_item,
        )
        _row(
            f"outbox ms/item, {label}, vs plain outbox (default checkpoints)",
            cost.ms_per_item,
            plain.ms_per_item,
        )
        _row(
            f"outbox ms/item, {label}, vs item-by-item plain outbox (old floor)",
            cost.ms_per_item,
            plain_items.ms_per_item,
        )
    for label, cost in (("0 past", cost_empty), (f"{args.history:,} past", cost_full)):
        _row(
            f"outbox CPU ms/item, {label}, vs plain outbox (same checkpoints)",
            cost.cpu_ms_per_item,
            plain_ckpt.cpu_ms_per_item,
        )
    _row(
        "outbox statements/item vs plain outbox (same checkpoints)",
        cost_empty.statements_per_item,
        plain_ckpt.statements_per_item,
    )
    _row(
        "outbox transactions/item vs plain outbox",
        cost_empty.commits_per_item,
        plain_ckpt.commits_per_item,
    )
    print(
        f"{'history growth: ms/item at N past / at 0 past':<66} "
        f"{cost_full.ms_per_item / cost_empty.ms_per_item:>9.2f}"
    )
    print(
        f"{'history growth: CPU ms/item at N past / at 0 past':<66} "
        f"{cost_full.cpu_ms_per_item / cost_empty.cpu_ms_per_item:>9.2f}"
    )
    print(
        f"{'history growth: statements/item at N past / at 0 past':<66} "
        f"{cost_full.statements_per_item / cost_empty.statements_per_item:>9.2f}"
    )
    print(
        f"(building {args.history:,} past applications took {history_s:.0f} s; "
        f"{args.samples} samples each)"
    )
    cores.report_end()


if __name__ == "__main__":
    main()
