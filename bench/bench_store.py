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
store's one trigger runs inside SQLite), and so are transactions (COMMITs) and the pages
each commit writes (WAL frames, as the checkpoint after it reports them): all exact.

Interleaved (issue 16, goal 4): the machine is shared, so the kiosk's path and its floors
run in alternating blocks of one batch (50 items) rather than one after another; a burst
of someone else's work then slows both sides of a ratio alike. Submit latency alternates
one bare commit and one submission per sample for the same reason.

Usage: .venv/bin/python -m bench.bench_store [--history 100000] [--samples 600] [--cores 1]
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
    """Wraps a ``sqlite3.Connection``: counts statements, commits and the pages commits write.

    The pages are the WAL frames the passive checkpoint after each commit reports (the WAL
    restarts after a complete checkpoint, so that is the commit's own frames); both the
    store and the same-policy floors checkpoint after every commit.
    """

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.statements = 0
        self.commits = 0
        self.frames = 0

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.statements += 1
        text = sql.lstrip().upper()
        if text.startswith("COMMIT"):
            self.commits += 1
        cursor = self.raw.execute(sql, params)
        if text.startswith("PRAGMA WAL_CHECKPOINT"):
            rows = cursor.fetchall()
            self.frames += int(rows[0][1]) if rows and rows[0][1] > 0 else 0
            return _Rows(rows)
        return cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _Rows:
    """The checkpoint's rows, already fetched (to count its frames), for the caller's fetchall."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def fetchall(self) -> list[Any]:
        return self.rows


@dataclass
class Cost:
    ms_per_item: float
    statements_per_item: float
    commits_per_item: float
    cpu_ms_per_item: float = float("nan")  # this process's CPU time: steadier on a busy machine
    frames_per_item: float = float("nan")  # 4 KB pages written to the WAL (and checkpointed)
    submit_statements_per_item: float = float("nan")  # the enqueue alone (a submission)


@dataclass
class Tally:
    """Sums of the blocks one side ran; per-item figures at the end."""

    counting: CountingConnection
    items: int = 0
    ms: float = 0.0
    cpu_ms: float = 0.0
    statements: int = 0
    commits: int = 0
    frames: int = 0
    submit_statements: int = 0

    def run(self, n: int, enqueue: Callable[[], None], drain: Callable[[int], None]) -> None:
        """Enqueue ``n`` items one by one, then drain them in batches; time and count it."""
        c = self.counting
        before = (c.statements, c.commits, c.frames)
        start = time.perf_counter()
        cpu = time.process_time()
        for _ in range(n):
            enqueue()
        submitted = c.statements
        drain(n)
        self.cpu_ms += (time.process_time() - cpu) * 1000
        self.ms += (time.perf_counter() - start) * 1000
        self.items += n
        self.submit_statements += submitted - before[0]
        self.statements += c.statements - before[0]
        self.commits += c.commits - before[1]
        self.frames += c.frames - before[2]

    def cost(self) -> Cost:
        n = self.items or 1
        return Cost(
            self.ms / n,
            self.statements / n,
            self.commits / n,
            self.cpu_ms / n,
            self.frames / n,
            self.submit_statements / n,
        )


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _plain(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def _commit(conn: Any, checkpoint: bool) -> None:
    conn.execute("COMMIT")
    if checkpoint:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


class BareCommit:
    """One INSERT per transaction: the least a durable submission can cost."""

    def __init__(self, folder: Path, checkpoint: bool) -> None:
        self.conn = _plain(folder / f"bare-{checkpoint}.sqlite3")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
        self.checkpoint = checkpoint

    def one(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO t(body) VALUES (?)", (BODY,))
        _commit(self.conn, self.checkpoint)


class PlainOutbox:
    """The floor in the kiosk's shape: insert per item; claim and delete per batch of 50."""

    def __init__(self, folder: Path, checkpoint: bool) -> None:
        raw = _plain(folder / f"plain-{checkpoint}.sqlite3")
        raw.execute(
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT, lease_until REAL DEFAULT 0)"
        )
        self.conn = CountingConnection(raw)
        self.checkpoint = checkpoint
        self.tally = Tally(self.conn)

    def enqueue(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO outbox(body) VALUES (?)", (BODY,))
        _commit(self.conn, self.checkpoint)

    def drain(self, n: int) -> None:
        conn = self.conn
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
            _commit(conn, self.checkpoint)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"DELETE FROM outbox WHERE id IN ({marks})", ids)
            _commit(conn, self.checkpoint)
            drained += len(ids)

    def block(self, n: int) -> None:
        self.tally.run(n, self.enqueue, self.drain)


class ItemByItemOutbox(PlainOutbox):
    """The first version's floor: every claim and delete its own transaction, no checkpoint."""

    def __init__(self, folder: Path) -> None:
        raw = _plain(folder / "plain-items.sqlite3")
        raw.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT)")
        self.conn = CountingConnection(raw)
        self.checkpoint = False
        self.tally = Tally(self.conn)

    def drain(self, n: int) -> None:
        for _ in range(n):
            self.conn.execute("BEGIN IMMEDIATE")
            row = self.conn.execute("SELECT id FROM outbox ORDER BY id LIMIT 1").fetchone()
            self.conn.execute("DELETE FROM outbox WHERE id = ?", (row[0],))
            self.conn.execute("COMMIT")


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


class KioskPath:
    """The kiosk's path: submit each application; claim 50 and acknowledge them, as the engine."""

    def __init__(self, core: KioskCore) -> None:
        self.core = core
        self.outbox = Outbox(core.store)
        self.counting = CountingConnection(core.store.conn.raw)
        core.store.conn.raw = self.counting  # type: ignore[assignment]
        self.tally = Tally(self.counting)

    def enqueue(self) -> None:
        submit_application(self.core, PENSION.code, ZHANG, ANSWERS)

    def drain(self, n: int) -> None:
        drained = 0
        while drained < n:
            batch = self.outbox.claim(OutboxKind.APPLICATION, BATCH, now=time.time(), lease_s=60)
            _acknowledge(self.core, self.outbox, batch)
            drained += len(batch)

    def block(self, n: int) -> None:
        self.tally.run(n, self.enqueue, self.drain)

    def close(self) -> None:
        self.core.store.conn.raw = self.counting.raw
        self.core.close()


def _row(label: str, value: float, floor: float, unit: str = "") -> None:
    ratio = value / floor if floor else float("nan")
    print(f"{label:<66} {value:>9.2f}{unit} {floor:>9.2f}{unit} {ratio:>7.2f}")


def _line(label: str, value: float) -> None:
    print(f"{label:<66} {value:>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=600, help="items per side (x 50)")
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)
    rounds = max(1, args.samples // BATCH)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bare = BareCommit(root, checkpoint=False)
        bare_ckpt = BareCommit(root, checkpoint=True)
        core = kiosk_core(root / "submit")
        submit_application(core, PENSION.code, ZHANG, ANSWERS)  # warm: the first reads the item
        floor: list[float] = []
        floor_ckpt: list[float] = []
        submits: list[float] = []
        for _ in range(args.samples):  # alternating: a burst of load slows all three alike
            floor.append(_timed(bare.one))
            floor_ckpt.append(_timed(bare_ckpt.one))
            submits.append(_timed(lambda: submit_application(core, PENSION.code, ZHANG, ANSWERS)))
        core.close()
        full_core = kiosk_core(root / "full")
        started = time.perf_counter()
        add_history(full_core, args.history)
        history_s = time.perf_counter() - started
        plain = PlainOutbox(root, checkpoint=False)
        plain_ckpt = PlainOutbox(root, checkpoint=True)
        plain_items = ItemByItemOutbox(root)
        empty = KioskPath(kiosk_core(root / "empty"))
        full = KioskPath(full_core)
        for path in (empty, full):  # warm: the first submission reads and keeps the item
            path.enqueue()
            path.drain(1)
        sides: list[PlainOutbox | KioskPath] = [plain_ckpt, empty, full, plain, plain_items]
        for r in range(rounds):  # interleaved blocks of one batch, the order rotating
            for side in sides[r % len(sides) :] + sides[: r % len(sides)]:
                side.block(BATCH)
        cost_empty, cost_full = empty.tally.cost(), full.tally.cost()
        floor_same, floor_default = plain_ckpt.tally.cost(), plain.tally.cost()
        floor_items = plain_items.tally.cost()
        empty.close()
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
            floor_same.ms_per_item,
        )
        _row(
            f"outbox ms/item, {label}, vs plain outbox (default checkpoints)",
            cost.ms_per_item,
            floor_default.ms_per_item,
        )
        _row(
            f"outbox ms/item, {label}, vs item-by-item plain outbox (old floor)",
            cost.ms_per_item,
            floor_items.ms_per_item,
        )
    for label, cost in (("0 past", cost_empty), (f"{args.history:,} past", cost_full)):
        _row(
            f"outbox CPU ms/item, {label}, vs plain outbox (same checkpoints)",
            cost.cpu_ms_per_item,
            floor_same.cpu_ms_per_item,
        )
    _row(
        "outbox statements/item vs plain outbox (same checkpoints)",
        cost_empty.statements_per_item,
        floor_same.statements_per_item,
    )
    _row(
        "  of which submit (enqueue) statements/item",
        cost_empty.submit_statements_per_item,
        floor_same.submit_statements_per_item,
    )
    _row(
        "outbox transactions/item vs plain outbox",
        cost_empty.commits_per_item,
        floor_same.commits_per_item,
    )
    _row(
        "outbox pages written/item (WAL frames) vs plain outbox",
        cost_empty.frames_per_item,
        floor_same.frames_per_item,
    )
    _line(
        "history growth: ms/item at N past / at 0 past",
        cost_full.ms_per_item / cost_empty.ms_per_item,
    )
    _line(
        "history growth: CPU ms/item at N past / at 0 past",
        cost_full.cpu_ms_per_item / cost_empty.cpu_ms_per_item,
    )
    _line(
        "history growth: statements/item at N past / at 0 past",
        cost_full.statements_per_item / cost_empty.statements_per_item,
    )
    _line(
        "history growth: pages written/item at N past / at 0 past",
        cost_full.frames_per_item / cost_empty.frames_per_item,
    )
    print(
        f"(building {args.history:,} past applications took {history_s:.0f} s; "
        f"{args.samples} submit samples; {rounds} interleaved rounds of {BATCH} items per side)"
    )
    cores.report_end()


if __name__ == "__main__":
    main()
