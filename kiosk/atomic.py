"""One atomic write for every file the kiosk replaces whole (settings, secret, attachments, exports).

A power cut at any moment leaves either the old file or the new one, never a
mix or an empty file: the bytes go to a temporary file beside the target, which
is fsync'd, renamed over the target, and then the directory is fsync'd so the
rename itself survives. On any failure the temporary file is removed (on a
full disk it would make things worse) and the error is raised unchanged, so
callers keep their own error mapping (``kiosk.store`` turns ENOSPC into
``DiskFullError``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

TMP_SUFFIX = ".tmp"


def tmp_path_of(path: Path, suffix: str = TMP_SUFFIX) -> Path:
    """Where the new content waits before the rename: the same directory (same file system),
    a name of this writer's own (two threads writing the same attachment never collide),
    ending in ``suffix`` so a leftover of a power cut is recognised and tidied away."""
    return path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}{suffix}")


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a USB stick's vfat cannot: that is tolerated)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(
    path: Path, *, mode: int = 0o644, suffix: str = TMP_SUFFIX
) -> Iterator[IO[bytes]]:
    """A binary file whose content replaces ``path`` when the block ends without an error.

    ``mode`` applies from the first byte (``O_CREAT``), so a secret is never
    readable by others, not even for a moment.
    """
    tmp = tmp_path_of(path, suffix)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()  # a leftover of an earlier process that had the same pid
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, content: bytes | str, *, mode: int = 0o644) -> None:
    """Replace ``path`` with ``content`` (text is written as UTF-8), power-cut safe."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_writer(path, mode=mode) as handle:
        handle.write(data)
