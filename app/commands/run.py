"""``kiosk run [--demo]``: open the resident touchscreen."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from app.logs import KnownValues
    from app.stop_signals import QuitOnSignals
    from app.wiring import Kiosk
    from kiosk.cardholder import CardHolder
    from kiosk.errors import StoreError


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

    from app.stop_signals import QuitOnSignals

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    stop = QuitOnSignals(app)  # Ctrl-C / SIGTERM: the loop returns and everything below closes
    try:
        return _run_until_quit(app, args, stop)
    finally:
        stop.uninstall()


def _run_until_quit(app: QApplication, args: argparse.Namespace, stop: QuitOnSignals) -> int:
    from app.logs import SESSION_VALUES, setup_logging
    from app.wiring import build_kiosk, demo_data_dir
    from kiosk.core import KioskCore
    from kiosk.errors import StoreError
    from ui.technician.lockdown import ShortcutBlocker, lock_down
    from ui.technician.watchdog import SystemdWatchdog

    try:
        core = KioskCore.open(demo_data_dir() if args.demo else None)
    except StoreError as exc:
        # A missing or foreign key, a full disk...: tell the technician on the screen too
        # (nobody reads stderr on a kiosk), then exit 1; nothing was changed.
        print(f"kiosk: {' '.join(exc.english.split())}", file=sys.stderr)
        return show_store_failure(app, exc, windowed=args.windowed or args.demo)
    logs = setup_logging(core.data.logs, stderr_level=None, known=SESSION_VALUES)
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
        # A signal during start-up asked to quit before the loop ran: do not enter it.
        return stop.exit_code(int(app.exec()) if stop.received is None else 0)
    finally:
        watchdog.stopping()
        kiosk.close()
        core.close()
        logs.close()


def store_failure_screen(exc: StoreError) -> QWidget:
    """Full-screen Chinese message for technicians: what is wrong, what to restore, and a close button."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from ui.widgets import button, label

    screen = QWidget()
    screen.setObjectName("StoreFailureScreen")
    layout = QVBoxLayout(screen)
    layout.setContentsMargins(96, 96, 96, 96)
    layout.setSpacing(32)
    layout.addStretch(1)
    title = label("终端暂停服务：本机数据无法打开", "title", "store_failure_title")
    layout.addWidget(title)
    layout.addWidget(label(str(exc), "body", "store_failure_message"))
    layout.addWidget(
        label("请技术人员按上面的说明处理后重新启动终端（kiosk doctor 可查看详情）。", "", "")
    )
    close = button("关闭", "store_failure_close", "primary")
    close.clicked.connect(screen.close)
    layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignLeft)
    layout.addStretch(1)
    return screen


def show_store_failure(app: QApplication, exc: StoreError, *, windowed: bool) -> int:
    """Show :func:`store_failure_screen` until it is closed; exit status 1.

    On the ``offscreen`` platform (tests, a headless check) it is shown and closed at once,
    so the exit status and stderr can be verified without a person.
    """
    from PySide6.QtCore import QTimer

    screen = store_failure_screen(exc)
    if windowed:
        screen.resize(1280, 800)
        screen.show()
    else:
        screen.showFullScreen()
    if app.platformName() == "offscreen":
        QTimer.singleShot(0, screen.close)
    app.setQuitOnLastWindowClosed(True)
    app.exec()
    return 1


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
