"""Child process of the power-cut tests: stops at a named point and waits to be SIGKILLed.

``python -m tests.faults.power_cut_child MODE [ARG]`` with ``KIOSK_HOME`` set:

* ``file N`` — open the terminal, file N applications (one line ``filed NUMBER`` each, printed
  once the call returned, i.e. committed), print ``idle`` and wait (an unclean stop later).
* ``key STAGE`` — open a fresh terminal and stop inside the key's creation: ``before-key``
  (schema committed, no key), ``before-link`` (``data.key.new`` written and fsync'd, no
  ``data.key``), ``after-link`` (both files), ``before-fingerprint`` (key made, fingerprint
  not yet recorded). Prints ``at STAGE`` and waits.
* ``migrate NAME`` — a test migration NAME is appended at run time; it rewrites every
  application row, prints ``migrating`` and waits *inside* its transaction.
  ``migrate-finish NAME`` runs the same migration to the end and prints ``opened``.
* ``wrap NAME`` — the shipped migration NAME runs, then prints ``migrating`` and waits inside
  its transaction.

Each line is flushed, so the parent kills exactly at the point it read.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database


def _stop(line: str) -> None:
    print(line, flush=True)
    threading.Event().wait()  # until SIGKILL


def _file(count: int) -> None:
    from kiosk.core import KioskCore
    from kiosk.usecases.submit import submit_application
    from tests.staff.staffhelpers import RESIDENT, SIMPLE_ITEM, answers_for

    core = KioskCore.open()
    item = core.store.item(SIMPLE_ITEM)
    assert item is not None
    for _ in range(count):
        number = submit_application(core, item.code, RESIDENT, answers_for(item)).number
        print(f"filed {number}", flush=True)
    _stop("idle")


def _key(stage: str) -> None:
    import kiosk.store.db as db

    real_link = os.link
    real_create = db.create_key
    real_record = db.Connection.record_key_id

    def link(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if stage == "before-link":
            _stop("at before-link")
        real_link(src, dst, *args, **kwargs)
        if stage == "after-link":
            _stop("at after-link")

    def create(path: Any) -> bytes:
        if stage == "before-key":
            _stop("at before-key")
        return real_create(path)

    def record(self: Any, key: bytes) -> None:
        if stage == "before-fingerprint":
            _stop("at before-fingerprint")
        real_record(self, key)

    os.link = link
    db.create_key = create
    db.Connection.record_key_id = record  # type: ignore[method-assign]
    from kiosk.core import KioskCore

    KioskCore.open().close()
    print("opened", flush=True)


def _migrate(name: str, *, block: bool) -> None:
    from kiosk.core import KioskCore
    from kiosk.store.migrations import MIGRATIONS

    @MIGRATIONS(name=name)
    def _slow(db: Database) -> None:
        db.execute("ALTER TABLE applications ADD COLUMN test_note TEXT")
        db.execute("UPDATE applications SET test_note = 'migrated', state_reason = 'x'")
        db.execute("DELETE FROM outbox")  # what a buggy half-run would lose if not atomic
        if block:
            _stop("migrating")

    KioskCore.open().close()
    print("opened", flush=True)


def _wrap(name: str) -> None:
    from kiosk.core import KioskCore
    from kiosk.store.migrations import MIGRATIONS

    for migration in MIGRATIONS._migrations:
        if migration.name == name:
            original: Callable[[Database], None] = migration.fn

            def wrapped(db: Database, original: Callable[[Database], None] = original) -> None:
                original(db)
                _stop("migrating")

            migration.fn = wrapped
    KioskCore.open().close()
    print("opened", flush=True)


def main() -> None:
    mode, arg = sys.argv[1], sys.argv[2]
    if mode == "file":
        _file(int(arg))
    elif mode == "key":
        _key(arg)
    elif mode == "migrate":
        _migrate(arg, block=True)
    elif mode == "migrate-finish":
        _migrate(arg, block=False)
    elif mode == "wrap":
        _wrap(arg)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
