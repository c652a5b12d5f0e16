"""``kiosk run --demo`` wiring: simulators, loopback platform, sync engine and the dev dock."""

from __future__ import annotations

from kiosk.core import KioskCore
from kiosk.journey import Step
from kiosk.states import ApplicationState
from tests.ui.taps import at, tap, wait_step
from tests.ui.test_touch_journey import choose_pension


def test_demo_card_from_the_dock_to_the_platform_and_back_to_my_applications(qtbot):
    from app.wiring import UiOptions, build_kiosk, demo_data_dir

    core = KioskCore.open(demo_data_dir())
    kiosk = build_kiosk(core, demo=True, options=UiOptions(voice_engine="mock"))
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1920, 1080)
    kiosk.window.show()

    class Rig:
        window = kiosk.window
        journey = kiosk.journey

    rig = Rig()
    try:
        tap(qtbot, rig, "dock_toggle")
        tap(qtbot, rig, "dock_card_3")  # resident-longterm
        wait_step(qtbot, rig, Step.FIND_ITEM)
        choose_pension(qtbot, rig)
        tap(qtbot, rig, "begin_form")
        tap(qtbot, rig, "next")
        tap(qtbot, rig, "next")
        for digit in "13812345678":
            tap(qtbot, rig, f"key_{digit}")
        tap(qtbot, rig, "next")
        tap(qtbot, rig, "next")
        tap(qtbot, rig, "option_0")
        tap(qtbot, rig, "option_0")
        # The demo has a simulated 高拍仪: the optional 户口簿 photo is a step, skipped here.
        assert at(kiosk.journey) is Step.FORM
        tap(qtbot, rig, "next")
        tap(qtbot, rig, "submit")
        assert at(kiosk.journey) is Step.SUBMITTED
        filed = kiosk.journey.session.application
        assert filed is not None
        number = filed.number

        def state() -> ApplicationState | None:
            found = core.store.application(number)
            return found.state if found else None

        # The sync engine delivers it to the loopback platform in the background.
        qtbot.waitUntil(
            lambda: state() is not ApplicationState.QUEUED,
            timeout=15_000,
        )
        qtbot.waitUntil(
            lambda: "已连接" in kiosk.window.status_bar.connection.text(), timeout=15_000
        )
    finally:
        kiosk.close()
        core.close()


def test_idle_timings_come_from_the_terminal_settings(qtbot):
    from app.wiring import build_ui

    core = KioskCore.open()
    kiosk = build_ui(core, reader=None, printer=None)
    qtbot.addWidget(kiosk.window)
    try:
        assert kiosk.window.idle.idle.interval() == core.settings.ui.idle_timeout_s * 1000
        assert kiosk.window.idle.countdown_s == core.settings.ui.countdown_s
    finally:
        kiosk.close()
        core.close()


def test_the_running_kiosks_technician_console_offers_the_wizard_and_log_export(qtbot, tmp_path):
    """The provisioning wizard and 导出日志 were built but never handed to the running kiosk."""
    from PySide6.QtWidgets import QPushButton

    from app.wiring import build_ui

    core = KioskCore.open()
    kiosk = build_ui(core, reader=None, printer=None)
    qtbot.addWidget(kiosk.window)
    try:
        console = kiosk.window.technician_console
        assert console is not None and console.wizard is not None
        assert console.findChild(QPushButton, "open_wizard") is not None
        exporter = console.diagnostics.export_logs
        assert exporter is not None
        written = exporter(tmp_path)
        assert written.parent == tmp_path and written.name.startswith("kiosk-logs-")
    finally:
        kiosk.close()
        core.close()
