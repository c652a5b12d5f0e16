"""Fixtures of the fault matrix: a real platform served by ``kiosk central serve`` and a real
terminal provisioned against it with ``kiosk provision``, driven through the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.faulthelpers import ProvisionedTerminal, ServedPlatform, provision, serve_platform
from tests.sync.conftest import client_for, kiosk_store, make_engine, platform

__all__ = ["client_for", "kiosk_store", "make_engine", "platform"]  # the in-process platform


@pytest.fixture
def served_platform(tmp_path: Path) -> Iterator[ServedPlatform]:
    with serve_platform(tmp_path / "central.sqlite3") as served:
        yield served


@pytest.fixture
def terminal(served_platform: ServedPlatform, tmp_path: Path) -> ProvisionedTerminal:
    return provision(served_platform, tmp_path / "terminal")
