"""The platform key: terminal secrets and applicants' personal data encrypted at rest.

The platform keeps each terminal's HMAC secret (it must recompute signatures, so a
one-way verifier cannot work with this protocol) and every applicant's data. Both are
stored encrypted with AES-256-GCM under a 32-byte key file, exactly as the kiosk keeps
its own personal data: the cipher is the kiosk's :class:`kiosk.crypto.DataCipher` (not a
copy), each value bound to its row through the associated data, so a ciphertext copied
onto another row does not decrypt. A stolen database file or dump without the key file
reveals no name, ID number or terminal secret.

The key file is created 0600 on first start, beside the SQLite database unless
``--key-file`` says otherwise (always given for PostgreSQL: a URL has no "beside"), and
only while the database holds nothing encrypted: a missing key beside encrypted data is
an error to fix from the backup, never replaced (a new key would read nothing old).
"""

from __future__ import annotations

import base64
from pathlib import Path

from kiosk.crypto import DataCipher, create_key, key_id, read_key
from kiosk.errors import StoreError

PREFIX = "enc1:"
"""Leading marker of an encrypted text column (base64 of the kiosk cipher's blob)."""

KEY_ID_META = "crypto:key_id"

ENV_KEY_FILE = "KIOSK_CENTRAL_KEY_FILE"
"""Environment variable naming the key file (``--key-file``'s default; read by workers)."""


class PlatformKeyError(Exception):
    """The platform key cannot be used; the message says what to do."""


class PlatformCipher:
    """Encrypt and decrypt text columns; binary values (attachment chunks) as bytes."""

    def __init__(self, key: bytes) -> None:
        self._cipher = DataCipher(key)
        self.key_id = key_id(key)

    def seal(self, text: str, context: str) -> str:
        return PREFIX + base64.b64encode(self._cipher.encrypt(text.encode(), context)).decode()

    def open(self, stored: str, context: str) -> str:
        if not stored.startswith(PREFIX):
            raise PlatformKeyError(f"{context}: value is not encrypted")
        try:
            return self._cipher.decrypt(base64.b64decode(stored[len(PREFIX) :]), context).decode()
        except StoreError:
            raise PlatformKeyError(
                f"{context}: cannot decrypt (damaged, or another platform key)"
            ) from None

    def lookup_hash(self, value: str) -> str:
        """A keyed hash for equality lookups (an ID number → its licences), like the kiosk's."""
        return self._cipher.lookup_hash(value)

    def seal_bytes(self, data: bytes, context: str) -> bytes:
        return self._cipher.encrypt(data, context)

    def open_bytes(self, blob: bytes, context: str) -> bytes:
        try:
            return self._cipher.decrypt(bytes(blob), context)
        except StoreError:
            raise PlatformKeyError(
                f"{context}: cannot decrypt (damaged, or another platform key)"
            ) from None


def default_key_file(db: str | Path) -> Path:
    """``central.sqlite3`` → ``central.sqlite3.key`` in the same directory."""
    path = Path(db)
    return path.with_name(path.name + ".key")


def load_key(path: Path, *, recorded_key_id: str | None) -> PlatformCipher:
    """The cipher of ``path``; created only when the database records no key yet."""
    try:
        key = read_key(path)
    except StoreError as exc:
        raise PlatformKeyError(exc.english) from None
    if key is None:
        if recorded_key_id is not None:
            raise PlatformKeyError(
                f"the platform key {path} is missing but the database holds data encrypted "
                "with it: restore the key file from the backup made with the database "
                "(a new key would read nothing); nothing was changed"
            )
        try:
            key = create_key(path)
        except StoreError as exc:
            raise PlatformKeyError(exc.english) from None
    cipher = PlatformCipher(key)
    if recorded_key_id is not None and cipher.key_id != recorded_key_id:
        raise PlatformKeyError(
            f"the platform key {path} is not the key this database was encrypted with: "
            "use the key file from the same backup as the database; nothing was changed"
        )
    return cipher
