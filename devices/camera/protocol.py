"""The document camera's interface and its closed set of statuses."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from kiosk.errors import KioskError


class CameraStatus(StrEnum):
    READY = "ready"
    NO_IMAGE = "no_image"  # the folder holds no photo newer than the last one taken
    DISCONNECTED = "disconnected"  # the folder is gone / the simulator was unplugged
    ERROR = "error"


_MESSAGES = {
    CameraStatus.READY: "高拍仪正常",
    CameraStatus.NO_IMAGE: "没有收到新的照片：请先在高拍仪上拍照，再点“拍照”。",
    CameraStatus.DISCONNECTED: "无法连接高拍仪，请检查电源和连接线。",
    CameraStatus.ERROR: "高拍仪拍照失败，请重试或联系工作人员。",
}


def status_message(status: CameraStatus) -> str:
    """What staff and residents read for ``status``, in Simplified Chinese."""
    return _MESSAGES[status]


class CameraError(KioskError):
    """A capture that produced no image; ``status`` says why, the message says it in Chinese."""

    def __init__(self, status: CameraStatus, detail: str = "") -> None:
        message = status_message(status)
        super().__init__(f"{message}（{detail}）" if detail else message)
        self.status = status
        self.detail = detail


class DocumentCamera(Protocol):
    """A 高拍仪: :meth:`capture` blocks (call it off the GUI thread) and returns image bytes."""

    @property
    def status(self) -> CameraStatus: ...

    def capture(self) -> bytes:
        """One photo of the page under the camera, as JPEG or PNG bytes; raises :class:`CameraError`."""
        ...
