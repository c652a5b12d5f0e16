"""Encryption of personal data at rest.

AES-256-GCM (authenticated: a flipped bit is detected, not decrypted to garbage)
with a random 96-bit nonce per value. The key lives in a file readable only by
the kiosk user, created on first start, and *only* then: a missing key beside
data is restored from the backup, never replaced (a new key reads nothing old). Each ciphertext is bound to its row and
column through the associated data, so an encrypted ID number cannot be copied
onto another application's row and be accepted.

A keyed hash (HMAC-SHA256 with a sub-key) of the ID number lets "my
applications" find a person's rows without storing the number in clear.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import os
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.errors import DiskFullError, KeyInvalidError, StoreError

_KEY_BYTES = 32
_NONCE_BYTES = 12
_FORMAT = b"\x01"  # leading version byte: lets us rotate algorithms later

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class DataCipher:
    """Opened with the store; the AES library is loaded at the first value sealed or opened.

    The store opens before the home screen is shown and the home screen reads nothing
    encrypted: loading ``cryptography`` then cost the start ~15 ms and the idle kiosk
    ~7 MB (issue 16). The first draft saved, or the first upload, loads it instead.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) != _KEY_BYTES:
            raise StoreError("数据密钥长度不正确。")
        self._key = key
        self._aead_instance: AESGCM | None = None
        self._lookup_key = hmac.new(key, b"kiosk lookup key v1", hashlib.sha256).digest()

    @property
    def _aead(self) -> AESGCM:
        if self._aead_instance is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead_instance = AESGCM(self._key)
        return self._aead_instance

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def decrypt(self, blob: bytes, context: str) -> bytes:
        if not blob or blob[:1] != _FORMAT:
            raise StoreError("加密数据格式无法识别。")
        nonce, body = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        from cryptography.exceptions import InvalidTag

        aead = self._aead
        try:
            return aead.decrypt(nonce, body, context.encode())
        except InvalidTag:
            raise StoreError("加密数据校验失败：数据可能已损坏，或密钥文件不匹配。") from None

    def lookup_hash(self, value: str) -> str:
        """Deterministic keyed hash for equality lookups (never reversible without the key)."""
        return hmac.new(self._lookup_key, value.encode(), hashlib.sha256).hexdigest()


KEY_ID_META = "crypto:key_id"
"""Meta key of the data key's fingerprint, recorded in the database the key encrypts."""


def key_id(key: bytes) -> str:
    """The key's fingerprint: an HMAC of a constant under the key (names it, reveals nothing).

    Recorded in the database when the key is made, so a *different* key file (another
    terminal's, another day's) is refused at open instead of quietly failing row by row.
    """
    return hmac.new(key, b"kiosk data key id v1", hashlib.sha256).hexdigest()[:32]


def read_key(path: Path) -> bytes | None:
    """The key in ``path``, or None when there is no file at all.

    Anything else that is not 32 readable bytes raises :class:`KeyInvalidError`:
    a truncated file, a directory, a broken link, a file the kiosk user cannot read.
    Only the caller may decide that a missing key may be created (see
    :func:`kiosk.store.db.open_database`): never when the database holds data.
    """
    if not os.path.lexists(path):
        return None
    if path.is_dir():
        raise KeyInvalidError(
            path, "它是一个目录，不是文件", "it is a directory, not a file", unreadable=False
        )
    if not path.exists():
        raise KeyInvalidError(
            path, "它是一个失效的链接", "it is a link to nothing", unreadable=False
        )
    try:
        key = path.read_bytes()
    except PermissionError:
        raise KeyInvalidError(
            path, "没有读取权限", "unreadable: permission denied", unreadable=True
        ) from None
    except OSError as exc:
        raise KeyInvalidError(
            path,
            f"无法读取：{exc.strerror}",
            f"unreadable: {exc.strerror}",
            unreadable=True,
        ) from None
    if len(key) != _KEY_BYTES:
        raise KeyInvalidError(
            path,
            f"长度为 {len(key)} 字节，应为 {_KEY_BYTES} 字节：文件被截断或损坏",
            f"{len(key)} bytes instead of {_KEY_BYTES}: truncated or damaged",
            unreadable=False,
        )
    return key


def create_key(path: Path) -> bytes:
    """Make the terminal's data key, mode 0600, durably; only when no data needs an old one.

    Written to ``data.key.new``, fsync'd, then hard-linked to ``data.key`` (atomic, and
    fails if another process won the race: then that process's key is used), so a power
    cut leaves either no key or a whole one, never an empty file. A leftover
    ``data.key.new`` was never used for anything (see :func:`discard_unused_key`).
    """
    key = os.urandom(_KEY_BYTES)
    tmp = _tmp_of(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic, and fails if another process won the race
        except FileExistsError:
            tmp.unlink(missing_ok=True)
            won = read_key(path)
            if won is None:
                raise KeyInvalidError(
                    path, "它是一个失效的链接", "it is a link to nothing", unreadable=False
                ) from None
            return won
        tmp.unlink()
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError.on(path.parent) from exc
        raise StoreError(
            f"无法创建数据密钥文件 {path}（{exc.strerror}）。请检查数据目录的权限和磁盘。",
            f"cannot create the data key {path}: {exc.strerror}",
        ) from exc
    return key


def discard_unused_key(path: Path) -> None:
    """Remove a ``data.key.new`` left by a power cut: no data was ever encrypted with it."""
    with contextlib.suppress(OSError):
        _tmp_of(path).unlink(missing_ok=True)


def _tmp_of(path: Path) -> Path:
    return path.with_name(path.name + ".new")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
