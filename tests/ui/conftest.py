"""Qt runs headless: the platform is chosen before any Qt import."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")


from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Rig:
    """A kiosk on real simulators: the SAM card simulator and the ESC/POS printer simulator."""

    kiosk: Any  # app.wiring.Kiosk (imported lazily: Qt must not load before the platform is set)
    card_sim: Any  # devices.cards.sim.sam_simulator.SamSimulator
    printer_sim: Any  # devices.printers.simulator.server.PrinterSimulator

    @property
    def journey(self) -> Any:
        return self.kiosk.journey

    @property
    def window(self) -> Any:
        return self.kiosk.window

    @property
    def core(self) -> Any:
        return self.kiosk.core


@pytest.fixture
def rig(qtbot, tmp_path: Path) -> Iterator[Rig]:
    yield from _rig(qtbot, tmp_path, camera=None)


@pytest.fixture
def camera_rig(qtbot, tmp_path: Path) -> Iterator[Rig]:
    """The same kiosk with a simulated 高拍仪 (A4 at 300 dpi): attachment fields are photo steps."""
    from devices.camera.simulator import SimulatedCamera

    yield from _rig(
        qtbot, tmp_path, camera=SimulatedCamera(title="一寸免冠照片", size=(2480, 3508))
    )


def _rig(qtbot, tmp_path: Path, camera: Any) -> Iterator[Rig]:
    from app.wiring import UiOptions, build_ui
    from devices.cards.factory import open_card_reader
    from devices.cards.sam_reader import SamTimings
    from devices.printers.escpos_serial import EscPosPrinter
    from devices.printers.simulator.server import PrinterSimulator
    from kiosk.core import KioskCore

    core = KioskCore.open()
    reader = open_card_reader(
        "sam:sim",
        run_dir=tmp_path / "card-sim",
        timings=SamTimings(poll_interval=0.02, reconnect_interval=0.05),
    )
    printer_sim = PrinterSimulator().start()
    printer = EscPosPrinter(printer_sim.port, printer_sim.profile, status_timeout=0.5)
    options = UiOptions(
        idle_ms=60_000, countdown_s=3, tick_ms=20, voice_engine="mock", printer_watch_s=0
    )
    kiosk = build_ui(core, reader=reader, printer=printer, options=options, camera=camera)
    kiosk.window.resize(1920, 1080)
    qtbot.addWidget(kiosk.window)
    kiosk.window.show()
    yield Rig(kiosk, getattr(reader, "simulator"), printer_sim)  # noqa: B009
    kiosk.close()
    printer_sim.stop()
    core.close()
