"""Fixtures for the sync tests: a real reference platform on 127.0.0.1 and enrolled clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from central.db import CentralDB
from central.server import RunningPlatform
from sync.client import Credentials, PlatformClient
from tests.sync.synchelpers import MovableClock, Platform


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


@pytest.fixture
def kiosk_store(tmp_path: Path):
    from tests.sync.synchelpers import open_store

    store = open_store(tmp_path / "kiosk")
    yield store
    store.close()


@pytest.fixture
def make_engine(platform: Platform, kiosk_store):
    """Build engines against the platform (or a proxy URL) for the kiosk store; closed at the end."""
    from kiosk.settings import SyncSettings
    from sync.engine import EngineOptions, SyncEngine

    made: list[SyncEngine] = []
    creds_box: list[Credentials] = []

    def make(
        url: str | None = None,
        *,
        settings: SyncSettings | None = None,
        options: EngineOptions | None = None,
        clock=None,
        **kw,
    ) -> SyncEngine:
        if not creds_box:
            from kiosk.usecases.enrolment import adopt_terminal_code

            creds_box.append(platform.enrol())
            # what provisioning does: queued items get numbers under the enrolled code
            adopt_terminal_code(kiosk_store, platform.code_of(creds_box[0]))
        client = PlatformClient(
            url or platform.url, creds_box[0], **({"clock": clock} if clock else {})
        )
        engine = SyncEngine(
            kiosk_store,
            client,
            settings or SyncSettings(),
            options=options or EngineOptions(chunk_bytes=16 * 1024),
            **({"clock": clock} if clock else {}),
            **kw,
        )
        made.append(engine)
        return engine

    make.credentials = creds_box  # type: ignore[attr-defined]
    yield make
    for engine in made:
        engine.stop()
        engine.client.close()
