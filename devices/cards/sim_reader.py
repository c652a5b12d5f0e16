"""``sam:sim``: the real SAM adapter talking to an in-process simulator (demo mode, dev dock)."""

from __future__ import annotations

from pathlib import Path

from devices.cards.sam_reader import SamCardReader, SamTimings, serial_opener
from devices.cards.sim.control import ControlServer, control_path
from devices.cards.sim.profiles import SamProfile
from devices.cards.sim.sam_simulator import SamSimulator


class SimulatedSamReader(SamCardReader):
    """A :class:`SamCardReader` that owns its simulator and the simulator's control socket.

    ``control_path`` is where ``kiosk sim card ... --run-dir`` (or a dev-dock panel)
    connects; ``simulator`` gives in-process callers the same controls directly.
    """

    def __init__(
        self,
        profiles: dict[str, SamProfile],
        run_dir: Path,
        timings: SamTimings | None = None,
        *,
        read_delay: float = 0.0,
    ) -> None:
        self.simulator = SamSimulator(profiles, run_dir, read_delay=read_delay)
        self.control_path = control_path(run_dir)
        self._control = ControlServer(self.simulator, self.control_path)
        timings = timings or SamTimings()
        super().__init__(
            serial_opener(self.simulator.port_path, 115200, timings),
            f"sam:sim ({run_dir})",
            timings,
        )

    def start(self) -> None:
        if self._thread is None:
            self.simulator.start()
            self._control.start()
        super().start()

    def stop(self, timeout: float = 5.0) -> None:
        running = self._thread is not None
        super().stop(timeout)
        if running:
            self._control.stop()
            self.simulator.stop()
