"""Encryption of personal data at rest.

AES-256-GCM (authenticated: a flipped bit is detected, not decrypted to garbage)
with a random 96-bit nonce per value. The key lives in a file readable only by
the kiosk user, created on first start. Each ciphertext is bound to its row and
column through the associated data, so an encrypted ID number cannot be copied
onto another application's row and be accepted.

A keyed hash (HMAC-SHA256 with a sub-key) of the ID number lets "my
applications" find a person's rows without storing the number in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.errors import StoreError

_KEY_BYTES = 32
_NONCE_BYTES = 12
_FORMAT = b"\x01"  # leading version byte: lets us rotate algorithms later


class DataCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != _KEY_BYTES:
            raise StoreError("数据密钥长度不正确。")
        self._aead = AESGCM(key)
        self._lookup_key = hmac.new(key, b"kiosk lookup key v1", hashlib.sha256).digest()

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def decrypt(self, blob: bytes, context: str) -> bytes:
        if not blob or blob[:1] != _FORMAT:
            raise StoreError("加密数据格式无法识别。")
        nonce, body = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, context.encode())
        except InvalidTag:
            raise StoreError("加密数据校验失败：数据可能已损坏，或密钥文件不匹配。") from None

    def lookup_hash(self, value: str) -> str:
        """Deterministic keyed hash for equality lookups (never reversible without the key)."""
        return hmac.new(self._lookup_key, value.encode(), hashlib.sha256).hexdigest()


def load_or_create_key(path: Path) -> bytes:
    """The terminal's data key; created with mode 0600 on first start.

    Created with O_EXCL so two processes starting at once cannot each write a
    different key, and fsync'd so a power cut cannot leave an empty key file
    behind a database encrypted with the lost key.
    """
    if path.exists():
        key = path.read_bytes()
        if len(key) != _KEY_BYTES:
            raise StoreError(f"密钥文件 {path} 已损坏（长度不对），请联系技术人员。")
        return key
    key = os.urandom(_KEY_BYTES)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # atomic, and fails if another process won the race
    except FileExistsError:
        tmp.unlink()
        return load_or_create_key(path)
    tmp.unlink()
    _fsync_dir(path.parent)
    return key


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
