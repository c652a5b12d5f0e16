"""Fixtures for the sync tests: a real reference platform on 127.0.0.1 and enrolled clients.

The platform runs on SQLite by default. A test module that sets
``pytest_generate_tests = both_engines`` runs each test that uses the platform twice: on
SQLite and on a throwaway PostgreSQL (skipped only where the PostgreSQL binaries are not
installed), so the same end-to-end tests hold on both engines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from central.crypto import ENV_KEY_FILE
from central.db import CentralDB
from central.server import RunningPlatform
from sync.client import Credentials, PlatformClient
from tests.central.pgserver import ThrowawayPostgres, binaries_present
from tests.sync.synchelpers import MovableClock, Platform

ENGINES = ("sqlite", "postgresql")


def both_engines(metafunc: pytest.Metafunc) -> None:
    """``pytest_generate_tests`` of a module whose platform tests run on both engines."""
    if "platform_engine" in metafunc.fixturenames:
        metafunc.parametrize("platform_engine", ENGINES)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """A PostgreSQL server (initdb + pg_ctl, unix socket) for the whole session."""
    if not binaries_present():
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    server = ThrowawayPostgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_dsn(postgres_server: ThrowawayPostgres) -> str:
    """The session server's maintenance database URL (``postgresql://postgres@/postgres?host=…``)."""
    return postgres_server.dsn()


@pytest.fixture
def platform_engine() -> str:
    """The platform's database engine; parametrised by :func:`both_engines`."""
    return "sqlite"


@dataclass(frozen=True)
class PlatformDatabase:
    """Where a test's platform keeps its data: ``spec`` is what ``--db`` takes."""

    spec: str
    key_file: Path | None


@pytest.fixture
def platform_database(
    platform_engine: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[PlatformDatabase]:
    """A fresh platform database of the engine under test.

    For PostgreSQL the key file is also exported as ``KIOSK_CENTRAL_KEY_FILE``, the
    default of ``kiosk central … --key-file``, so CLI subprocesses find it.
    """
    if platform_engine == "sqlite":
        yield PlatformDatabase(str(tmp_path / "central.sqlite3"), None)
        return
    server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
    key_file = tmp_path / "central.key"
    monkeypatch.setenv(ENV_KEY_FILE, str(key_file))
    with server.database() as url:
        yield PlatformDatabase(url, key_file)


@pytest.fixture
def platform(platform_database: PlatformDatabase) -> Iterator[Platform]:
    clock = MovableClock()
    db = CentralDB(platform_database.spec, key_file=platform_database.key_file, clock=clock)
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
