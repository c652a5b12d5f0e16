"""Render the photo step with a live document camera (``qt:``) to docs/screenshots/.

    .venv/bin/python scripts/camera_screenshots.py [--out docs/screenshots]

No machine that builds the docs has a camera, so the frames are pushed in through
``QVideoFrameInput`` (``ui.camera_qt.PushedFrames``): a simulated 户口簿 page on a
desk, as a 4:3 camera sees it. It goes through the real capture session, video sink
and preview, with the A4 guide over it. Written, offscreen at 1920×1080 and 1080×1920:

- ``camera_preview_{landscape,portrait}_{normal,large}.png``: 最低生活保障申请's
  户口簿照片 step, the live picture under the A4 guide, 拍照 below it;
- ``camera_missing_{landscape,portrait}_normal.png``: the same step after the camera
  was unplugged (its message in place of the picture, 拍照 disabled);
- ``camera_guide_card.png``: the preview alone with the ID-card guide (85.6 × 54 mm).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false;qt.multimedia.*=false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
ITEM = "MZ-DB-001"  # 最低生活保障申请: 户口簿照片 is required
FRAME = (1600, 1200)  # a 4:3 camera picture


def desk_frame(page_title: str, page_size_mm: tuple[float, float]) -> Any:
    """A QImage: the simulator's page (or card) of ``page_size_mm`` on a grey desk."""
    from PIL import Image
    from PySide6.QtGui import QImage

    from devices.camera.simulator import SimulatedCamera

    width_mm, height_mm = page_size_mm
    scale = FRAME[1] * 0.8 / 297  # the camera's picture takes in an A4 page
    size = (int(width_mm * scale), int(height_mm * scale))
    page = SimulatedCamera(title=page_title, size=(size[0] * 2, size[1] * 2)).capture()
    with Image.open(io.BytesIO(page)) as drawn:
        # The simulator draws a margin of desk around its page: crop it, keep the paper.
        margin = drawn.width // 12
        paper = drawn.crop((margin, margin, drawn.width - margin, drawn.height - margin))
        paper = paper.resize(size)
    desk = Image.new("RGB", FRAME, (118, 104, 92))
    desk.paste(paper, ((FRAME[0] - size[0]) // 2 + 20, (FRAME[1] - size[1]) // 2 - 10))
    out = io.BytesIO()
    desk.save(out, "PNG")
    return QImage.fromData(out.getvalue())


def settle(app: Any, until: Callable[[], bool] = lambda: False, seconds: float = 0.3) -> None:
    """Process events until ``until()`` or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while not until() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(3):
        app.processEvents()


def to_photo_step(journey: Any) -> None:
    from kiosk.catalogue import FieldType
    from kiosk.journey import Step
    from ui.tour import SAMPLE_PHONE, reach

    reach(journey, Step.FIND_ITEM)
    journey.choose_item(ITEM)
    journey.begin_form()
    while journey.step is Step.FORM:
        field = journey.current_field()
        if field.type is FieldType.ATTACHMENT:
            return
        if field.key == "phone":
            journey.answer(SAMPLE_PHONE)
        elif field.options:
            journey.answer(field.options[0])
        else:
            journey.answer(journey.session.answers.get(field.key, "") or "2")
    raise RuntimeError(f"{ITEM}: no photo step reached ({journey.step})")


def card_guide(app: Any, camera: Any, source: Any, path: Path) -> Path:
    """The preview alone, with the ID-card guide over a card on the plate."""
    from ui.camera_qt import CameraPreview, Guide

    source.push(desk_frame("居民身份证（样本）", (85.6, 54)))
    card = CameraPreview(camera, Guide.ID_CARD)
    card.resize(800, 640)
    card.show()
    settle(app, lambda: card.has_picture, 5)
    card.grab().save(str(path))
    card.hide()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-shots-")
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from app.wiring import UiOptions, build_ui
    from kiosk.core import KioskCore
    from ui.camera_qt import CameraPreview, PushedFrames, QtDocumentCamera
    from ui.theme import Theme
    from ui.tour import keep_mode

    source = PushedFrames([desk_frame("常住人口登记卡（户口簿）", (210, 297))], "演示画面")
    camera = QtDocumentCamera(source=source)
    core = KioskCore.open()
    kiosk = build_ui(
        core,
        reader=None,
        printer=None,
        options=UiOptions(voice_engine="mock", printer_watch_s=0),
        camera=camera,
    )
    window = kiosk.window
    window.show()
    settle(app, lambda: kiosk.journey.camera is True, 5)
    written: list[Path] = []
    for orientation, size in SIZES.items():
        window.resize(*size)
        for mode, theme in (("normal", Theme()), ("large", Theme(large=True))):
            keep_mode(window, theme)
            to_photo_step(kiosk.journey)
            settle(app)
            preview = window.router.current.findChild(CameraPreview, "camera_preview")
            if preview is None:
                raise RuntimeError("no camera preview on the photo step")

            def has_picture(shown: CameraPreview = preview) -> bool:
                return bool(shown.has_picture)

            settle(app, has_picture, 5)
            path = args.out / f"camera_preview_{orientation}_{mode}.png"
            window.grab().save(str(path))
            written.append(path)
            if mode == "normal":
                source.unplug()
                settle(app)
                path = args.out / f"camera_missing_{orientation}_normal.png"
                window.grab().save(str(path))
                written.append(path)
                source.plug_in()
                settle(app)
    kiosk.journey.home()
    written.append(card_guide(app, camera, source, args.out / "camera_guide_card.png"))
    kiosk.close()
    core.close()
    print(f"{len(written)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
