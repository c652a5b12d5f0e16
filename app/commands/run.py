"""``kiosk run [--demo]``: open the resident touchscreen."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.logs import KnownValues
    from app.wiring import Kiosk
    from kiosk.cardholder import CardHolder


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

    from app.logs import SESSION_VALUES, setup_logging
    from app.wiring import build_kiosk, demo_data_dir
    from kiosk.core import KioskCore
    from ui.technician.lockdown import ShortcutBlocker, lock_down
    from ui.technician.watchdog import SystemdWatchdog

    core = KioskCore.open(demo_data_dir() if args.demo else None)
    logs = setup_logging(core.data.logs, stderr_level=None, known=SESSION_VALUES)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    kiosk = build_kiosk(core, demo=args.demo)
    _redact_card_holder_in_logs(kiosk, logs.known)
    window = kiosk.window
    if args.windowed or args.demo:
        window.resize(1920, 1080)
        window.show()
    else:
        # Frameless, full screen, no way out by keyboard shortcuts until a technician
        # unlocks maintenance mode.
        lock_down(window, ShortcutBlocker(app))
    watchdog = SystemdWatchdog(parent=app)  # READY=1 and WATCHDOG=1 under kiosk.service
    watchdog.start()
    try:
        return int(app.exec())
    finally:
        watchdog.stopping()
        kiosk.close()
        core.close()
        logs.close()


def _redact_card_holder_in_logs(kiosk: Kiosk, known: KnownValues) -> None:
    """Names and addresses have no pattern a filter could find: register the card's own.

    They are forgotten when the journey returns home, i.e. when the session is wiped.
    """

    from kiosk.journey import Step

    def on_card(holder: CardHolder) -> None:
        known.add(holder.name, holder.address, holder.name_en)

    def on_step(step: Step) -> None:
        if step is Step.HOME:
            known.clear()

    kiosk.reader.card_inserted.connect(on_card)
    kiosk.journey.subscribe(on_step)
