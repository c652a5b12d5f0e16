"""Render every resident screen to docs/screenshots/ (offscreen, widget.grab()).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only STEP ...]

Each journey step at 1920×1080 and 1080×1920, in normal and larger-text mode,
filled with the sample visit of ui/tour.py, plus the item list paged through
(``find_item_page2``: search results for 申, more than one page holds), and the
states a step shows after a tap on its own screen (:data:`VIEWS`: the booking step's
slot list and home-visit request, the e-licence lookup's waiting state). A
temporary data directory is used.

Every picture is checked before it is saved: the screen's title is measured in
the grabbed window and must have the mode's title size (42 px normal, 52 px
长辈模式), and the mode is written into the PNG (text key ``kiosk-mode``) and read
back from the file. The large pictures were once silently normal: every tour step
starts a fresh visit, and a visit's 长辈模式 ends with it (see ``ui.tour.keep_mode``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
MODE_KEY = "kiosk-mode"
PAGED_QUERY = "申"  # 申请, 申领, 申报: more results than one page holds in every mode


def _tap(window: Any, name: str) -> None:
    from PySide6.QtWidgets import QPushButton

    button = window.router.current.findChild(QPushButton, name)
    if button is None:
        raise LookupError(f"no button {name!r} on {window.router.current.objectName()}")
    button.click()


def _home_visit(window: Any) -> None:
    from PySide6.QtWidgets import QLineEdit

    from ui.tour import SAMPLE_PHONE

    _tap(window, "choose_visit")
    phone = window.router.current.findChild(QLineEdit, "visit_phone")
    phone.setText(SAMPLE_PHONE)


def _looking_up(window: Any) -> None:
    """同意调取 tapped, the answer not back yet (the lookup is left unrun: nothing is asked)."""
    window.router.current.journey.start_licence_lookup()


def _composing(window: Any) -> None:
    """Pinyin letters typed: the candidates in the digit keys' row, the keys where they were."""
    from devices.input import rime

    if rime.available():  # deployed, as before a resident's first letter
        rime.shared_engine().wait_ready()
    for letter in "cunkouludeng":
        _tap(window, f"key_{letter}")


# name -> (step reached by the tour, what a tap on that screen then shows)
VIEWS: dict[str, tuple[str, Any]] = {
    "booking_slots": ("booking", lambda window: _tap(window, "choose_window")),
    "booking_home_visit": ("booking", _home_visit),
    "elicence_waiting": ("elicence_consent", _looking_up),
    "request_pinyin": ("request", _composing),
}


class PaperPrinter:
    """A printer that always succeeds, so the screens show the happy path."""

    url = "memory:"
    problem = ""

    def status(self):  # type: ignore[no-untyped-def]
        from devices.printers.status import PrinterStatus

        return PrinterStatus.READY

    def print_document(self, doc):  # type: ignore[no-untyped-def]
        from devices.printers.protocol import PrintOutcome
        from devices.printers.status import PrinterStatus

        return PrintOutcome(PrinterStatus.READY, PrinterStatus.READY)

    def close(self) -> None:
        pass


class WrongMode(AssertionError):
    """A picture does not show the mode its file name claims."""


def check_mode(window: Any, mode: str, title_px: int) -> None:
    """The current screen's title, as laid out in the window, has the mode's size."""
    title = window.router.current.title
    shown = title.font().pixelSize()
    if shown != title_px:
        raise WrongMode(f"{mode} picture of {title.text()!r}: title {shown}px, not {title_px}px")


def save_with_mode(window: Any, path: Path, mode: str) -> None:
    """Grab, stamp the mode into the PNG, save, and read the stamp back from the file."""
    from PySide6.QtGui import QImage

    image = window.grab().toImage()
    image.setText(MODE_KEY, mode)
    if not image.save(str(path)):
        raise OSError(f"cannot write {path}")
    stamped = QImage(str(path)).text(MODE_KEY)
    if stamped != mode:
        raise WrongMode(f"{path}: saved mode {stamped!r}, expected {mode!r}")


def settle(app: Any, slow: bool) -> None:
    """Let queued layouts (and, for ``slow`` steps, printer callbacks) land."""
    deadline = time.monotonic() + (2 if slow else 0)
    while True:
        app.processEvents()
        if time.monotonic() >= deadline:
            return
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--only", nargs="*", default=[], help="step names (default: all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-shots-")

    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from app.wiring import UiOptions, build_ui
    from kiosk.core import KioskCore
    from kiosk.journey import Step
    from ui.screens.find_item_screen import FindItemScreen
    from ui.theme import Theme
    from ui.tour import keep_mode, reach

    core = KioskCore.open()
    kiosk = build_ui(
        core,
        reader=None,
        printer=PaperPrinter(),
        options=UiOptions(voice_engine="mock", printer_watch_s=3600),
    )
    window = kiosk.window
    window.show()
    # The status bar shows the printer as its watcher last saw it: wait for the first look.
    deadline = time.monotonic() + 10
    while kiosk.printer.status.value != "ready" and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    written = []
    shots: list[tuple[str, Step, bool]] = [(s.value, s, False) for s in Step]
    shots.append(("find_item_page2", Step.FIND_ITEM, True))
    shots.extend((name, Step(step), False) for name, (step, _view) in VIEWS.items())
    for orientation, size in SIZES.items():
        window.resize(*size)
        for mode, theme in (("normal", Theme()), ("large", Theme(large=True))):
            keep_mode(window, theme)
            for name, step, paged in shots:
                if args.only and name not in args.only:
                    continue
                reach(kiosk.journey, step)
                if paged:
                    kiosk.journey.set_query(PAGED_QUERY)
                    settle(app, False)
                    found = window.router.current
                    assert isinstance(found, FindItemScreen)
                    found.items.turn(1)
                if name in VIEWS:
                    VIEWS[name][1](window)
                settle(app, step in (Step.SUBMITTED, Step.GUIDE))
                check_mode(window, mode, theme.title_px)
                path = args.out / f"{name}_{orientation}_{mode}.png"
                save_with_mode(window, path, mode)
                written.append(path)
    kiosk.close()
    core.close()
    print(f"{len(written)} screenshots in {args.out}, each checked for its mode")
    return 0


if __name__ == "__main__":
    sys.exit(main())
