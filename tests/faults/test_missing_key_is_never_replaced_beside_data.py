"""Issue 10 item 2: a missing, damaged or foreign ``data.key`` beside data is refused, never replaced.

Every command that opens the terminal's data exits 1 with one line naming the key file and
the backup to restore it from, and changes nothing in the data directory (hashes of every
file but the logs are compared). Restoring the right key brings everything back.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.core import KioskCore
from kiosk.crypto import KEY_ID_META, key_id
from kiosk.errors import KeyInvalidError, KeyMissingError, WrongKeyError
from kiosk.paths import DataDir
from tests.faults.faulthelpers import doctor_check, file_applications, kiosk

# Every command that opens the terminal's data (doctor reports instead: checked below).
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("catalogue",),
    ("queue",),
    ("queue", "--json"),
    ("import", "{csv}", "--staff", "1001"),
    ("sync", "--once"),
    ("staff", "list"),
    ("print", "summary", "--printer", "pdf:{pdf}"),
)


def snapshot(home: Path) -> dict[str, str]:
    """Every file of the data directory but the logs and runtime files, with its sha-256."""
    files: dict[str, str] = {}
    for path in sorted(home.rglob("*")):
        relative = path.relative_to(home)
        if relative.parts[0] in ("logs", "run"):
            continue
        if path.is_dir():
            files[str(relative)] = "<dir>"
        elif path.is_file():
            files[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


@pytest.fixture
def populated(kiosk_home: Path, tmp_path: Path) -> tuple[Path, bytes, list[str]]:
    """A terminal with three applications on file (encrypted personal data and files)."""
    ids = file_applications(kiosk_home, 3)
    return kiosk_home, (kiosk_home / "data.key").read_bytes(), ids


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "paper.csv"
    path.write_text("service_code,name,id_number\n", encoding="utf-8")
    return path


def _every_command_refuses(home: Path, tmp_path: Path, must_name: tuple[str, ...]) -> None:
    before = snapshot(home)
    for command in COMMANDS:
        args = [a.format(csv=_csv(tmp_path), pdf=tmp_path / "summary.pdf") for a in command]
        result = kiosk(*args, home=home)
        assert "Traceback" not in result.stderr, (command, result.stderr)
        assert result.returncode == 1, (command, result.returncode, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (command, result.stderr)
        assert lines[0].startswith("kiosk"), lines[0]
        # `kiosk import` prints its own prefix and the (Chinese) message: it names the file too.
        for text in must_name if command[0] != "import" else ("data.key",):
            assert text in lines[0], (command, lines[0])
        assert snapshot(home) == before, f"{command} changed the data directory"
    code, check = doctor_check(home, "data_key")
    assert code == 1 and check["status"] == "failed", check
    assert "data.key" in check["detail"] and check["action"]
    assert snapshot(home) == before, "kiosk doctor changed the data directory"


def _restoring_the_key_brings_everything_back(home: Path, key: bytes, ids: list[str]) -> None:
    key_file = home / "data.key"
    if key_file.is_dir():
        key_file.rmdir()
    key_file.write_bytes(key)
    key_file.chmod(0o600)
    result = kiosk("queue", "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(ids)
    core = KioskCore.open(DataDir(home))
    try:
        for application_id in ids:  # every row still decrypts: the key was never replaced
            application = core.store.application(application_id)
            assert application is not None and application.applicant.name
    finally:
        core.close()
    assert not (home / "data.key.new").exists()


def test_missing_key_is_never_replaced_beside_data(
    populated: tuple[Path, bytes, list[str]], tmp_path: Path
) -> None:
    home, key, ids = populated
    (home / "data.key").unlink()
    _every_command_refuses(home, tmp_path, ("data.key", "missing", "backup", "nothing was changed"))
    assert not (home / "data.key").exists(), "a new key was made beside encrypted data"
    with pytest.raises(KeyMissingError) as refused:
        KioskCore.open(DataDir(home))
    assert "data.key" in str(refused.value) and "备份" in str(refused.value)
    _restoring_the_key_brings_everything_back(home, key, ids)


def _truncate(key_file: Path) -> None:
    key_file.write_bytes(key_file.read_bytes()[:7])


def _directory(key_file: Path) -> None:
    key_file.unlink()
    key_file.mkdir()


@pytest.mark.parametrize(
    ("damage", "english"),
    [(_truncate, "7 bytes instead of 32"), (_directory, "a directory")],
    ids=["truncated", "directory"],
)
def test_truncated_or_directory_key_is_refused_and_nothing_changes(
    populated: tuple[Path, bytes, list[str]],
    tmp_path: Path,
    damage: Callable[[Path], None],
    english: str,
) -> None:
    home, key, ids = populated
    damage(home / "data.key")
    _every_command_refuses(home, tmp_path, ("data.key", english, "nothing was changed"))
    with pytest.raises(KeyInvalidError):
        KioskCore.open(DataDir(home))
    _restoring_the_key_brings_everything_back(home, key, ids)


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root reads a chmod 000 file anyway: the fault cannot be staged"
)
def test_unreadable_key_is_refused_and_nothing_changes(
    populated: tuple[Path, bytes, list[str]], tmp_path: Path
) -> None:
    home, key, ids = populated
    (home / "data.key").chmod(0)
    try:
        _every_command_refuses(home, tmp_path, ("data.key", "permission denied"))
    finally:
        (home / "data.key").chmod(0o600)
    _restoring_the_key_brings_everything_back(home, key, ids)


def test_wrong_key_is_refused_and_nothing_changes(
    populated: tuple[Path, bytes, list[str]], tmp_path: Path
) -> None:
    home, key, ids = populated
    (home / "data.key").write_bytes(os.urandom(32))  # another terminal's, another day's key
    _every_command_refuses(home, tmp_path, ("data.key", "does not belong", "nothing was changed"))
    with pytest.raises(WrongKeyError):
        KioskCore.open(DataDir(home))
    _restoring_the_key_brings_everything_back(home, key, ids)


def test_wrong_key_is_refused_for_a_database_from_before_fingerprints(
    populated: tuple[Path, bytes, list[str]],
) -> None:
    """A terminal filed with an older version has no fingerprint: the rows themselves decide."""
    import sqlite3

    home, key, _ids = populated
    raw = sqlite3.connect(home / "kiosk.sqlite3")
    raw.execute("DELETE FROM meta WHERE key = ?", (KEY_ID_META,))
    raw.commit()
    raw.close()
    (home / "data.key").write_bytes(os.urandom(32))
    with pytest.raises(WrongKeyError):
        KioskCore.open(DataDir(home))
    (home / "data.key").write_bytes(key)
    core = KioskCore.open(DataDir(home))  # the right key is adopted: its fingerprint recorded
    try:
        assert core.store.get_meta(KEY_ID_META) == key_id(key)
    finally:
        core.close()


def test_a_key_is_made_only_while_the_database_holds_no_encrypted_data(kiosk_home: Path) -> None:
    data = DataDir(kiosk_home)
    KioskCore.open(data).close()  # a fresh terminal: key made, fingerprint recorded
    first = data.key_file.read_bytes()
    data.key_file.unlink()  # lost before anything was filed: a new key is harmless
    core = KioskCore.open(data)
    try:
        second = data.key_file.read_bytes()
        assert second != first
        assert core.store.get_meta(KEY_ID_META) == key_id(second)
    finally:
        core.close()
    file_applications(kiosk_home, 1)
    shutil.move(data.key_file, kiosk_home.parent / "kept.key")
    with pytest.raises(KeyMissingError):
        KioskCore.open(data)
    assert not data.key_file.exists()


def test_touch_screen_shows_a_missing_key_to_technicians_and_exits_1(
    populated: tuple[Path, bytes, list[str]],
) -> None:
    """``kiosk run`` does not crash: a full-screen Chinese message, exit 1 (closed at once offscreen)."""
    home, key, ids = populated
    (home / "data.key").unlink()
    before = snapshot(home)
    result = kiosk("run", home=home)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert "kiosk: the data key" in result.stderr and "nothing was changed" in result.stderr
    assert snapshot(home) == before

    from PySide6.QtWidgets import QApplication, QLabel

    from app.commands.run import store_failure_screen

    app = QApplication.instance() or QApplication([])
    assert app is not None
    screen = store_failure_screen(KeyMissingError(home / "data.key"))
    message = screen.findChild(QLabel, "store_failure_message")
    assert message is not None
    assert "data.key" in message.text() and "备份" in message.text()
    assert "本次没有做任何改动" in message.text()
    screen.deleteLater()
    _restoring_the_key_brings_everything_back(home, key, ids)
