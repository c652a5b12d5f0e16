"""One atomic write (``kiosk.atomic``) for every file the kiosk replaces whole (issue 14.7).

The settings save promised power-cut safety but never fsync'd; the secret, the
attachments, the PDF printer and the log export each had their own copy. The
order of system calls is what makes a write survive a power cut, so the tests
record it (the real calls still run) rather than cut the power.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from kiosk.atomic import atomic_write, atomic_writer
from kiosk.paths import DataDir
from kiosk.settings import Settings, load_settings, save_settings, with_changes

ROOT = Path(__file__).resolve().parents[2]


def _record_syscalls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``fsync-file``, ``fsync-dir`` and ``rename`` in the order they happen (and still happen)."""
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        calls.append(f"fsync-{kind}")
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_settings_save_fsyncs_the_file_before_the_rename_and_the_directory_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "terminal.toml"
    settings = Settings()
    calls = _record_syscalls(monkeypatch)
    save_settings(
        path,
        with_changes(
            settings, terminal=with_changes(settings.terminal, station_name="石马村便民服务站")
        ),
    )
    assert calls == ["fsync-file", "rename", "fsync-dir"]
    assert load_settings(path).terminal.station_name == "石马村便民服务站"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["terminal.toml"]


def test_secret_is_written_by_the_one_atomic_write_and_never_readable_by_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.credentials import save_secret, secret_file

    data = DataDir(tmp_path / "home").ensure()
    calls = _record_syscalls(monkeypatch)
    save_secret(data, b"\x01" * 32)
    assert calls == ["fsync-file", "rename", "fsync-dir"]
    assert secret_file(data).stat().st_mode & 0o777 == 0o600


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "platform.secret"
    atomic_write(path, "old\n", mode=0o600)
    with pytest.raises(RuntimeError), atomic_writer(path, mode=0o600) as handle:
        handle.write(b"half of the new")
        tmp = [p for p in tmp_path.iterdir() if p.name != "platform.secret"]
        assert [p.stat().st_mode & 0o777 for p in tmp] == [0o600]  # private from the first byte
        raise RuntimeError("power cut")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["platform.secret"]


def test_attachment_files_and_log_exports_use_the_one_atomic_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.logs import export_logs
    from kiosk.crypto import DataCipher
    from kiosk.store.files import AttachmentFiles

    files = AttachmentFiles(tmp_path / "files", DataCipher(os.urandom(32)))
    calls = _record_syscalls(monkeypatch)
    digest = files.put(b"scan")
    assert calls == ["fsync-file", "rename", "fsync-dir"]
    assert files.get(digest) == b"scan"
    logs, usb = tmp_path / "logs", tmp_path / "usb"
    logs.mkdir()
    usb.mkdir()
    (logs / "kiosk.log").write_text('{"message": "printer ready"}\n', encoding="utf-8")
    import datetime as dt

    calls.clear()
    out = export_logs(
        logs, usb, terminal_code="330102", now=dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    )
    assert calls == ["fsync-file", "rename", "fsync-dir"]
    assert out.read_text(encoding="utf-8").startswith('{"message"')
    assert [p.name for p in usb.iterdir()] == [out.name]


def test_no_other_rename_over_a_file_remains() -> None:
    """Every whole-file replacement goes through kiosk.atomic (a symlink swap is not a write)."""
    allowed = {ROOT / "kiosk" / "atomic.py", ROOT / "devices/cards/sim/sam_simulator.py"}
    pattern = re.compile(r"\btmp\w*\.replace\(|\bos\.replace\(|\bos\.rename\(|\.rename\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("kiosk", "sync", "app", "devices", "printouts", "ui")
        for path in (ROOT / package).rglob("*.py")
        if path not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
