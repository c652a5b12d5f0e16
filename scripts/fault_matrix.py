"""Reproduce each fault of the fault matrix on a throwaway terminal and show what ``kiosk doctor``
says about it: the table in docs/reliability.md comes from this script.

Each fault gets a fresh ``KIOSK_HOME`` with a few filed applications, the fault is injected the
way a hostile tester (or a failing disk) would, and ``kiosk doctor --json --skip-devices`` runs
as a subprocess. Prints a Markdown table: fault, doctor's exit status, every check that is not
ok (status, key, detail). Faults that need a platform run against ``kiosk central serve`` on
127.0.0.1; the full-disk fault needs root (a small tmpfs) and is skipped otherwise.

    .venv/bin/python scripts/fault_matrix.py
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults.faulthelpers import (  # noqa: E402
    file_applications,
    flip_bit_in_personal_blob,
    kiosk,
    provision,
    serve_platform,
)

Injector = Callable[[Path, Path], str | None]
"""(home, scratch) → None, or a reason the fault was skipped."""


def _ids(home: Path) -> list[str]:
    raw = sqlite3.connect(home / "kiosk.sqlite3")
    try:
        return [row[0] for row in raw.execute("SELECT id FROM applications ORDER BY local_seq")]
    finally:
        raw.close()


def undecryptable_row(home: Path, scratch: Path) -> None:
    flip_bit_in_personal_blob(home, _ids(home)[0])


def key_missing(home: Path, scratch: Path) -> None:
    (home / "data.key").unlink()


def key_truncated(home: Path, scratch: Path) -> None:
    key = home / "data.key"
    key.write_bytes(key.read_bytes()[:10])


def key_is_a_directory(home: Path, scratch: Path) -> None:
    (home / "data.key").unlink()
    (home / "data.key").mkdir()


def wrong_key(home: Path, scratch: Path) -> None:
    (home / "data.key").write_bytes(os.urandom(32))


def corrupt_page(home: Path, scratch: Path) -> None:
    database = home / "kiosk.sqlite3"
    size = database.stat().st_size
    with database.open("r+b") as f:
        f.seek(size // 2)
        f.write(b"\xa5" * 4096)


def zero_length_database(home: Path, scratch: Path) -> None:
    (home / "kiosk.sqlite3").write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        (home / f"kiosk.sqlite3{suffix}").unlink(missing_ok=True)


def wal_deleted(home: Path, scratch: Path) -> None:
    """The kiosk files an application and is killed (SIGKILL), then its WAL file is deleted."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,threading\n"
            "from kiosk.core import KioskCore\n"
            "from kiosk.paths import DataDir\n"
            "from kiosk.usecases.submit import submit_application\n"
            "from tests.staff.staffhelpers import RESIDENT, SIMPLE_ITEM, answers_for\n"
            "from pathlib import Path\n"
            "core = KioskCore.open(DataDir(Path(sys.argv[1])))  # kept open: killed with its WAL\n"
            "item = core.store.item(SIMPLE_ITEM)\n"
            "print(submit_application(core, item.code, RESIDENT, answers_for(item)).id, flush=True)\n"
            "threading.Event().wait()\n",
            str(home),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip()
    child.send_signal(signal.SIGKILL)
    child.wait()
    (home / "kiosk.sqlite3-wal").unlink(missing_ok=True)


def read_only_database(home: Path, scratch: Path) -> str | None:
    if os.geteuid() == 0:
        # root ignores file modes: make the file system read-only instead (a bind mount).
        subprocess.run(["mount", "--bind", str(home), str(home)], check=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(home)], check=True)
        return None
    for path in home.glob("kiosk.sqlite3*"):
        path.chmod(0o444)
    home.chmod(0o555)
    return None


def disk_full(home: Path, scratch: Path) -> str | None:
    if os.geteuid() != 0:
        return "needs root for a small tmpfs"
    mount = scratch / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    moved = mount / "home"
    shutil.copytree(home, moved)
    shutil.rmtree(home)
    home.symlink_to(moved)
    filler = mount / "filler"
    with filler.open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return None


def _cleanup_mounts(scratch: Path) -> None:
    for mount in (scratch / "small", scratch / "t" / "home"):
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)


LOCAL_FAULTS: list[tuple[str, Injector]] = [
    ("one row's encrypted data has a flipped bit", undecryptable_row),
    ("data.key deleted beside a populated database", key_missing),
    ("data.key truncated", key_truncated),
    ("data.key is a directory", key_is_a_directory),
    ("data.key replaced by another key", wrong_key),
    ("a corrupt page in the middle of the database", corrupt_page),
    ("the database replaced by a zero-length file", zero_length_database),
    ("the WAL file deleted after a killed writer", wal_deleted),
    ("the database on a read-only file system", read_only_database),
    ("KIOSK_HOME on a full file system", disk_full),
]


def _doctor(home: Path) -> tuple[int, list[dict[str, str]], str]:
    result = kiosk("doctor", "--json", "--skip-devices", home=home)
    if "Traceback" in result.stderr or not result.stdout.strip():
        return result.returncode, [], "CRASHED: " + result.stderr.strip().splitlines()[-1]
    report = json.loads(result.stdout)
    bad = [
        c
        for c in report["checks"]
        if c["status"] != "ok" and c["key"] not in ("card_reader", "receipt_printer")
    ]
    return result.returncode, bad, ""


ROUTINE = {
    # What any fresh, never-synced test terminal shows: left out so each row shows its fault.
    ("last_sync", "warning"),
    ("clock", "warning"),
    ("versions", "warning"),
}


def _row(fault: str, code: int, bad: list[dict[str, str]], crashed: str, home: Path) -> str:
    if crashed:
        return f"| {fault} | {code} | {crashed} |"
    cells = "<br>".join(
        f"`{c['key']}` {c['status']}: {c['detail']}"
        for c in bad
        if (c["key"], c["status"]) not in ROUTINE
    )
    text = f"| {fault} | {code} | {cells or 'nothing but the routine warnings of a new terminal'} |"
    for path in sorted({str(home), str(home.resolve())}, key=len, reverse=True):
        text = text.replace(path, "$KIOSK_HOME")
    return text


def main() -> int:
    print(
        "| fault | doctor exit | checks not ok (devices not tested; a new terminal's routine warnings left out) |"
    )
    print("| --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        with serve_platform(base / "central.sqlite3") as platform:
            for index, (fault, inject) in enumerate(LOCAL_FAULTS):
                scratch = base / f"f{index}"
                scratch.mkdir()
                terminal = provision(platform, scratch / "t" / "home")
                file_applications(terminal.home, 3)
                try:
                    skipped = inject(terminal.home, scratch)
                    if skipped:
                        print(f"| {fault} | — | skipped: {skipped} |")
                        continue
                    print(_row(fault, *_doctor(terminal.home), terminal.home), flush=True)
                finally:
                    _cleanup_mounts(scratch)
            # The platform's side of faults.
            terminal = provision(platform, base / "revoked" / "home")
            file_applications(terminal.home, 2)
            kiosk("sync", "--once", home=terminal.home)
            kiosk("central", "revoke", "--db", str(platform.db), terminal.terminal_id)
            kiosk("sync", "--once", home=terminal.home)
            print(
                _row("the platform revoked this terminal", *_doctor(terminal.home), terminal.home)
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
