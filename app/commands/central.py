"""``kiosk central …``: run and operate the reference central platform.

For demos, development and tests: the same protocol a province's platform
speaks (docs/protocol.md). Output of ``applications --json`` is a contract.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from central.db import CentralDB, CentralError
from kiosk.identity import mask_id_number, mask_name
from sync.protocol import PlatformStatus


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``central`` and its sub-commands."""
    central = sub.add_parser("central", help="the reference central platform (serve and operate)")
    commands = central.add_subparsers(dest="central_command", required=True, metavar="ACTION")

    serve = commands.add_parser("serve", help="run the platform's HTTP server in the foreground")
    serve.add_argument("--port", type=int, required=True, help="TCP port to listen on")
    serve.add_argument(
        "--db", type=Path, required=True, help="platform database (created if missing)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.set_defaults(handler=_serve)

    code = commands.add_parser("enrol-code", help="print a one-time terminal enrolment code")
    code.add_argument("--db", type=Path, required=True)
    code.add_argument("--region", help="only a terminal of this region code may use it")
    code.set_defaults(handler=_enrol_code)

    apps = commands.add_parser("applications", help="list what arrived from terminals")
    apps.add_argument("--db", type=Path, required=True)
    apps.add_argument(
        "--json", action="store_true", help="full records as JSON (includes personal data)"
    )
    apps.set_defaults(handler=_applications)

    status = commands.add_parser("set-status", help="move an application to a new status")
    status.add_argument("--db", type=Path, required=True)
    status.add_argument(
        "number",
        metavar="NUMBER",
        help="application number, or the provisional number printed before the terminal was "
        "enrolled (refused if several applications carry it)",
    )
    status.add_argument(
        "status",
        metavar="STATUS",
        choices=[s.value for s in PlatformStatus],
        help="one of: " + ", ".join(s.value for s in PlatformStatus),
    )
    status.add_argument("--reason", default="", help="why (rejected) or what is wrong")
    status.add_argument(
        "--missing",
        action="append",
        default=[],
        metavar="MATERIAL",
        help="for needs_supplement: a material to bring (repeatable)",
    )
    status.add_argument("--notice", default="", help="for completed: the result notice text")
    status.set_defaults(handler=_set_status)

    revoke = commands.add_parser("revoke", help="revoke a terminal: its requests are refused")
    revoke.add_argument("--db", type=Path, required=True)
    revoke.add_argument("terminal_id", metavar="TERMINAL_ID")
    revoke.set_defaults(handler=_revoke)


def _open(path: Path) -> CentralDB:
    """The platform database, or exit 1 with one line (e.g. numbers that cannot be made unique)."""
    try:
        db = CentralDB(path)
    except CentralError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    db.seed_catalogue_if_empty()
    return db


def _serve(args: argparse.Namespace) -> int:
    from central.server import serve

    print(f"reference platform on http://{args.host}:{args.port} (db {args.db})", file=sys.stderr)
    serve(args.db, args.host, args.port)
    return 0


def _enrol_code(args: argparse.Namespace) -> int:
    db = _open(args.db)
    try:
        print(db.new_enrol_code(args.region))
    finally:
        db.close()
    return 0


def _applications(args: argparse.Namespace) -> int:
    db = _open(args.db)
    try:
        rows = db.applications()
    finally:
        db.close()
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for r in rows:
        done = sum(1 for a in r["attachments"] if a["complete"])
        print(
            f"{r['number']}  {r['service_code']:<12} {mask_name(r['applicant_name'])}"
            f"  {mask_id_number(r['applicant_id_number'])}  {r['status']:<16}"
            f"  attachments {done}/{len(r['attachments'])}  {r['id']}"
        )
    print(f"{len(rows)} applications", file=sys.stderr)
    return 0


def _set_status(args: argparse.Namespace) -> int:
    """Refuses (exit 1, one line) a number nobody holds, or an alias several applications share."""
    db = _open(args.db)
    try:
        db.set_status(
            args.number, PlatformStatus(args.status), args.reason, args.missing, args.notice
        )
    except CentralError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0


def _revoke(args: argparse.Namespace) -> int:
    db = _open(args.db)
    try:
        db.revoke(args.terminal_id)
    except CentralError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0
