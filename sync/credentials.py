"""Where the terminal keeps its platform secret, and the one-sync-process lock.

The secret is never in ``terminal.toml`` (technicians copy that file around
and paste it into tickets); it lives alone in a 0600 file of the data directory.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kiosk.atomic import atomic_write
from kiosk.errors import KioskError
from kiosk.paths import DataDir
from kiosk.settings import Settings
from sync.signing import decode_secret, encode_secret

if TYPE_CHECKING:  # the client is imported when credentials are loaded, not before
    from sync.client import Credentials


def secret_file(data: DataDir) -> Path:
    return data.root / "platform.secret"


def save_secret(data: DataDir, secret: bytes) -> Path:
    """Write atomically with owner-only permissions from the first byte (no chmod race)."""
    path = secret_file(data)
    atomic_write(path, (encode_secret(secret) + "\n").encode("ascii"), mode=0o600)
    return path


def is_provisioned(data: DataDir, settings: Settings) -> bool:
    """A platform URL, a terminal id and a readable secret file: the sync engine can start.

    The kiosk offers what needs the platform (电子证照) only then, and starts its engine
    only then; checked at start-up without reading the secret or importing the HTTP client.
    """
    path = secret_file(data)
    return (
        bool(settings.platform.url and settings.platform.terminal_id)
        and path.is_file()
        and os.access(path, os.R_OK)
    )


class SyncCannotStart(KioskError):
    """The sync engine of a provisioned terminal cannot be built; the message says why (Chinese)."""


def ca_bundle_problem(path: str) -> str:
    """Why the CA bundle of ``[platform] ca_bundle`` cannot verify the platform, in Chinese;
    ``""`` when none is set (the system CAs) or it loads.

    Checked the way the client will use it (``ssl.create_default_context(cafile=...)``): a
    file deleted, unreadable or not PEM after enrolment used to stop the sync engine from
    starting with only a log line, while the doctor called the network fine.
    """
    if not path:
        return ""
    import ssl

    try:
        ssl.create_default_context(cafile=path)
    except FileNotFoundError:
        return f"找不到证书文件 {path}，请检查路径。"
    except (IsADirectoryError, PermissionError):
        return f"证书文件 {path} 无法读取（是目录，或没有读取权限）。"
    except (ssl.SSLError, ValueError, UnicodeDecodeError):
        return f"证书文件 {path} 不是有效的 PEM 格式证书。"
    except OSError as exc:
        return f"证书文件 {path} 无法读取（{type(exc).__name__}）。"
    return ""


def sync_start_problem(data: DataDir, settings: Settings) -> str:
    """Why a provisioned terminal's sync engine cannot start, in Chinese; ``""`` if it can.

    The CA bundle (:func:`ca_bundle_problem`) and the platform secret file: one that is
    unreadable or no longer base64 (a bad copy from a backup, a disk error) stopped sync with
    a log line only. The doctor's network check reports it (``app/probes.py``).
    """
    if problem := ca_bundle_problem(settings.platform.ca_bundle):
        return problem
    path = secret_file(data)
    if not path.exists():
        return ""
    try:
        decode_secret(path.read_text("ascii"))
    except (OSError, ValueError):  # binascii.Error and UnicodeDecodeError are ValueErrors
        return f"平台密钥文件 {path} 已损坏或无法读取，需要由技术人员重新开通（kiosk provision）。"
    return ""


def load_credentials(data: DataDir, settings: Settings) -> Credentials | None:
    """The terminal's credentials, or None if it was never provisioned."""
    from sync.client import Credentials

    path = secret_file(data)
    if not settings.platform.url or not settings.platform.terminal_id or not path.exists():
        return None
    return Credentials(settings.platform.terminal_id, decode_secret(path.read_text("ascii")))


class SyncLock:
    """An exclusive ``flock`` on ``run/sync.lock``: at most one sync engine per terminal.

    The kernel drops the lock when the process dies (even by SIGKILL), so the
    next engine can safely release the dead one's leases at start.
    """

    def __init__(self, data: DataDir) -> None:
        self.path = data.run / "sync.lock"
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a", encoding="ascii")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
