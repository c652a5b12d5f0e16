"""Soak: a terminal filing continuously while a fault injector cycles link faults, SIGKILLs of
the sync process, a full disk and a corrupt row; then a table of what became of every filing.

Run: nice .venv/bin/python -m bench.soak [--minutes 10] [--seed 1]

What runs, all on 127.0.0.1 and in a temporary directory:

- the reference platform (``central``) with its own SQLite file, in a thread;
- the fault proxy (sync/testing/faultproxy.py) between the terminal and the platform;
- one terminal provisioned through the proxy by the real ``kiosk provision``; its data
  directory is a small tmpfs when this runs as root (so the disk can really fill), else a
  plain temporary directory (and the full-disk episodes are skipped, with the reason printed);
- a filer thread submitting applications through the core use case
  (``kiosk.usecases.submit.submit_application``) at a modest rate, every tenth with a photo,
  recording every id and number it got back (a submit that returned is a promise);
- the real ``kiosk sync`` in the foreground (``python -m app.commands.sync_cmd``), SIGKILLed
  at random moments and restarted (one stop in five is a Ctrl-C instead, which must exit 130);
- an injector cycling the link through clean, flaky (drops, resets, truncations, 5xx, 429,
  captive portal), slow (250 ms, 128 kbit/s), outage and 5xx-storm phases, flipping one bit
  of one fresh application's encrypted personal data every so often (a deliberate harness
  write with the sqlite3 module: that row must end quarantined as 数据无法解密, alone), and
  filling the disk to the last byte for a while.

At the end the faults stop, the queue is drained with ``kiosk sync --once``, and every filed
application is looked up on the platform (through ``central.db.CentralDB``) and in the
terminal's database: delivered exactly once, quarantined (with the reasons), lost (filed,
not quarantined, not on the platform: must be 0) and duplicated (an id or a number twice on
the platform: must be 0). The exit status is 1 if anything was lost or duplicated.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from central.db import CentralDB
from central.server import RunningPlatform
from kiosk.application import Applicant
from kiosk.catalogue import FieldType, ServiceItem
from kiosk.core import KioskCore
from kiosk.errors import KioskError
from kiosk.paths import DataDir
from kiosk.settings import load_settings, save_settings, with_changes
from kiosk.store import NewAttachment
from kiosk.usecases.submit import submit_application
from sync.testing.faultproxy import INJECTABLE, Fault, FaultProxy

REPO = Path(__file__).resolve().parents[1]
REGION = "330102001"
SIMPLE_ITEM = "YB-CB-001"  # 城乡居民基本医疗保险参保登记: no papers
PHOTO_ITEM = "MZ-DB-001"  # 最低生活保障申请: a hukou photo
# Fictitious (the ID number's check digit is valid); never printed.
RESIDENT = Applicant(
    name="王秀兰",
    id_number="110101195001011239",
    phone="13800138000",
    address="浙江省杭州市西湖区三墩镇石马村 12 号",
)
TMPFS_BYTES = 160 * 1024 * 1024
UNDECRYPTABLE = "数据无法解密"
NOT_YET_DELIVERED = ("queued", "sending", "acknowledged", "attachments_pending")


# --- the tally -----------------------------------------------------------------------------


@dataclass
class Tally:
    filed: dict[str, str] = field(default_factory=dict)  # id -> number the filer got back
    with_photo: set[str] = field(default_factory=set)
    refused: Counter[str] = field(default_factory=Counter)  # filings the terminal refused
    corrupted: set[str] = field(default_factory=set)
    sync_starts: int = 0
    sync_kills: int = 0
    sync_ctrl_c: Counter[int] = field(default_factory=Counter)  # exit status -> times
    phases: Counter[str] = field(default_factory=Counter)
    disk_full_episodes: int = 0
    disk_note: str = ""
    disk_end: str = ""
    sync_tracebacks: Counter[str] = field(default_factory=Counter)  # final exception types
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- set-up --------------------------------------------------------------------------------


@contextlib.contextmanager
def terminal_disk(root: Path) -> Iterator[tuple[Path, bool, str]]:
    """The terminal's file system: a small tmpfs if we may mount one (so it can fill)."""
    mount = root / "disk"
    mount.mkdir()
    if os.geteuid() == 0 and shutil.which("mount"):
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES},mode=0700", "tmpfs", str(mount)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            try:
                yield mount, True, f"tmpfs of {TMPFS_BYTES // 2**20} MB"
            finally:
                if subprocess.run(["umount", str(mount)], check=False).returncode:
                    subprocess.run(["umount", "-l", str(mount)], check=False)
            return
        reason = f"mount -t tmpfs failed ({done.stderr.strip() or done.returncode})"
    else:
        reason = "not root, so no tmpfs to fill"
    yield mount, False, f"full-disk episodes skipped: {reason}"


def kiosk_cli(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=REPO,
        env=dict(os.environ, KIOSK_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def provision(platform: RunningPlatform, proxy: FaultProxy, home: Path) -> None:
    code = platform.db.new_enrol_code(REGION)
    done = kiosk_cli(
        home,
        "provision",
        "--platform",
        proxy.url,
        "--code",
        code,
        "--region",
        REGION,
        "--station",
        "浸泡测试站",
    )
    if done.returncode != 0:
        raise SystemExit(f"kiosk provision failed ({done.returncode}): {done.stderr[-500:]}")
    path = DataDir(home).settings_file
    settings = load_settings(path)
    # A round every 5 s (the minimum) so the soak exercises many rounds, not a 60 s timer.
    save_settings(
        path,
        with_changes(settings, sync=with_changes(settings.sync, interval_s=5)),
    )


# --- the actors ----------------------------------------------------------------------------


def answers_for(item: ServiceItem) -> dict[str, str]:
    answers: dict[str, str] = {}
    for f in item.form:
        if f.prefill or f.type is FieldType.ATTACHMENT or not f.required:
            continue
        if f.options:
            answers[f.key] = f.options[0]
        elif f.type is FieldType.DATE:
            answers[f.key] = "2026-01-01"
        elif f.type is FieldType.NUMBER:
            answers[f.key] = "2"
        elif f.type is FieldType.PHONE:
            answers[f.key] = RESIDENT.phone
        else:
            answers[f.key] = "务农"
    return answers


def flip_bit_in_personal_blob(database: Path, application_id: str) -> bool:
    """The harness's one deliberate write: a failing disk flips one bit of one row's
    encrypted personal data. False if the row was already purged or the write failed."""
    raw = sqlite3.connect(database, timeout=30)
    try:
        row = raw.execute(
            "SELECT personal FROM applications WHERE id = ?", (application_id,)
        ).fetchone()
        if row is None or not row[0]:
            return False
        blob = bytes(row[0])
        damaged = blob[:20] + bytes([blob[20] ^ 0x01]) + blob[21:]
        raw.execute("UPDATE applications SET personal = ? WHERE id = ?", (damaged, application_id))
        raw.commit()
        return True
    except sqlite3.Error:
        return False
    finally:
        raw.close()


class Filer:
    """Files applications through the core use case, as the touch screen does."""

    def __init__(self, home: Path, tally: Tally, rng: random.Random, stop: threading.Event):
        self.home = home
        self.tally = tally
        self.rng = rng
        self.stop = stop
        self.corrupt_next = threading.Event()
        self.thread = threading.Thread(target=self._run, name="filer", daemon=True)

    def _run(self) -> None:
        core = KioskCore.open(DataDir(self.home))
        n = 0
        failures = 0
        try:
            while not self.stop.is_set():
                n += 1
                try:
                    self._file_one(core, n)
                    failures = 0
                except KioskError as exc:
                    # The terminal refused the filing and said so (the resident is told at
                    # once, nothing is promised): not a loss. Named by type, never by text.
                    with self.tally.lock:
                        self.tally.refused[type(exc).__name__] += 1
                    failures += 1
                    if failures % 20 == 0:  # start afresh after a long run of failures
                        core.close()
                        core = KioskCore.open(DataDir(self.home))
                self.stop.wait(self.rng.uniform(0.3, 0.9))
        finally:
            core.close()

    def _file_one(self, core: KioskCore, n: int) -> None:
        photo = n % 10 == 0
        item = core.store.item(PHOTO_ITEM if photo else SIMPLE_ITEM)
        if item is None:
            raise SystemExit("the sample catalogue lacks the soak's items")
        files = (
            [
                NewAttachment(
                    "hukou_photo",
                    "户口簿.jpg",
                    "image/jpeg",
                    self.rng.randbytes(self.rng.randint(20_000, 120_000)),
                )
            ]
            if photo
            else []
        )
        app = submit_application(core, item.code, RESIDENT, answers_for(item), files)
        with self.tally.lock:
            self.tally.filed[app.id] = app.number
            if photo:
                self.tally.with_photo.add(app.id)
        if self.corrupt_next.is_set() and not photo:
            self.corrupt_next.clear()
            if flip_bit_in_personal_blob(DataDir(self.home).database, app.id):
                with self.tally.lock:
                    self.tally.corrupted.add(app.id)


class SyncRunner:
    """Runs ``kiosk sync`` in the foreground and kills it at random moments."""

    def __init__(
        self, home: Path, log: Path, tally: Tally, rng: random.Random, stop: threading.Event
    ):
        self.home = home
        self.log = log
        self.tally = tally
        self.rng = rng
        self.stop = stop
        self.thread = threading.Thread(target=self._run, name="sync-runner", daemon=True)

    def _run(self) -> None:
        with self.log.open("a", encoding="utf-8") as log:
            while not self.stop.is_set():
                proc = subprocess.Popen(
                    [sys.executable, "-m", "app.commands.sync_cmd"],
                    cwd=REPO,
                    env=dict(os.environ, KIOSK_HOME=str(self.home)),
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
                self.tally.sync_starts += 1
                life = self.rng.uniform(1.0, 20.0)
                self.stop.wait(life)
                # Ctrl-C only once the interpreter is surely up (before that the kernel's
                # default ends it, -SIGINT, which tells nothing about the command)
                if proc.poll() is None and life > 5.0 and self.rng.random() < 0.25:
                    proc.send_signal(signal.SIGINT)
                    try:
                        self.tally.sync_ctrl_c[proc.wait(15)] += 1
                    except subprocess.TimeoutExpired:
                        self.tally.sync_ctrl_c[-999] += 1  # ignored Ctrl-C for 15 s
                if proc.poll() is None:
                    proc.kill()
                    self.tally.sync_kills += 1
                proc.wait()


PHASES = ("clean", "flaky", "slow", "outage", "5xx")


def set_phase(proxy: FaultProxy, phase: str) -> None:
    proxy.latency_s, proxy.bandwidth_bps, proxy.fault_rate = 0.0, None, 0.0
    proxy.faults = INJECTABLE
    if phase == "flaky":
        proxy.fault_rate = 0.3
    elif phase == "slow":
        proxy.latency_s, proxy.bandwidth_bps = 0.25, 128_000
    elif phase == "outage":
        proxy.fault_rate, proxy.faults = 1.0, (Fault.DROP,)
    elif phase == "5xx":
        proxy.fault_rate, proxy.faults = 0.6, (Fault.HTTP_500, Fault.HTTP_503, Fault.HTTP_429)


def fill_disk(mount: Path, stop: threading.Event, hold_s: float) -> None:
    """Write a ballast file until the file system says ENOSPC, hold, then delete it."""
    ballast = mount / "ballast"
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 4096, 1):  # down to the last byte, so even a page write fails
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
        stop.wait(hold_s)
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            ballast.unlink()


def inject(
    proxy: FaultProxy,
    filer: Filer,
    mount: Path,
    can_fill: bool,
    tally: Tally,
    rng: random.Random,
    stop: threading.Event,
    seconds: float,
) -> None:
    """Cycle the link phases; now and then a corrupt row and a full disk."""
    started = time.monotonic()
    # short runs still see every kind of fault once
    corrupt_every = min(45.0, max(4.0, seconds / 4))
    fill_every = min(150.0, max(6.0, seconds / 2))
    next_corrupt = started + corrupt_every / 2
    next_fill = started + fill_every / 2
    phase_s = min(20.0, max(2.0, seconds / 8))
    while not stop.is_set():
        phase = rng.choice(PHASES)
        set_phase(proxy, phase)
        tally.phases[phase] += 1
        until = time.monotonic() + rng.uniform(phase_s / 2, phase_s * 1.5)
        while not stop.is_set() and time.monotonic() < until:
            now = time.monotonic()
            if now >= next_corrupt:
                filer.corrupt_next.set()
                next_corrupt = now + corrupt_every
            if can_fill and now >= next_fill:
                tally.disk_full_episodes += 1
                fill_disk(mount, stop, min(15.0, phase_s))
                next_fill = time.monotonic() + fill_every
            stop.wait(0.25)
    set_phase(proxy, "clean")


# --- the reckoning -------------------------------------------------------------------------


@dataclass
class Reckoning:
    delivered_once: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    duplicated_ids: int = 0
    duplicated_numbers: int = 0
    number_mismatch: int = 0
    incomplete_attachments: int = 0
    delivered_and_quarantined: int = 0
    corrupted_outcome: Counter[str] = field(default_factory=Counter)
    unknown_on_platform: int = 0


def drain(home: Path, attempts: int = 10) -> tuple[int, int, str]:
    """``kiosk sync --once`` until it exits 0 with nothing left to send;
    (runs, last status, its one-line reason if it failed)."""
    status, reason = -1, ""
    for run in range(1, attempts + 1):
        done = kiosk_cli(home, "sync", "--once")
        status, reason = done.returncode, (done.stderr.strip().splitlines() or [""])[-1][:160]
        if status == 0 and not _pending(DataDir(home).database):
            return run, status, ""
    return attempts, status, reason


def disk_use(root: Path) -> str:
    """How full the terminal's file system is at the end, and what the logs take."""
    usage = shutil.disk_usage(root)
    logs = sum(f.stat().st_size for f in (root / "home" / "logs").rglob("*") if f.is_file())
    mib = 1 << 20
    return f"{usage.used / mib:.1f} of {usage.total / mib:.0f} MB used, logs {logs / mib:.1f} MB"


def _pending(database: Path) -> int:
    raw = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        marks = ",".join("?" * len(NOT_YET_DELIVERED))
        row = raw.execute(
            f"SELECT COUNT(*) FROM applications WHERE state IN ({marks})", NOT_YET_DELIVERED
        ).fetchone()
        return int(row[0])
    finally:
        raw.close()


def reckon(tally: Tally, platform_db: CentralDB, database: Path) -> Reckoning:
    out = Reckoning()
    remote = platform_db.applications()
    ids = Counter(a["id"] for a in remote)
    numbers = Counter(a["number"] for a in remote)
    by_id = {a["id"]: a for a in remote}
    out.duplicated_ids = sum(1 for n in ids.values() if n > 1)
    out.duplicated_numbers = sum(1 for n in numbers.values() if n > 1)
    out.unknown_on_platform = len(set(ids) - set(tally.filed))
    raw = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        local = {
            r[0]: (r[1], r[2])
            for r in raw.execute("SELECT id, state, state_reason FROM applications")
        }
    finally:
        raw.close()
    for app_id, number in tally.filed.items():
        state, reason = local.get(app_id, ("missing", ""))
        on_platform = ids.get(app_id, 0)
        if on_platform >= 1:
            out.delivered_once += on_platform == 1
            got = by_id[app_id]
            if number not in (got["number"], got.get("provisional_number")):
                out.number_mismatch += 1
            if app_id in tally.with_photo and not all(
                att["complete"] for att in got["attachments"]
            ):
                out.incomplete_attachments += 1
            if state == "quarantined":
                out.delivered_and_quarantined += 1
            outcome = "delivered"
        elif state == "quarantined":
            out.quarantined[reason] += 1
            outcome = f"quarantined: {reason}"
        else:
            out.lost.append(app_id)
            outcome = f"lost ({state})"
        if app_id in tally.corrupted:
            out.corrupted_outcome[outcome] += 1
    return out


def tracebacks(log: str) -> Counter[str]:
    """The exception type ending each traceback in ``log`` (a chained cause is not counted
    apart); types only, never messages."""
    found: Counter[str] = Counter()
    lines = log.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"([A-Za-z_][\w.]*)(?::|$)", line)
        if not match or i == 0 or not lines[i - 1].startswith(" "):
            continue  # a traceback ends with the exception under its last indented frame
        after = next((later for later in lines[i + 1 :] if later.strip()), "")
        if after.startswith(("The above exception", "During handling")):
            continue
        found[match.group(1)] += 1
    return found


def table(
    tally: Tally, r: Reckoning, minutes: float, seed: int, drained: tuple[int, int, str]
) -> str:
    rows: list[tuple[str, str]] = [
        ("filed (submit returned a number)", str(len(tally.filed))),
        ("delivered exactly once", str(r.delivered_once)),
        ("quarantined", str(sum(r.quarantined.values()))),
        *((f"  reason: {reason}", str(n)) for reason, n in r.quarantined.most_common()),
        ("lost (must be 0)", str(len(r.lost))),
        ("duplicated on the platform (must be 0)", str(r.duplicated_ids + r.duplicated_numbers)),
        ("number differs from the receipt", str(r.number_mismatch)),
        ("photo not complete on the platform", str(r.incomplete_attachments)),
        ("on the platform but quarantined here", str(r.delivered_and_quarantined)),
        ("on the platform, never filed here", str(r.unknown_on_platform)),
    ]
    faults: list[tuple[str, str]] = [
        ("filings refused by the terminal", _counts(tally.refused)),
        ("corrupt rows injected", str(len(tally.corrupted))),
        ("  became", _counts(r.corrupted_outcome)),
        ("sync processes started", str(tally.sync_starts)),
        ("  SIGKILLed", str(tally.sync_kills)),
        ("  Ctrl-C (exit status: times)", _counts(tally.sync_ctrl_c)),
        ("  tracebacks on their stderr", _counts(tally.sync_tracebacks)),
        ("link phases", _counts(tally.phases)),
        ("full-disk episodes", str(tally.disk_full_episodes) + f" ({tally.disk_note})"),
        ("drain (kiosk sync --once runs, last status)", f"{drained[0]}, {drained[1]} {drained[2]}"),
        ("terminal disk at the end", tally.disk_end),
    ]
    width = max(len(k) for k, _ in rows + faults)
    lines = [f"Soak: {minutes:g} min, seed {seed}", ""]
    lines += [f"| {'outcome'.ljust(width)} | count |", f"|{'-' * (width + 2)}|------:|"]
    lines += [f"| {k.ljust(width)} | {v:>5} |" for k, v in rows]
    lines += ["", f"| {'fault injected'.ljust(width)} | |", f"|{'-' * (width + 2)}|---|"]
    lines += [f"| {k.ljust(width)} | {v} |" for k, v in faults]
    return "\n".join(lines)


def _counts(counter: Counter[str] | Counter[int]) -> str:
    return ", ".join(f"{k}: {n}" for k, n in sorted(counter.items(), key=str)) or "0"


# --- main ----------------------------------------------------------------------------------


def soak(minutes: float, seed: int, sync_log: Path | None = None) -> int:
    rng = random.Random(seed)
    tally = Tally()
    seconds = minutes * 60
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp:
        root = Path(tmp)
        with terminal_disk(root) as (mount, can_fill, note):
            tally.disk_note = note
            home = mount / "home"
            platform = RunningPlatform(CentralDB(root / "central.sqlite3"))
            proxy = FaultProxy(int(platform.url.rsplit(":", 1)[1]), seed=seed).start()
            stop = threading.Event()
            try:
                provision(platform, proxy, home)
                print(f"soak: {minutes:g} min, seed {seed}, terminal on {note}", flush=True)
                filer = Filer(home, tally, random.Random(rng.random()), stop)
                runner = SyncRunner(
                    home, root / "sync.log", tally, random.Random(rng.random()), stop
                )
                injector = threading.Thread(
                    target=inject,
                    args=(proxy, filer, mount, can_fill, tally, random.Random(rng.random()), stop),
                    kwargs={"seconds": seconds},
                    name="injector",
                    daemon=True,
                )
                for actor in (filer.thread, runner.thread, injector):
                    actor.start()
                deadline = time.monotonic() + seconds
                while not stop.wait(min(30.0, max(0.0, deadline - time.monotonic()))):
                    if time.monotonic() >= deadline:
                        break
                    print(
                        f"  {time.monotonic() - deadline + seconds:5.0f} s: filed"
                        f" {len(tally.filed)}, sync restarts {tally.sync_starts}",
                        flush=True,
                    )
                stop.set()
                for actor in (filer.thread, injector, runner.thread):
                    actor.join(60)
                set_phase(proxy, "clean")
                drained = drain(home)
                tally.disk_end = disk_use(mount)
                log = (root / "sync.log").read_text(encoding="utf-8", errors="replace")
                tally.sync_tracebacks = tracebacks(log)
                if sync_log is not None:
                    sync_log.write_text(log, encoding="utf-8")
                result = reckon(tally, platform.db, DataDir(home).database)
            finally:
                stop.set()
                proxy.stop()
                platform.stop()
            print(table(tally, result, minutes, seed, drained), flush=True)
            if result.lost:
                print(f"LOST: {len(result.lost)} filed applications (ids in the terminal's log)")
            bad = result.lost or result.duplicated_ids or result.duplicated_numbers
            return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to inject faults")
    parser.add_argument("--seed", type=int, default=1, help="seed of every random choice")
    parser.add_argument(
        "--sync-log", type=Path, help="keep the sync processes' stderr here (for a post-mortem)"
    )
    args = parser.parse_args(argv)
    return soak(args.minutes, args.seed, args.sync_log)


if __name__ == "__main__":
    sys.exit(main())
