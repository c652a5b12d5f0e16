"""Render the keyboard's 手写 mode to docs/screenshots/ (offscreen, widget.grab()).

    .venv/bin/python scripts/handwriting_screenshots.py [--out docs/screenshots]

The 输入姓名 screen with the writing pad open, 李 written on it (strokes from the
hand-made skeletons of tests/input/strokes/make_strokes.py) and zinnia's candidates
shown, at 1920×1080 and 1080×1920, in normal and larger-text mode.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-shots-")
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from app.wiring import UiOptions, build_ui
    from kiosk.core import KioskCore
    from kiosk.journey import Step
    from tests.input.strokes.make_strokes import SKELETONS
    from ui.handwriting import HandwritingPanel
    from ui.theme import Theme
    from ui.tour import reach
    from ui.widgets import Keyboard

    core = KioskCore.open()
    kiosk = build_ui(
        core, reader=None, printer=None, options=UiOptions(voice_engine="mock", printer_watch_s=0)
    )
    window = kiosk.window
    window.show()
    written = []
    for orientation, size in SIZES.items():
        window.resize(*size)
        for mode, theme in (("normal", Theme()), ("large", Theme(large=True))):
            reach(kiosk.journey, Step.TYPE_NAME)
            for _ in range(3):
                app.processEvents()
            window.apply_theme(theme)
            app.processEvents()
            keyboard = window.router.current.findChild(Keyboard)
            if keyboard is None:
                raise RuntimeError("no keyboard on the name screen")
            keyboard.hand.click()
            panel = keyboard.findChild(HandwritingPanel)
            if panel is None:
                raise RuntimeError("no writing pad after 手写")
            side = panel.pad.width()
            panel.pad.strokes = [
                [(side * (0.1 + 0.8 * x / 100), side * (0.1 + 0.8 * y / 100)) for x, y in stroke]
                for stroke in SKELETONS["李"]
            ]
            panel.recognise()
            deadline = time.monotonic() + 5
            while not panel.candidates and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.01)
            for _ in range(3):
                app.processEvents()
            path = args.out / f"handwriting_{orientation}_{mode}.png"
            window.grab().save(str(path))
            written.append(path)
    kiosk.close()
    core.close()
    print(f"{len(written)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
