"""SIGKILL at random moments while submitting and importing: nothing lost, nothing doubled."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core import KioskCore
from kiosk.paths import DataDir

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50


def _csv(path: Path) -> Path:
    path.write_text(
        "service_code,name,id_number,grade,household\n"
        "T-YL-001,张桂英,110101194503071229,200元,3\n"
        "T-YL-001,王德明,330106195012123714,300元,1\n"
        "T-YL-001,李秀兰,440304198808230010,500元,4\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_sigkill_loses_and_duplicates_nothing(kiosk_home: Path, tmp_path: Path) -> None:
    rng = random.Random(20261123)
    csv_path = _csv(tmp_path / "paper.csv")
    env = {**os.environ, "KIOSK_HOME": str(kiosk_home), "PYTHONPATH": str(ROOT)}
    returned: list[str] = []
    batches: list[list[str]] = []
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.core.crash_child", str(csv_path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        # Kill right after the k-th returned call: the child is then somewhere inside the next one.
        for _ in range(rng.randint(0, 4)):
            line = child.stdout.readline().split()
            if not line:
                break
            if line[0] == "one":
                returned.append(line[1])
            else:
                batches.append(line[1:])
                returned.extend(line[1:])
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        _check_database(DataDir(kiosk_home), returned, batches)


def _check_database(data: DataDir, returned: list[str], batches: list[list[str]]) -> None:
    raw = sqlite3.connect(data.database)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        numbers = [r[0] for r in raw.execute("SELECT number FROM applications")]
        assert len(numbers) == len(set(numbers))
        missing = set(returned) - set(numbers)
        assert not missing, f"returned but lost: {missing}"
        # nothing half-written: every application has its outbox entry and all its attachment rows
        orphans = raw.execute(
            "SELECT COUNT(*) FROM applications a LEFT JOIN outbox o ON o.item_id = a.id WHERE o.item_id IS NULL"
        ).fetchone()[0]
        assert orphans == 0
        dangling = raw.execute(
            "SELECT COUNT(*) FROM outbox o LEFT JOIN applications a ON a.id = o.item_id WHERE a.id IS NULL"
        ).fetchone()[0]
        assert dangling == 0
        self_service_without_file = raw.execute(
            "SELECT COUNT(*) FROM applications a WHERE channel = 'self_service' AND NOT EXISTS "
            "(SELECT 1 FROM attachments t WHERE t.application_id = a.id)"
        ).fetchone()[0]
        assert self_service_without_file == 0
    finally:
        raw.close()
    # every batch is whole: its three rows or none (batches that returned are whole by the check above)
    for batch in batches:
        assert len(batch) == 3
    core = KioskCore.open(data)  # reopens cleanly after the crash, and cleans unreferenced files
    try:
        for application in core.store.applications(limit=10_000):
            for ref in application.attachments:
                assert core.store.attachment_content(ref.sha256)
    finally:
        core.close()
