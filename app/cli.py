"""The ``kiosk`` command line: one sub-command module per area, registered here.

Technicians script against these commands (see docs/cli.md): names, flags,
exit codes and JSON keys are contracts.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from app.logs import console_handler
from kiosk.errors import KioskError, StoreError
from kiosk.paths import data_dir

log = logging.getLogger("kiosk.cli")

COMMANDS: dict[str, str] = {
    "run": "app.commands.run",
    "catalogue": "app.commands.core",
    "import": "app.commands.core",
    "queue": "app.commands.core",
    "card": "app.commands.card",
    "sim": "app.commands.sim",
    "print": "app.commands.print_cmd",
    "central": "app.commands.central",
    "provision": "app.commands.provision",
    "sync": "app.commands.sync_cmd",
    "doctor": "app.commands.doctor",
    "staff": "app.commands.staff",
    "logs": "app.commands.logs_cmd",
    "input": "app.commands.input_cmd",
}
"""Each top-level command and the module that registers it (in ``kiosk --help`` order).

Only the module of the command being run is imported: importing all of them (the platform's
database layer, the wire models, the printers, the sync client...) cost ``kiosk run``
about 0.15 s and 20 MB before its first line ran (issue 16). ``kiosk --help``, an unknown
command and the tests import every one (``tests/core/test_docs.py`` checks this table
against what the modules register)."""


def command_modules(command: str | None = None) -> list[ModuleType]:
    """The modules registering ``command`` (all of them for None), in table order."""
    names = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    return [importlib.import_module(name) for name in names]


_console: logging.Handler | None = None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone (the one about to run)."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service government terminal (政务服务自助终端). See docs/cli.md.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in command_modules(command):
        module.register(sub)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command word: the first argument that is not an option (``-v`` takes no value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(arguments))
    args = parser.parse_args(arguments)
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
