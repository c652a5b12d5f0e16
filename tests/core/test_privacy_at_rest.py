"""Personal data of a submitted application appears in no file of the data directory."""

from __future__ import annotations

from pathlib import Path

from kiosk.core import KioskCore
from kiosk.feedback import RequestKind
from kiosk.store import NewAttachment
from kiosk.usecases.feedback import file_request
from kiosk.usecases.submit import submit_application

from .conftest import PENSION, ZHANG


def _encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("gb18030")]


def test_plaintext_personal_data_is_nowhere_on_disk(core: KioskCore) -> None:
    scan = "户口簿扫描件 张桂英 110101194503071229".encode() * 50
    for _ in range(3):
        submit_application(
            core,
            PENSION.code,
            ZHANG,
            {"grade": "300元", "household": "3", "bank_account": "6222020200112233445"},
            [NewAttachment("hukou_photo", "张桂英户口簿.png", "image/png", scan)],
        )
    file_request(core, RequestKind.HELP, "路灯坏了，请尽快修理", name=ZHANG.name, phone=ZHANG.phone)
    core.store.save_draft(ZHANG.id_number, PENSION.code, {"bank_account": "6222020200112233445"})
    core.store.conn.raw.execute("PRAGMA wal_checkpoint(PASSIVE)")
    secrets = [
        ZHANG.name,
        ZHANG.id_number,
        ZHANG.address,
        ZHANG.phone,
        "6222020200112233445",
        "路灯坏了",
    ]
    files = [p for p in Path(core.data.root).rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)  # the WAL is checked too
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            for encoded in _encodings(secret):
                assert encoded not in content, f"{secret!r} found in {path.name}"


def test_database_and_its_wal_are_created_owner_only(tmp_path):
    """Personal data is encrypted, but numbers, states and dates are not: 0600, never 0644."""
    import os

    from kiosk.core import KioskCore
    from kiosk.paths import DataDir

    old = os.umask(0o022)
    try:
        core = KioskCore.open(DataDir(tmp_path / "home"))
        try:
            core.store.set_meta("probe", "1")  # a write, so the WAL exists
            for name in ("kiosk.sqlite3", "kiosk.sqlite3-wal", "data.key"):
                path = tmp_path / "home" / name
                assert path.stat().st_mode & 0o777 == 0o600, name
        finally:
            core.close()
    finally:
        os.umask(old)
