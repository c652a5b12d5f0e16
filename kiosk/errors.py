"""The core's exception types.

Every error a resident or staff member can cause carries a message in
Simplified Chinese that says what is wrong and what to do; the UI shows it as is.

The local store's failures are typed (all :class:`StoreError`, so existing
handlers still catch them) because what a technician must do differs: a
missing data key must be *restored*, never re-created (a new key cannot read
the old rows); a full disk must be *cleaned*, never "restored from backup"
(that would throw away everything filed since the backup). Each typed error
has a Chinese message for screens (``str(exc)``), an English one-liner for the
CLI (``.english``), a short Chinese label for the status bar (``.summary``)
and a stable ``.kind`` for ``kiosk doctor --json``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

BACKUP_HINT_ZH = "kiosk-backup.sh 每天生成的备份，默认在 /var/backups/kiosk/<时间>/"
BACKUP_HINT_EN = "kiosk-backup.sh writes it to /var/backups/kiosk/<time>/ by default"


class KioskError(Exception):
    """Base of all errors raised by the core."""


class ValidationError(KioskError):
    """A value entered by a person is not acceptable; ``field`` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class InvalidTransition(KioskError):
    """A state machine was asked for a move it does not allow: a bug, never user input."""


class StoreError(KioskError):
    """The local database cannot be used (corrupt, unreadable key, full disk)."""

    kind = "store"
    summary = "本机数据存储出错"

    def __init__(self, message: str, english: str = "") -> None:
        super().__init__(message)
        self.message = message
        self._english = english

    @property
    def english(self) -> str:
        """One line for the CLI and logs (no personal data; paths and counts only)."""
        return self._english or self.message


# -- the data key ----------------------------------------------------------------------------


class DataKeyError(StoreError):
    """``data.key`` cannot be used; nothing in the data directory was changed."""

    kind = "data_key"
    summary = "数据密钥不可用"

    def __init__(self, path: Path, message: str, english: str) -> None:
        super().__init__(message, english)
        self.path = path


class KeyMissingError(DataKeyError):
    """No ``data.key`` beside a database that holds encrypted data: a new key would lose it."""

    kind = "key_missing"
    summary = "数据密钥丢失"

    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            f"数据密钥文件 {path} 不见了，而数据库里已有加密的个人数据。"
            f"不能新建密钥（新密钥读不了原有数据）。请从与数据库同一次的备份中恢复 {path.name}"
            f"（{BACKUP_HINT_ZH}{path.name}），然后重新启动。本次没有做任何改动。",
            f"the data key {path} is missing and the database holds encrypted data: restore "
            f"{path.name} from the backup made together with the database ({BACKUP_HINT_EN}); "
            "nothing was changed",
        )


class KeyInvalidError(DataKeyError):
    """``data.key`` exists but cannot be used: truncated, a directory, or unreadable."""

    kind = "key_invalid"
    summary = "数据密钥损坏"

    def __init__(self, path: Path, reason_zh: str, reason_en: str, *, unreadable: bool) -> None:
        fix_zh = (
            f"请让 kiosk 用户能读取它（chown kiosk {path.name}; chmod 0600 {path.name}），"
            f"或从与数据库同一次的备份中恢复 {path.name}（{BACKUP_HINT_ZH}{path.name}）"
            if unreadable
            else f"请从与数据库同一次的备份中恢复 {path.name}（{BACKUP_HINT_ZH}{path.name}）"
        )
        fix_en = (
            f"make it readable by the kiosk user (chown kiosk, chmod 0600) or restore "
            f"{path.name} from the backup made together with the database ({BACKUP_HINT_EN})"
            if unreadable
            else f"restore {path.name} from the backup made together with the database "
            f"({BACKUP_HINT_EN})"
        )
        super().__init__(
            path,
            f"数据密钥文件 {path} 无法使用（{reason_zh}）。{fix_zh}，然后重新启动。"
            "本次没有做任何改动。",
            f"the data key {path} is unusable ({reason_en}): {fix_en}; nothing was changed",
        )
        self.reason = reason_en


class WrongKeyError(DataKeyError):
    """``data.key`` is not the key this database was encrypted with (another file restored)."""

    kind = "wrong_key"
    summary = "数据密钥不匹配"

    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            f"数据密钥文件 {path} 与数据库不匹配（不是和这个数据库一起生成的密钥，"
            "可能恢复了别的终端或别的日期的密钥）。请从与数据库同一次的备份中恢复 "
            f"{path.name}（{BACKUP_HINT_ZH}{path.name}），然后重新启动。本次没有做任何改动。",
            f"the data key {path} does not belong to this database (a different key file was "
            f"restored): restore {path.name} from the backup made together with the database "
            f"({BACKUP_HINT_EN}); nothing was changed",
        )


# -- the disk and the database ----------------------------------------------------------------


def _mib(value: int) -> str:
    return f"{value / 1024**2:.1f}"


class DiskFullError(StoreError):
    """The file system of the data directory is full. Not corruption: never restore for it."""

    kind = "disk_full"

    def __init__(self, root: Path, free_bytes: int) -> None:
        logs = root / "logs"
        super().__init__(
            f"磁盘已满：数据目录所在的磁盘只剩 {_mib(free_bytes)} MB，新的数据无法保存。"
            f"已保存的申请都完好，数据库没有损坏，不要从备份恢复。"
            f"请删除旧日志（{logs} 中的旧文件、journalctl --vacuum-size=50M）和系统缓存"
            f"（apt-get clean），不要删除数据目录 {root} 里的其他文件；腾出空间后即可继续办理。",
            f"disk full: {_mib(free_bytes)} MB free on the file system of {root}; delete old logs "
            f"in {logs} and system caches (journalctl --vacuum-size, apt-get clean), never the "
            "data directory; nothing saved was lost, do not restore a backup",
        )
        self.root = root
        self.free_bytes = free_bytes
        self.summary = f"磁盘已满（剩余 {_mib(free_bytes)} MB）"

    @classmethod
    def on(cls, root: Path) -> DiskFullError:
        """Measured now: how much is free where ``root`` lives (0 if even that fails)."""
        try:
            free = shutil.disk_usage(root).free
        except OSError:
            free = 0
        return cls(root, free)


class DatabaseCorruptError(StoreError):
    """The database file is damaged (a bad page, not a database at all)."""

    kind = "corrupt"
    summary = "数据库损坏"

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"数据库文件损坏，无法读取（{detail}）。请勿删除数据目录，联系技术人员用备份恢复。",
            f"the database {path} is damaged ({detail}): keep the data directory, run kiosk "
            "doctor and restore it from the backup (docs/deployment.md)",
        )
        self.path = path
        self.detail = detail


class DatabaseMissingError(StoreError):
    """The database is gone (or zero bytes) beside a data key: never start afresh over it.

    Starting afresh would restart the daily sequence and mint application numbers the
    platform already holds.
    """

    kind = "missing"
    summary = "数据库丢失"

    def __init__(self, path: Path, *, zero_length: bool) -> None:
        what_zh = "是空文件（0 字节）" if zero_length else "不存在"
        what_en = "is an empty (zero-length) file" if zero_length else "does not exist"
        super().__init__(
            f"数据库文件 {path} {what_zh}，但数据密钥在：这台终端原来有数据。"
            f"请从最近的备份中同时恢复 {path.name} 和 data.key（{BACKUP_HINT_ZH}），"
            "然后重新启动。本次没有新建数据库，没有做任何改动。",
            f"the database {path} {what_en} but the data key exists, so this terminal had "
            f"data: restore {path.name} together with data.key from the latest backup "
            f"({BACKUP_HINT_EN}); nothing was created or changed",
        )
        self.path = path
        self.zero_length = zero_length


class DatabaseReadOnlyError(StoreError):
    """The database (or its folder, or its file system) cannot be written."""

    kind = "read_only"
    summary = "数据库只读"

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"数据库 {path} 无法写入（只读：{detail}）。数据没有损坏，不要从备份恢复。"
            "请检查数据目录及其中文件的属主和权限（应属于 kiosk 用户、可写），"
            "以及磁盘是否被挂载为只读。",
            f"the database {path} is read-only ({detail}): the data is not damaged, do not "
            "restore; make the data directory and its files writable by the kiosk user and "
            "check the file system is not mounted read-only",
        )
        self.path = path
        self.detail = detail
