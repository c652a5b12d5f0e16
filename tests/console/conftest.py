"""Fixtures for the web console: a real platform with a user per role, and a real browser.

- ``console``: the platform on 127.0.0.1 (SQLite, movable clock) with the users of
  :data:`tests.console.consolehelpers.USERS` (``tech``, ``tech-3301``, ``clerk``,
  ``clerk-3301``, ``admin``; password ``password_of(name)``).
- ``browser``: headless Debian Chromium through chromedriver (selenium), fresh profile,
  1366×768; tests that need it are skipped only if Chromium is not installed
  (``scripts/setup`` installs it).
- ``login(browser, console, name)`` signs in through the login form.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.console.consolehelpers import Console, chromium_available, start_browser, start_console
from tests.sync.conftest import (
    client_for,
    platform,
    platform_database,
    platform_engine,
    postgres_dsn,
    postgres_server,
)

__all__ = [  # the platform on the engine under test (tests/sync/conftest.py), for storage tests
    "client_for",
    "platform",
    "platform_database",
    "platform_engine",
    "postgres_dsn",
    "postgres_server",
]


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    running = start_console(tmp_path / "central.sqlite3")
    yield running
    running.running.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if not chromium_available():
        pytest.skip("Chromium and chromedriver are not installed (run scripts/setup)")
    driver, stop = start_browser(tmp_path / "chromium-profile")
    yield driver
    stop()
