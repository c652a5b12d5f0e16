"""Issue 10 item 5: a full disk is reported as a full disk (how much is free, what to delete),
never as a corrupt database, and never with the advice to restore a backup.

``KIOSK_HOME`` lives on a small tmpfs mounted for the test (root only; skipped otherwise).
The disk is filled with a ballast file, then applications are filed until the store refuses:
nothing committed is lost, the CLI, ``kiosk doctor`` and the staff status bar say "disk
full", and after freeing space filing works again.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.core import KioskCore
from kiosk.errors import DiskFullError, StoreError
from kiosk.paths import DataDir
from kiosk.usecases.submit import submit_application
from tests.faults.faulthelpers import kiosk
from tests.staff.staffhelpers import RESIDENT, SIMPLE_ITEM, answers_for

SMALL_FS_BYTES = 8 * 1024**2
NEVER_SAID_FOR_A_FULL_DISK = (
    "数据库文件损坏",
    "完整性检查未通过",
    "联系技术人员用备份恢复",
    "restore it from",
    "is damaged",
    "corrupt",
)


@contextmanager
def small_filesystem(where: Path, size_bytes: int = SMALL_FS_BYTES) -> Iterator[Path]:
    """A tmpfs of ``size_bytes`` mounted at ``where`` (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; a full disk cannot be staged otherwise")
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_bytes},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?): {mounted.stderr}"
        )
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=False)


def fill_disk(folder: Path, leave_bytes: int) -> Path:
    """A ballast file taking all but ``leave_bytes`` of the file system (what a log storm does)."""
    ballast = folder / "ballast.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with ballast.open("wb") as out:
        remaining = max(0, free - leave_bytes)
        chunk = b"\0" * 65536
        while remaining > 0:
            try:
                remaining -= out.write(chunk[: min(len(chunk), remaining)])
            except OSError:
                break
    return ballast


def _file(core: KioskCore) -> str:
    item = core.store.item(SIMPLE_ITEM)
    assert item is not None
    return submit_application(core, item.code, RESIDENT, answers_for(item)).number


def _says_disk_full_not_corrupt(text: str) -> None:
    assert "磁盘已满" in text or "disk full" in text, text
    assert "MB" in text, text
    for wrong in NEVER_SAID_FOR_A_FULL_DISK:
        assert wrong not in text, (wrong, text)


def test_disk_full_is_not_called_corruption(tmp_path: Path) -> None:
    with small_filesystem(tmp_path / "small") as fs:
        home = DataDir(fs / "kiosk-home")
        core = KioskCore.open(home)
        filed: list[str] = [_file(core)]
        ballast = fill_disk(fs, leave_bytes=96 * 1024)

        # File until the store refuses: the refusal is typed and says "disk full".
        with pytest.raises(StoreError) as refused:
            for _ in range(10_000):
                filed.append(_file(core))
        error = refused.value
        assert isinstance(error, DiskFullError), repr(error)
        _says_disk_full_not_corrupt(str(error))
        _says_disk_full_not_corrupt(error.english)
        assert "logs" in str(error) and "不要删除数据目录" in str(error)
        assert "不要从备份恢复" in str(error) and "do not restore" in error.english

        # The staff status bar's source reads "disk full" from the failed write (no I/O).
        from app.wiring import queue_snapshot_from_store

        snapshot = queue_snapshot_from_store(core)()
        assert snapshot.storage.startswith("磁盘已满（剩余"), snapshot
        _status_bar_shows(snapshot.storage)

        # Nothing committed is lost, and the connection is still usable for reading.
        assert {a.number for a in core.store.applications(limit=100_000)} >= set(filed)
        core.close()

        # kiosk doctor: the disk check fails with the free space and what to delete; the
        # database check does not call it corrupt.
        result = kiosk("doctor", "--json", "--skip-devices", home=home.root)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 1
        checks = {c["key"]: c for c in json.loads(result.stdout)["checks"]}
        disk = checks["disk"]
        assert disk["status"] == "failed", disk
        assert "MB" in disk["detail"] and "logs/" in disk["action"]
        assert "不要从备份恢复" in disk["action"]
        database = checks["database"]
        assert database["data"]["problem"] != "corrupt", database
        assert "损坏" not in database["detail"] or "没有损坏" in database["detail"], database

        # Every command: one line, exit 1, "disk full" — e.g. a new terminal on this disk.
        fresh = fs / "second-terminal"
        result = kiosk("catalogue", home=fresh)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 1, result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        _says_disk_full_not_corrupt(lines[0])
        assert not (fresh / "data.key").exists()

        # Free the space: filing works again, and everything filed before is still there.
        ballast.unlink()
        core = KioskCore.open(home)
        try:
            filed.append(_file(core))
            assert core.store.conn.last_failure is None
            numbers = {a.number for a in core.store.applications(limit=100_000)}
            assert set(filed) <= numbers
            assert core.store.conn.query("PRAGMA integrity_check")[0][0] == "ok"
        finally:
            core.close()


def _status_bar_shows(problem: str) -> None:
    from PySide6.QtWidgets import QApplication

    from kiosk.settings import Settings
    from ui.devices import CardReaderBridge, PrinterBridge
    from ui.status_bar import ConnectionSnapshot, StatusBar

    app = QApplication.instance() or QApplication([])
    assert app is not None
    bar = StatusBar(
        lambda: ConnectionSnapshot("未连接", 3, problem),
        PrinterBridge(None, Settings()),
        CardReaderBridge(None),
    )
    try:
        assert bar.storage.text() == f"存储：{problem}"
        assert not bar.storage.isHidden()
    finally:
        bar.timer.stop()
        bar.deleteLater()
