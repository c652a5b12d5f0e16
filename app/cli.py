"""The ``kiosk`` command line: one sub-command module per area, registered here.

Technicians script against these commands (see docs/cli.md): names, flags,
exit codes and JSON keys are contracts.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sqlite3
import sys
from collections.abc import Sequence
from types import ModuleType

from app.commands import (
    card,
    central,
    core,
    doctor,
    input_cmd,
    logs_cmd,
    print_cmd,
    provision,
    run,
    sim,
    staff,
    sync_cmd,
)
from app.logs import console_handler
from kiosk.errors import DiskFullError, KioskError, StoreError
from kiosk.paths import data_dir

log = logging.getLogger("kiosk.cli")

COMMAND_MODULES: tuple[ModuleType, ...] = (
    run,
    core,
    card,
    sim,
    print_cmd,
    central,
    provision,
    sync_cmd,
    doctor,
    staff,
    logs_cmd,
    input_cmd,
)


_console: logging.Handler | None = None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service government terminal (政务服务自助终端). See docs/cli.md.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Redacted like the file log: a technician's terminal and the journal see no personal data.
    global _console  # noqa: PLW0603 - one console handler per process, however often main() runs
    # Commands print their own one-line reasons (a contract for `kiosk card read`);
    # log records reach stderr only when they are errors, or with -v.
    level = logging.DEBUG if args.verbose else logging.ERROR
    root = logging.getLogger()
    if _console is None:
        _console = console_handler(level)
        root.addHandler(_console)
    _console.setLevel(level)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except (KioskError, OSError, sqlite3.Error) as exc:
        # One line, exit 1, for every command: no traceback for a missing or unreadable key,
        # a read-only or damaged database, a full disk. The details go to the log at -v.
        log.debug("%s failed", args.command, exc_info=True)
        print(f"kiosk: {one_line_reason(exc)}", file=sys.stderr)
        return 1
    return code


def one_line_reason(exc: BaseException) -> str:
    """What ``kiosk: ...`` says: the typed store errors' English line, else the message."""
    if isinstance(exc, sqlite3.Error):
        from kiosk.store.db import classify_sqlite_error  # only on this rare path: start-up cost

        typed = classify_sqlite_error(exc, data_dir().database)
        text = typed.english if typed is not None else f"database error: {exc}"
    elif isinstance(exc, OSError) and not isinstance(exc, KioskError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            text = DiskFullError.on(data_dir().root).english
        else:
            where = f": {exc.filename}" if exc.filename else ""
            text = f"{exc.strerror or type(exc).__name__}{where}"
    elif isinstance(exc, StoreError):
        text = exc.english
    else:
        return str(exc)  # other core errors: their own (Chinese) message, as before
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
