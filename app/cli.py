"""The ``kiosk`` command line: one sub-command module per area, registered here.

Technicians script against these commands (see docs/cli.md): names, flags,
exit codes and JSON keys are contracts.
"""

from __future__ import annotations

import argparse
import logging
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
from kiosk.errors import KioskError, StoreError
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
    except KioskError as exc:
        log.debug("%s failed", args.command, exc_info=True)
        # Store errors: their English line; other core errors: their own message, as before.
        reason = _one_line(exc.english) if isinstance(exc, StoreError) else str(exc)
        print(f"kiosk: {reason}", file=sys.stderr)
        return 1
    except Exception as exc:
        # One line, exit 1, for every command: no traceback for a missing or unreadable file,
        # a read-only or damaged database, a full disk. The details go to the log at -v.
        from kiosk.store.db import storage_failure_line  # only on this rare path: start-up cost

        line = storage_failure_line(exc, data_dir())
        if line is None:
            raise
        log.debug("%s failed", args.command, exc_info=True)
        print(f"kiosk: {line}", file=sys.stderr)
        return 1
    return code


def _one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
