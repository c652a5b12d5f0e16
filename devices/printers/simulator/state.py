"""The simulated printer's mechanical state and its real-time status answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class SimState:
    """What the dev dock can change while the simulator runs."""

    paper: bool = True
    near_end: bool = False
    cover_open: bool = False
    offline: bool = False
    mute: bool = False
    #: Lines of paper left before it runs out; None: endless roll.
    paper_lines: int | None = None

    def status_byte(self, n: int) -> int:
        """The answer to ``DLE EOT n`` (see devices.printers.status.parse_status)."""
        b = 0x12
        if n == 1 and (self.offline or self.cover_open or not self.paper):
            b |= 0x08
        elif n == 2:
            b |= (0x04 if self.cover_open else 0) | (0x20 if not self.paper else 0)
        elif n == 4:
            b |= (0x0C if self.near_end else 0) | (0x60 if not self.paper else 0)
        return b

    @property
    def printing(self) -> bool:
        """Whether the mechanism prints now: paper in, cover shut, online."""
        return self.paper and not self.cover_open and not self.offline

    def use_line(self) -> None:
        """One line of paper used; the roll may run out."""
        if self.paper_lines is None:
            return
        self.paper_lines -= 1
        if self.paper_lines <= 0:
            self.paper = False
            self.paper_lines = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
