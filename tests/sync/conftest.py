"""Fixtures for the sync tests: a real reference platform on 127.0.0.1 and enrolled clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from synchelpers import MovableClock, Platform

from central.db import CentralDB
from central.server import RunningPlatform
from sync.client import Credentials, PlatformClient


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    clock = MovableClock()
    db = CentralDB(tmp_path / "central.sqlite3", clock=clock)
    running = RunningPlatform(db, clock)
    try:
        yield Platform(running, clock)
    finally:
        running.stop()


@pytest.fixture
def client_for(platform: Platform) -> Iterator[Callable[..., PlatformClient]]:
    made: list[PlatformClient] = []

    def make(
        credentials: Credentials | None = None, url: str | None = None, **kw
    ) -> PlatformClient:
        c = PlatformClient(url or platform.url, credentials or platform.enrol(), **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()
