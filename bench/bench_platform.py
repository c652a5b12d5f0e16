"""The platform under load: N terminals posting signed gzip batches and heartbeats.

Run: .venv/bin/python -m bench.bench_platform            (SQLite, 1 worker, 40 terminals)
     .venv/bin/python -m bench.bench_platform --all      (SQLite; PostgreSQL 1 and 2 workers;
                                                          the attack; ~3 minutes)
     .venv/bin/python -m bench.bench_platform --attack   (the attack only)

The platform is the real server (``central.server.serve``, what ``kiosk central serve``
runs) in a subprocess on loopback. Each
terminal is its own process with its own enrolment and signing key, using the kiosk's own
client (``sync.client.PlatformClient``: signs, gzips, verifies every answer). A terminal
builds its M applications first, waits for the common start, then sends them in batches,
one heartbeat after each batch, and finally heartbeats only for a fixed time. Printed:
applications/s over the whole intake, batch latency p50/p95, heartbeats/s (during the
intake and alone), errors (transient failures the client saw and retried), and the final
count check: the platform must hold exactly N × M distinct applications.

PostgreSQL is a throwaway server (``initdb`` + ``pg_ctl`` in a temp dir, unix socket, as in
the tests); it is skipped when the binaries are absent.

Attack mode (issue 11): against a SQLite platform, 100 concurrent unauthenticated 16 MiB
POSTs to /v1/batch, then 2,000 half-open connections held open; meanwhile a legitimate
terminal sends a 50-application batch. Printed: the server's peak RSS and that batch's
answer time (the goals: under 300 MB and under 2 s). This machine has 2 cores shared by the
server, the terminals and the attacker, so figures are a floor for a real server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import cores

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.ids import uuid7  # noqa: E402
from sync.client import Credentials, PlatformClient, TransientError, enrol  # noqa: E402
from sync.protocol import (  # noqa: E402
    Applicant,
    ApplicationUpload,
    BatchRequest,
    EnrolRequest,
    Heartbeat,
    Outcome,
)
from sync.signing import decode_secret  # noqa: E402

SERVICE_CODE = "RS-YL-001"
_TEXT = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"


# --- the platform as a subprocess -------------------------------------------------------------


class Server:
    """``kiosk central serve`` on a free loopback port; ``rss_mb()`` sums its processes."""

    def __init__(self, db: str, key_file: Path, workers: int = 1) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.db, self.key_file = db, key_file
        # what ``kiosk central serve --db DB --key-file KEY --workers N`` runs, without
        # importing the rest of the CLI
        launcher = (
            "import sys; from pathlib import Path; from central.server import serve; "
            "serve(sys.argv[1], '127.0.0.1', int(sys.argv[2]), workers=int(sys.argv[3]), "
            "key_file=Path(sys.argv[4]))"
        )
        argv = [sys.executable, "-c", launcher, db, str(self.port), str(workers), str(key_file)]
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"platform exited: {self.proc.stderr.read() if self.proc.stderr else ''}"
                )
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("platform did not start") from None
                threading.Event().wait(0.05)

    def rss_mb(self) -> float:
        """Resident memory of the server and its worker processes, in MB."""
        pids = {self.proc.pid}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid == self.proc.pid:
                    pids.add(int(entry))
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _enrol_terminals(server: Server, n: int) -> list[tuple[str, str, str]]:
    """(terminal id, secret, terminal code) for n terminals, through the real enrolment."""
    from central.db import CentralDB

    db = CentralDB(server.db, key_file=server.key_file)
    try:
        codes = [db.new_enrol_code() for _ in range(n)]
    finally:
        db.close()
    out = []
    for code in codes:
        answer = enrol(server.url, EnrolRequest(code=code, region_code="330102", station_name="站"))
        out.append((answer.terminal_id, answer.secret, answer.terminal_code))
    return out


def _count(server: Server) -> tuple[int, int]:
    """(distinct application ids, rows) the platform holds."""
    from central.db import CentralDB

    db = CentralDB(server.db, key_file=server.key_file)
    try:
        rows = db.query("SELECT COUNT(DISTINCT id), COUNT(*) FROM applications")
    finally:
        db.close()
    return int(rows[0][0]), int(rows[0][1])


# --- one terminal ------------------------------------------------------------------------------


def _application(rng: random.Random, code: str, n: int) -> ApplicationUpload:
    text = "".join(rng.choice(_TEXT) for _ in range(300))  # ≈ 1 KB of form answers
    return ApplicationUpload(
        id=str(uuid7()),
        number=f"{code}-261203-{n:04d}-X",
        service_code=SERVICE_CODE,
        service_version=1,
        applicant=Applicant(
            name="王小明", id_number="11010519491231002X", phone="13800138000", address="杭州市某村"
        ),
        form={"reason": text, "grade": "一档"},
        attachments=[],
        channel="self_service",
        staff_id=None,
        consent=False,
        created_at="2026-12-03T02:00:00+00:00",
        local_seq=n,
        supersedes=None,
    )


def _beat() -> Heartbeat:
    return Heartbeat(
        queue_depth=0,
        oldest_unsent_age_s=None,
        device_health={"printer": "ready"},
        versions={"kiosk": "bench"},
        free_disk_bytes=10**10,
        terminal_time=time.time(),
    )


def _terminal(
    url: str,
    terminal: tuple[str, str, str],
    apps: int,
    batch: int,
    beat_s: float,
    start: Any,
    results: Any,
) -> None:
    terminal_id, secret, code = terminal
    rng = random.Random(terminal_id)
    items = [_application(rng, code, n) for n in range(apps)]
    client = PlatformClient(url, Credentials(terminal_id, decode_secret(secret)))
    latencies: list[float] = []
    errors = heartbeats = accepted = 0
    start.wait()
    began = time.perf_counter()
    for i in range(0, apps, batch):
        chunk = BatchRequest(applications=items[i : i + batch])
        while True:
            t = time.perf_counter()
            try:
                ack = client.upload_batch(chunk)
            except TransientError as exc:
                errors += 1
                threading.Event().wait(min(exc.retry_after or 0.2, 1.0))
                continue
            latencies.append(time.perf_counter() - t)
            accepted += sum(r.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE) for r in ack.results)
            break
        try:
            client.heartbeat(_beat())
            heartbeats += 1
        except TransientError:
            errors += 1
    ended = time.perf_counter()
    # heartbeats alone, for beat_s seconds
    alone = 0
    stop_at = time.perf_counter() + beat_s
    while time.perf_counter() < stop_at:
        try:
            client.heartbeat(_beat())
            alone += 1
        except TransientError:
            errors += 1
    client.close()
    results.put(
        {
            "began": began,
            "ended": ended,
            "latencies": latencies,
            "heartbeats": heartbeats,
            "alone": alone,
            "beat_s": beat_s,
            "errors": errors,
            "accepted": accepted,
        }
    )


@dataclass
class LoadResult:
    label: str
    terminals: int
    apps: int
    apps_per_s: float
    p50_ms: float
    p95_ms: float
    heartbeats_per_s_mixed: float
    heartbeats_per_s_alone: float
    errors: int
    distinct: int
    rows: int
    peak_rss_mb: float

    def line(self) -> str:
        expected = self.terminals * self.apps
        check = "OK" if self.distinct == self.rows == expected else "MISMATCH"
        return (
            f"| {self.label} | {self.terminals} | {self.apps_per_s:,.0f} | {self.p50_ms:.0f} / "
            f"{self.p95_ms:.0f} | {self.heartbeats_per_s_alone:,.0f} | {self.errors} | "
            f"{self.distinct:,} of {expected:,} {check} | {self.peak_rss_mb:.0f} |"
        )


def run_load(
    label: str, server: Server, terminals: int, apps: int, batch: int, beat_s: float
) -> LoadResult:
    enrolled = _enrol_terminals(server, terminals)
    ctx = mp.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_terminal, args=(server.url, t, apps, batch, beat_s, start, results))
        for t in enrolled
    ]
    for p in procs:
        p.start()
    threading.Event().wait(2.0 + terminals * 0.05)  # let every terminal build its items
    peak = [server.rss_mb()]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.2):
            peak[0] = max(peak[0], server.rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start.set()
    got = [results.get(timeout=900) for _ in procs]
    for p in procs:
        p.join()
    sampling.set()
    sampler.join()
    began = min(g["began"] for g in got)
    ended = max(g["ended"] for g in got)
    latencies = sorted(x for g in got for x in g["latencies"])
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else latencies * 19
    distinct, rows = _count(server)
    return LoadResult(
        label=label,
        terminals=terminals,
        apps=apps,
        apps_per_s=terminals * apps / (ended - began),
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=q[18] * 1000,
        heartbeats_per_s_mixed=sum(g["heartbeats"] for g in got) / (ended - began),
        heartbeats_per_s_alone=sum(g["alone"] for g in got) / beat_s,
        errors=sum(g["errors"] for g in got),
        distinct=distinct,
        rows=rows,
        peak_rss_mb=peak[0],
    )


# --- the attack ----------------------------------------------------------------------------


async def _big_unauthenticated_post(port: int, size: int) -> int | None:
    """One 16 MiB POST from a terminal that does not exist; the status it got, if any."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return None
    head = (
        "POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: gzip\r\n"
        f"Content-Length: {size}\r\nX-Kiosk-Terminal: Tnobody0000000000\r\n"
        f"X-Kiosk-Timestamp: {time.time():.3f}\r\nX-Kiosk-Nonce: {'ab' * 16}\r\n"
        f"X-Kiosk-Signature: {'0' * 64}\r\n\r\n"
    ).encode()
    piece = b"\0" * (1024 * 1024)

    async def answer() -> int | None:
        # read while still sending: the platform answers before the body is through
        line = await reader.readline()
        return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None

    reading = asyncio.create_task(answer())
    try:
        writer.write(head)
        for _ in range(size // len(piece)):
            if reading.done():
                break  # answered: a real client would stop sending too
            writer.write(piece)
            await writer.drain()
    except OSError:
        pass
    status = None
    with contextlib.suppress(OSError, TimeoutError, ValueError):
        status = await asyncio.wait_for(reading, 10)
    writer.close()
    return status


def _legit_batch_seconds(url: str, terminal: tuple[str, str, str], n: int) -> tuple[float, str]:
    terminal_id, secret, code = terminal
    rng = random.Random(n)
    batch = BatchRequest(applications=[_application(rng, code, n + i) for i in range(50)])
    with PlatformClient(url, Credentials(terminal_id, decode_secret(secret))) as client:
        t = time.perf_counter()
        try:
            ack = client.upload_batch(batch)
            outcome = f"{sum(r.outcome is Outcome.ACCEPTED for r in ack.results)} accepted"
        except TransientError as exc:
            outcome = f"failed: {exc}"
        return time.perf_counter() - t, outcome


def run_attack(server: Server) -> list[str]:
    terminal = _enrol_terminals(server, 1)[0]
    lines = [f"server RSS at rest: {server.rss_mb():.0f} MB"]
    peak = [server.rss_mb()]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.05):
            peak[0] = max(peak[0], server.rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    # 1. 100 concurrent unauthenticated 16 MiB bodies, and a legitimate batch in the middle
    async def flood() -> tuple[list[int | None], tuple[float, str]]:
        tasks = [
            asyncio.create_task(_big_unauthenticated_post(server.port, 16 * 1024 * 1024))
            for _ in range(100)
        ]
        await asyncio.sleep(0.2)  # the flood is under way (bench pacing, not a test wait)
        legit = await asyncio.to_thread(_legit_batch_seconds, server.url, terminal, 0)
        return list(await asyncio.gather(*tasks)), legit

    statuses, legit = asyncio.run(flood())
    answered = sum(s == 401 for s in statuses)
    lines.append(
        f"100 × 16 MiB unauthenticated POSTs: {answered} read their 401 while still sending "
        f"(the others were reset when the server closed); legitimate 50-application batch meanwhile: {legit[0]:.2f} s ({legit[1]})"
    )
    lines.append(f"server peak RSS during the flood: {peak[0]:.0f} MB")

    # 2. 2,000 half-open connections held open, and a legitimate batch while they are
    held: list[socket.socket] = []
    refused = 0
    for _ in range(2000):
        try:
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Kiosk-Te")
            held.append(s)
        except OSError:
            refused += 1
    legit2 = _legit_batch_seconds(server.url, terminal, 100)
    lines.append(
        f"2,000 half-open connections ({len(held)} held, {refused} refused): legitimate batch "
        f"{legit2[0]:.2f} s ({legit2[1]}); peak RSS so far {peak[0]:.0f} MB"
    )
    # the header timeout closes them: count how many the server has closed after it
    deadline = time.monotonic() + 30
    closed = 0
    for s in held:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            if s.recv(1) == b"":
                closed += 1
        except (TimeoutError, OSError):
            closed += isinstance(sys.exc_info()[1], ConnectionResetError)
        s.close()
    sampling.set()
    sampler.join()
    lines.append(
        f"half-open connections closed by the server's head timeout: {closed} of {len(held)}"
    )
    verdict_rss = "OK" if peak[0] < 300 else "OVER"
    verdict_t = "OK" if max(legit[0], legit2[0]) < 2 else "OVER"
    lines.append(
        f"peak RSS {peak[0]:.0f} MB (goal < 300: {verdict_rss}); legitimate batch at most "
        f"{max(legit[0], legit2[0]):.2f} s (goal < 2 s: {verdict_t})"
    )
    return lines


# --- main ----------------------------------------------------------------------------------


def _sqlite(root: Path) -> tuple[str, Path]:
    return str(root / "central.sqlite3"), root / "platform.key"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terminals", type=int, default=40)
    parser.add_argument("--apps", type=int, default=250, help="applications per terminal")
    parser.add_argument("--batch", type=int, default=50, help="applications per request")
    parser.add_argument("--beat-s", type=float, default=5.0, help="heartbeat-only phase")
    parser.add_argument("--all", action="store_true", help="SQLite, PostgreSQL ×1 and ×2, attack")
    parser.add_argument("--attack", action="store_true", help="the attack only")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL ×1 and ×2 only")
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)  # the server, PostgreSQL and the terminals inherit it

    rows: list[LoadResult] = []
    attack: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-platform-") as tmp:
        root = Path(tmp)
        if not (args.attack or args.postgres):
            db, key = _sqlite(root / "s1")
            (root / "s1").mkdir()
            server = Server(db, key)
            try:
                rows.append(
                    run_load(
                        "SQLite, 1 worker",
                        server,
                        args.terminals,
                        args.apps,
                        args.batch,
                        args.beat_s,
                    )
                )
            finally:
                server.stop()
            print(rows[-1].line(), flush=True)
        if args.all or args.postgres:
            from tests.central.pgserver import ThrowawayPostgres, binaries_present

            if not binaries_present():
                print("PostgreSQL binaries absent: skipped", flush=True)
            else:
                pg = ThrowawayPostgres()
                try:
                    for workers in (1, 2):
                        with pg.database() as dsn:
                            server = Server(dsn, root / f"pg{workers}.key", workers)
                            try:
                                rows.append(
                                    run_load(
                                        f"PostgreSQL, {workers} worker{'s' if workers > 1 else ''}",
                                        server,
                                        args.terminals,
                                        args.apps,
                                        args.batch,
                                        args.beat_s,
                                    )
                                )
                            finally:
                                server.stop()
                        print(rows[-1].line(), flush=True)
                finally:
                    pg.stop()
        if args.all or args.attack:
            (root / "a").mkdir()
            db, key = _sqlite(root / "a")
            server = Server(db, key)
            try:
                attack = run_attack(server)
            finally:
                server.stop()
    print()
    if rows:
        print(
            "| platform | terminals | applications/s | batch p50 / p95 ms | heartbeats/s (alone) "
            "| errors | distinct applications | peak RSS MB |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            print(r.line())
        for r in rows:
            print(
                f"{r.label}: {r.heartbeats_per_s_mixed:,.0f} heartbeats/s alongside the intake, "
                f"{r.heartbeats_per_s_alone:,.0f}/s alone"
            )
    for line in attack:
        print(line)
    ok = all(r.distinct == r.rows == r.terminals * r.apps for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
