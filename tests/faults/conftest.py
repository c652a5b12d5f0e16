"""Fixtures of the fault matrix: a real platform served by ``kiosk central serve`` and a real
terminal provisioned against it with ``kiosk provision``, driven through the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.faulthelpers import ProvisionedTerminal, ServedPlatform, provision, serve_platform
from tests.sync.conftest import (
    PlatformDatabase,
    client_for,
    kiosk_store,
    make_engine,
    platform,
    platform_database,
    platform_engine,
    postgres_dsn,
    postgres_server,
)

__all__ = [  # the in-process platform, on the engine under test (SQLite unless parametrised)
    "client_for",
    "kiosk_store",
    "make_engine",
    "platform",
    "platform_database",
    "platform_engine",
    "postgres_dsn",
    "postgres_server",
]


@pytest.fixture
def served_platform(platform_database: PlatformDatabase) -> Iterator[ServedPlatform]:
    with serve_platform(platform_database.spec) as served:
        yield served


@pytest.fixture
def terminal(served_platform: ServedPlatform, tmp_path: Path) -> ProvisionedTerminal:
    return provision(served_platform, tmp_path / "terminal")
