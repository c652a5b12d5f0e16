"""A simulated 高拍仪 for tests, the demo mode and training: it draws a scanned-looking page.

Controls like the other simulators: :meth:`fail_next` makes the next capture
fail, :meth:`unplug` / :meth:`plug_in` toggle the connection.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from devices.camera.protocol import CameraError, CameraStatus

if TYPE_CHECKING:  # Pillow is imported at the first capture (see SimulatedCamera.capture)
    from PIL import ImageFont

_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont | None:
    """A CJK font when one is installed; None when the page is drawn without text."""
    from PIL import ImageFont

    for candidate in _CJK_FONTS:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return None


class SimulatedCamera:
    """:class:`~devices.camera.protocol.DocumentCamera` that renders a page with Pillow."""

    def __init__(self, title: str = "模拟高拍仪 拍摄的材料", size: tuple[int, int] = (1240, 1754)):
        self.title = title
        self.size = size  # A4 at 150 dpi, portrait
        self.captures = 0
        self._lock = threading.Lock()
        self._fail_next: CameraStatus | None = None
        self._plugged = True

    @property
    def status(self) -> CameraStatus:
        return CameraStatus.READY if self._plugged else CameraStatus.DISCONNECTED

    def fail_next(self, status: CameraStatus = CameraStatus.ERROR) -> None:
        """The next capture raises :class:`CameraError` with ``status``."""
        with self._lock:
            self._fail_next = status

    def unplug(self) -> None:
        self._plugged = False

    def plug_in(self) -> None:
        self._plugged = True

    def capture(self) -> bytes:
        """A JPEG of a white page on a grey desk, with a title line and ruled text lines."""
        with self._lock:
            if not self._plugged:
                raise CameraError(CameraStatus.DISCONNECTED, "模拟高拍仪已拔出")
            failure, self._fail_next = self._fail_next, None
            if failure is not None:
                raise CameraError(failure, "模拟故障")
            self.captures += 1
            number = self.captures
        # Pillow here, not at the top: a kiosk configured with the simulator loads it at the
        # first photo, not at start-up (issue 16, goal 1).
        from PIL import Image, ImageDraw

        width, height = self.size
        image = Image.new("RGB", (width, height), (150, 150, 145))  # the desk
        draw = ImageDraw.Draw(image)
        margin = width // 12
        draw.rectangle((margin, margin, width - margin, height - margin), fill=(250, 250, 246))
        font = _font(width // 24)
        y = margin * 2
        if font is not None:
            draw.text(
                (margin * 2, y), f"{self.title}（第 {number} 张）", fill=(20, 20, 20), font=font
            )
        else:
            draw.rectangle((margin * 2, y, width // 2, y + width // 30), fill=(40, 40, 40))
        y += width // 10
        while y < height - margin * 2:
            draw.line((margin * 2, y, width - margin * 2, y), fill=(170, 170, 170), width=3)
            y += width // 20
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        return out.getvalue()
