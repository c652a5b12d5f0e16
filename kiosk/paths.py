"""Where a terminal keeps its data.

One directory per terminal, chosen by ``KIOSK_HOME`` so tests and several
simulated terminals on one machine never share a database or a key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

KIOSK_HOME_ENV = "KIOSK_HOME"


@dataclass(frozen=True, slots=True)
class DataDir:
    """The files of one terminal; created with owner-only permissions."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "kiosk.sqlite3"

    @property
    def key_file(self) -> Path:
        return self.root / "data.key"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def settings_file(self) -> Path:
        return self.root / "terminal.toml"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        """Runtime files (simulator sockets, pids) that do not survive a reboot meaningfully."""
        return self.root / "run"

    def ensure(self) -> DataDir:
        for path in (self.root, self.attachments, self.logs, self.run):
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o700)
        return self


def data_dir(environ: dict[str, str] | None = None) -> DataDir:
    """The terminal's data directory: ``$KIOSK_HOME`` or the platform's user data dir."""
    env = os.environ if environ is None else environ
    configured = env.get(KIOSK_HOME_ENV)
    root = Path(configured) if configured else Path(platformdirs.user_data_dir("kiosk", "kiosk"))
    return DataDir(root.expanduser().resolve())
