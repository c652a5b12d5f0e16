"""``kiosk central serve --workers N``: several server processes on PostgreSQL.

One Python process serves HTTP on one core; a county's platform has more. uvicorn's own
supervisor (the one behind ``uvicorn --workers``) binds the socket once and starts N
processes that accept on it, each importing :func:`worker_app` to build its application:
its own :class:`~central.db.CentralDB` with its own psycopg pool. Nothing is shared
between workers but the database, which is why the platform's idempotency lives there
(primary keys and unique indexes, ``INSERT … ON CONFLICT DO NOTHING``, row locks), not in
a Python lock.

SQLite is refused with more than one worker: its single writer would serialise them
anyway, and the per-process lock that keeps one process's threads in order does not
reach across processes.
"""

from __future__ import annotations

import os
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from central.crypto import ENV_KEY_FILE
from central.db import CentralDB
from central.dialect import is_postgres

ENV_DB = "KIOSK_CENTRAL_DB"
POOL_PER_WORKER = 8
"""psycopg connections per worker (the thread pool's database calls queue for them)."""


class WorkersError(Exception):
    """Several workers cannot be used with this database."""


def check_workers(db: str | Path, workers: int) -> None:
    if workers < 1:
        raise WorkersError("--workers must be at least 1")
    if workers > 1 and not is_postgres(db):
        raise WorkersError(
            "--workers above 1 needs a PostgreSQL database (--db postgresql://…): "
            "a SQLite file has one writer, so use --workers 1 with it"
        )


def serve_workers(db: str | Path, key_file: Path, config: uvicorn.Config) -> None:
    """Run ``config.workers`` processes until interrupted; the database is already migrated."""
    check_workers(db, config.workers)
    # Worker processes are spawned, not forked: they learn the database from the environment.
    os.environ[ENV_DB] = str(db)
    os.environ[ENV_KEY_FILE] = str(key_file)
    sock = config.bind_socket()
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def worker_app() -> Starlette:
    """The application of one worker process (uvicorn calls this factory in each)."""
    from central.server import create_app

    db = CentralDB(
        os.environ[ENV_DB], key_file=Path(os.environ[ENV_KEY_FILE]), pool_size=POOL_PER_WORKER
    )
    return create_app(db)
