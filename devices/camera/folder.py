"""The real 高拍仪 adapter: the vendor's capture software saves each photo into a folder.

Most document cameras sold to service halls ship a capture program (or SDK demo)
that saves a JPEG into a configurable folder when the button on the arm (or on
screen) is pressed. We read that folder rather than drive the camera, so any
model works. A photo counts only when it is newer than the previous capture (or
than the moment the camera was opened): a tap on 拍照 never hands in a page
photographed for someone else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from devices.camera.protocol import CameraError, CameraStatus

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp"})


class FolderCamera:
    """:class:`~devices.camera.protocol.DocumentCamera` over the capture software's folder."""

    def __init__(self, folder: Path, *, clock_ns: Callable[[], int] = time.time_ns) -> None:
        self.folder = Path(folder)
        self._since_ns = clock_ns()
        self._status = CameraStatus.READY if self.folder.is_dir() else CameraStatus.DISCONNECTED

    @property
    def status(self) -> CameraStatus:
        return self._status

    def newest(self) -> Path | None:
        """The newest image file in the folder newer than the last capture, or None."""
        best: tuple[int, str, Path] | None = None
        for path in self.folder.iterdir():
            if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
                continue
            mtime = path.stat().st_mtime_ns
            if mtime <= self._since_ns:
                continue
            key = (mtime, path.name, path)
            if best is None or key[:2] > best[:2]:
                best = key
        return None if best is None else best[2]

    def capture(self) -> bytes:
        """The bytes of the newest new photo; :class:`CameraError` (in Chinese) when there is none."""
        if not self.folder.is_dir():
            self._status = CameraStatus.DISCONNECTED
            raise CameraError(CameraStatus.DISCONNECTED, f"找不到文件夹 {self.folder}")
        try:
            path = self.newest()
            if path is None:
                self._status = CameraStatus.NO_IMAGE
                raise CameraError(CameraStatus.NO_IMAGE)
            content = path.read_bytes()
            mtime = path.stat().st_mtime_ns
        except OSError as exc:
            self._status = CameraStatus.ERROR
            raise CameraError(CameraStatus.ERROR, exc.strerror or type(exc).__name__) from exc
        if not content:
            self._status = CameraStatus.ERROR
            raise CameraError(CameraStatus.ERROR, f"{path.name} 是空文件")
        self._since_ns = mtime
        self._status = CameraStatus.READY
        # The capture software leaves the scan unencrypted: once we hold it (it is
        # encrypted when the application is stored), the plain copy must not stay behind.
        path.unlink(missing_ok=True)
        return content
