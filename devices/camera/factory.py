"""The one place where a document-camera URL becomes a real or simulated camera.

``folder:PATH`` reads the folder the vendor's capture software saves into,
``sim:`` draws pages (demo mode, tests), ``qt:`` / ``qt:NAME`` drives a UVC
camera through Qt Multimedia with a live preview, an empty URL means no camera.

The Qt camera needs Qt, which this layer may not import (import-linter): the
caller that may (``app/wiring.py``) passes the opener as ``live``, and it is
called, and Qt Multimedia imported, only for a ``qt:`` URL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from devices.camera.folder import FolderCamera
from devices.camera.protocol import DocumentCamera
from devices.camera.simulator import SimulatedCamera
from kiosk.errors import KioskError

LiveOpener = Callable[[str], DocumentCamera]
"""Opens ``qt:NAME``'s camera from NAME (empty: the first camera)."""


class CameraUrlError(KioskError):
    """The setting ``devices.document_camera`` names no camera we know."""


def open_camera(url: str, *, live: LiveOpener | None = None) -> DocumentCamera | None:
    """A camera for ``url`` (``folder:PATH``, ``sim:``, ``qt:`` or ``qt:NAME``), or None for an
    empty URL. ``qt:`` URLs need ``live`` (the Qt adapter's opener)."""
    url = url.strip()
    if not url:
        return None
    scheme, _, rest = url.partition(":")
    if scheme == "sim" and not rest:
        return SimulatedCamera()
    if scheme == "folder" and rest:
        return FolderCamera(Path(rest).expanduser())
    if scheme == "qt":
        if live is None:
            raise CameraUrlError(f"高拍仪地址 {url} 需要图形界面（在 kiosk run 中使用）")
        return live(rest.strip())
    raise CameraUrlError(
        f"无法识别的高拍仪地址：{url}（应为 folder:文件夹路径、sim:、qt: 或 qt:摄像头名称）"
    )
