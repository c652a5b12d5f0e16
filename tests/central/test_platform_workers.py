"""``kiosk central serve --workers N`` on PostgreSQL: idempotency is the database's.

Several server processes share no memory, so "stored exactly once" can only come from the
database: the same applications sent at once by many connections (spread over the
workers by the kernel) must be stored once each, accepted once and a duplicate otherwise.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from central.crypto import ENV_KEY_FILE
from sync.client import Credentials, PlatformClient, enrol
from sync.protocol import BatchRequest, EnrolRequest, Outcome
from sync.signing import decode_secret
from tests.faults.faulthelpers import kiosk, platform_applications, serve_platform
from tests.sync.synchelpers import make_application, wait_until

SENDERS = 8
REGION = "330102001000"


def _worker_processes(pid: int) -> int:
    """Children of the serve process that are uvicorn workers (spawned interpreters)."""
    count = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in cmdline:
                count += 1
    return count


def test_several_workers_on_postgresql_store_each_application_once(
    postgres_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(ENV_KEY_FILE, str(tmp_path / "central.key"))
    with postgres_server.database() as dsn, serve_platform(dsn, workers=2) as served:
        wait_until(lambda: _worker_processes(served.pid) == 2, timeout=30, what="2 workers")
        code = kiosk("central", "enrol-code", "--db", dsn, "--region", REGION)
        assert code.returncode == 0, code.stderr
        answer = enrol(
            served.url,
            EnrolRequest(code=code.stdout.strip(), region_code=REGION, station_name="站"),
        )
        creds = Credentials(answer.terminal_id, decode_secret(answer.secret))
        apps = [
            make_application(service_code="RS-YL-001", n=n, code=answer.terminal_code)
            for n in range(1, 21)
        ]
        start = threading.Barrier(SENDERS)

        def send(_: int) -> list[tuple[str, Outcome]]:
            client = PlatformClient(served.url, creds)
            try:
                start.wait(30)
                ack = client.upload_batch(BatchRequest(applications=apps))
                return [(r.id, r.outcome) for r in ack.results]
            finally:
                client.close()

        with ThreadPoolExecutor(SENDERS) as pool:
            results = [pair for ack in pool.map(send, range(SENDERS)) for pair in ack]

        for app in apps:
            outcomes = Counter(outcome for app_id, outcome in results if app_id == app.id)
            assert outcomes == {Outcome.ACCEPTED: 1, Outcome.DUPLICATE: SENDERS - 1}, outcomes
        stored = [row["id"] for row in platform_applications(served)]
        assert sorted(stored) == sorted(a.id for a in apps)


def test_several_workers_on_sqlite_are_refused_with_a_clear_message(tmp_path: Path):
    db = tmp_path / "central.sqlite3"
    result = kiosk("central", "serve", "--port", "1", "--db", str(db), "--workers", "2", timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "kiosk central: --workers above 1 needs a PostgreSQL database (--db postgresql://…): "
        "a SQLite file has one writer, so use --workers 1 with it"
    )
    assert not db.exists()  # refused before anything was created
