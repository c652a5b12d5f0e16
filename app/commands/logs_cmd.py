"""``kiosk logs``: export the terminal's logs to a USB folder, without personal data."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from app.logs import export_logs
from kiosk.paths import data_dir
from kiosk.settings import load_settings


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``logs export DIR``."""
    logs = sub.add_parser("logs", help="the terminal's logs (日志)")
    actions = logs.add_subparsers(dest="logs_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="copy the logs to DIR (e.g. a USB stick) as one JSON-lines file, redacted",
        description=(
            "Writes DIR/kiosk-logs-<terminal>-<UTC time>.jsonl. ID numbers, phone numbers and "
            "e-mail addresses are removed again on export. Exit status 1 if DIR does not exist."
        ),
    )
    export.add_argument("dir", type=Path, metavar="DIR")
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    home = data_dir()
    settings = load_settings(home.settings_file)
    try:
        written = export_logs(
            home.logs, args.dir, terminal_code=settings.terminal.code, now=dt.datetime.now(dt.UTC)
        )
    except FileNotFoundError as exc:
        print(f"kiosk logs: {exc}", file=sys.stderr)
        return 1
    print(written)
    return 0
