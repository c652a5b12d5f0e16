"""``kiosk run [--demo]``: open the resident touchscreen."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``kiosk run`` to the `kiosk` parser."""
    parser = sub.add_parser(
        "run",
        help="open the touchscreen UI (--demo: simulated devices and a loopback platform)",
        description=(
            "Open the resident touchscreen. Without --demo the card reader, printer and "
            "platform of terminal.toml are used. With --demo: the card and printer "
            "simulators, the reference platform on loopback and a dev dock (F12), "
            "data in $KIOSK_HOME or a temporary directory."
        ),
    )
    parser.add_argument(
        "--demo", action="store_true", help="simulated devices, loopback platform, dev dock"
    )
    parser.add_argument(
        "--windowed", action="store_true", help="a 1920x1080 window instead of full screen"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from app.wiring import build_kiosk, demo_data_dir
    from kiosk.core import KioskCore

    core = KioskCore.open(demo_data_dir() if args.demo else None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    kiosk = build_kiosk(core, demo=args.demo)
    window = kiosk.window
    if args.windowed or args.demo:
        window.resize(1920, 1080)
        window.show()
    else:
        window.showFullScreen()
    try:
        return int(app.exec())
    finally:
        kiosk.close()
        core.close()
