"""Encrypted, content-addressed attachment files.

A file is named by the sha-256 of its *plaintext* (so the same scan attached
twice is stored once and the platform can verify what it received), and holds
the AES-GCM ciphertext. It is written and fsync'd before the database
transaction that references it commits; a crash in between leaves only an
unreferenced file, which :meth:`AttachmentFiles.remove_orphans` deletes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from kiosk.atomic import atomic_write
from kiosk.crypto import DataCipher
from kiosk.store.db import os_store_error


class AttachmentFiles:
    def __init__(self, folder: Path, cipher: DataCipher) -> None:
        self.folder = folder
        self._cipher = cipher

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.bin"

    def put(self, content: bytes) -> str:
        """Write (encrypted, fsync'd) and return the name; a full disk raises ``DiskFullError``.

        On any failure the partial ``.tmp`` file is removed, so a full disk leaves
        nothing behind that would make it fuller.
        """
        digest = hashlib.sha256(content).hexdigest()
        target = self.path_of(digest)
        if target.exists():
            return digest
        blob = self._cipher.encrypt(content, f"attachment:{digest}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, blob, mode=0o600)  # removes its .tmp file on any failure
        except OSError as exc:
            raise os_store_error(exc, target, self.folder.parent) from exc
        return digest

    def get(self, sha256: str) -> bytes:
        return self._cipher.decrypt(self.path_of(sha256).read_bytes(), f"attachment:{sha256}")

    def delete(self, sha256: str) -> None:
        self.path_of(sha256).unlink(missing_ok=True)

    def remove_orphans(self, referenced: Iterable[str]) -> int:
        keep = set(referenced)
        removed = 0
        for path in self.folder.glob("*/*"):
            name = path.name.removesuffix(".bin").removesuffix(".tmp")
            if path.suffix == ".tmp" or name not in keep:
                try:
                    path.unlink(missing_ok=True)
                except OSError:  # a read-only disk: tidying up can wait for the next start
                    continue
                removed += 1
        return removed
