"""Fixtures for the platform's intake tests: a real server on 127.0.0.1 with chosen limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from central.db import CentralDB
from central.server import RunningPlatform, ServerLimits
from tests.sync.conftest import (
    client_for,
    platform,
    platform_database,
    platform_engine,
    postgres_dsn,
    postgres_server,
)
from tests.sync.synchelpers import MovableClock, Platform

__all__ = [  # the platform on the engine under test (tests/sync/conftest.py), for storage tests
    "client_for",
    "platform",
    "platform_database",
    "platform_engine",
    "postgres_dsn",
    "postgres_server",
]


@pytest.fixture
def start_platform(tmp_path: Path) -> Iterator[Callable[..., Platform]]:
    """Start a platform with the given :class:`ServerLimits` fields; stopped at the end."""
    started: list[RunningPlatform] = []

    def start(**limits: object) -> Platform:
        clock = MovableClock()
        db = CentralDB(tmp_path / f"central{len(started)}.sqlite3", clock=clock)
        running = RunningPlatform(db, clock, limits=ServerLimits(**limits))  # type: ignore[arg-type]
        started.append(running)
        return Platform(running, clock)

    yield start
    for running in started:
        running.stop()
