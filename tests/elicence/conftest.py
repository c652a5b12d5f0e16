"""A real reference platform on 127.0.0.1 with the sample catalogue and e-licence library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from central.db import CentralDB
from central.licences import LicenceLibrary
from central.server import RunningPlatform
from tests.sync.synchelpers import MovableClock, Platform


@pytest.fixture
def licence_platform(tmp_path: Path) -> Iterator[Platform]:
    clock = MovableClock()
    db = CentralDB(tmp_path / "central.sqlite3", clock=clock)
    db.seed_catalogue_if_empty()
    LicenceLibrary(db).seed_if_empty()
    running = RunningPlatform(db, clock)
    try:
        yield Platform(running, clock)
    finally:
        running.stop()
