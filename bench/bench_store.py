"""Submit latency and outbox cost, against floors measured in the same run.

Floors:
- a bare SQLite commit of one small row with WAL + synchronous=FULL (one fsync'd
  transaction is the least a durable submission can cost);
- a plain outbox table (INSERT, SELECT … LIMIT, DELETE) with the same settings.

Usage: .venv/bin/python -m bench.bench_store [--history 100000] [--samples 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.application import Applicant
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.store.outbox import Outbox, OutboxKind
from kiosk.usecases.submit import submit_application
from tests.core.conftest import PENSION, ZHANG

ANSWERS = {"grade": "300元", "household": "3", "bank_account": "6222020200112233445"}


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


def bare_commit(folder: Path, n: int) -> list[float]:
    conn = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    body = "x" * 1500

    def one() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t(body) VALUES (?)", (body,))
        conn.execute("COMMIT")

    return _time(one, n)


def plain_outbox(folder: Path, n: int) -> float:
    conn = sqlite3.connect(folder / "plain.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT)")
    start = time.perf_counter()
    for _ in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO outbox(body) VALUES (?)", ("x" * 1500,))
        conn.execute("COMMIT")
    for _ in range(n):
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute("SELECT id FROM outbox ORDER BY id LIMIT 1").fetchone()
        conn.execute("DELETE FROM outbox WHERE id = ?", (row[0],))
        conn.execute("COMMIT")
    return (time.perf_counter() - start) * 1000 / n


def kiosk_core(folder: Path) -> KioskCore:
    core = KioskCore.open(DataDir(folder))
    core.store.save_catalogue([PENSION])
    return core


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
        for entry in outbox.claim(OutboxKind.APPLICATION, chunk, now=0.0, lease_s=1):
            outbox.acknowledged(entry)
        done += chunk
    core.clock = real_clock


def outbox_cycle(core: KioskCore, n: int) -> float:
    """Per item: submit (enqueue), then claim in batches of 50 and acknowledge each."""
    outbox = Outbox(core.store)
    start = time.perf_counter()
    for _ in range(n):
        submit_application(core, PENSION.code, ZHANG, ANSWERS)
    drained = 0
    while drained < n:
        batch = outbox.claim(OutboxKind.APPLICATION, 50, now=time.time(), lease_s=60)
        for entry in batch:
            outbox.acknowledged(entry)
        drained += len(batch)
    return (time.perf_counter() - start) * 1000 / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        floor = bare_commit(root, args.samples)
        core = kiosk_core(root / "submit")
        submits = _time(
            lambda: submit_application(core, PENSION.code, ZHANG, ANSWERS), args.samples
        )
        core.close()
        plain = plain_outbox(root, args.samples)
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
    s50, s99 = _percentiles(submits)
    print(f"{'measure':<52} {'value':>10} {'floor':>10} {'ratio':>7}")
    print(
        f"{'submit latency p50 (ms) vs bare fsync commit':<52} {s50:>10.2f} {f50:>10.2f} {s50 / f50:>7.2f}"
    )
    print(
        f"{'submit latency p99 (ms) vs bare fsync commit':<52} {s99:>10.2f} {f99:>10.2f} {s99 / f99:>7.2f}"
    )
    print(
        f"{'outbox ms/item, 0 past applications vs plain outbox':<52} {cost_empty:>10.2f} {plain:>10.2f} {cost_empty / plain:>7.2f}"
    )
    label = f"outbox ms/item, {args.history:,} past vs plain outbox"
    print(f"{label:<52} {cost_full:>10.2f} {plain:>10.2f} {cost_full / plain:>7.2f}")
    print(f"{'history growth: ms/item at N past / at 0 past':<52} {cost_full / cost_empty:>10.2f}")
    print(
        f"(building {args.history:,} past applications took {history_s:.0f} s; {args.samples} samples each)"
    )


if __name__ == "__main__":
    main()
