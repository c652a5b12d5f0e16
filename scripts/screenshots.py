"""Render every resident screen to docs/screenshots/ (offscreen, widget.grab()).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Each journey step at 1920×1080 and 1080×1920, in normal and larger-text mode,
filled with the sample visit of ui/tour.py. A temporary data directory is used.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


class PaperPrinter:
    """A printer that always succeeds, so the screens show the happy path."""

    url = "memory:"

    def status(self):  # type: ignore[no-untyped-def]
        from devices.printers.status import PrinterStatus

        return PrinterStatus.READY

    def print_document(self, doc):  # type: ignore[no-untyped-def]
        from devices.printers.protocol import PrintOutcome
        from devices.printers.status import PrinterStatus

        return PrintOutcome(PrinterStatus.READY, PrinterStatus.READY)

    def close(self) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-shots-")

    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from app.wiring import UiOptions, build_ui
    from kiosk.core import KioskCore
    from kiosk.journey import Step
    from ui.theme import Theme
    from ui.tour import reach

    core = KioskCore.open()
    kiosk = build_ui(
        core,
        reader=None,
        printer=PaperPrinter(),
        options=UiOptions(voice_engine="mock", printer_watch_s=0),
    )
    window = kiosk.window
    window.show()
    written = []
    for orientation, size in SIZES.items():
        window.resize(*size)
        for mode, theme in (("normal", Theme()), ("large", Theme(large=True))):
            window.apply_theme(theme)
            for step in Step:
                reach(kiosk.journey, step)
                deadline = time.monotonic() + 2
                while time.monotonic() < deadline:  # let printer callbacks and layouts land
                    app.processEvents()
                    if step not in (Step.SUBMITTED, Step.GUIDE):
                        break
                    time.sleep(0.01)
                path = args.out / f"{step.value}_{orientation}_{mode}.png"
                window.grab().save(str(path))
                written.append(path)
    kiosk.close()
    core.close()
    print(f"{len(written)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
