"""The one place where a document-camera URL becomes a real or simulated camera.

``folder:PATH`` reads the folder the vendor's capture software saves into,
``sim:`` draws pages (demo mode, tests), an empty URL means no camera.
"""

from __future__ import annotations

from pathlib import Path

from devices.camera.folder import FolderCamera
from devices.camera.protocol import DocumentCamera
from devices.camera.simulator import SimulatedCamera
from kiosk.errors import KioskError


class CameraUrlError(KioskError):
    """The setting ``devices.document_camera`` names no camera we know."""


def open_camera(url: str) -> DocumentCamera | None:
    """A camera for ``url`` (``folder:PATH`` or ``sim:``), or None for an empty URL."""
    url = url.strip()
    if not url:
        return None
    scheme, _, rest = url.partition(":")
    if scheme == "sim" and not rest:
        return SimulatedCamera()
    if scheme == "folder" and rest:
        return FolderCamera(Path(rest).expanduser())
    raise CameraUrlError(f"无法识别的高拍仪地址：{url}（应为 folder:文件夹路径 或 sim:）")
