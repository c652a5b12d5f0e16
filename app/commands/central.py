"""``kiosk central …``: run and operate the reference central platform.

For demos, development and tests: the same protocol a province's platform
speaks (docs/protocol.md). Output of ``applications --json`` is a contract.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from central.db import CentralDB, CentralError
from kiosk.identity import mask_id_number, mask_name
from sync.protocol import DECISION_STATUSES, PlatformStatus


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``central`` and its sub-commands."""
    central = sub.add_parser("central", help="the reference central platform (serve and operate)")
    commands = central.add_subparsers(dest="central_command", required=True, metavar="ACTION")

    serve = commands.add_parser("serve", help="run the platform's HTTP server in the foreground")
    serve.add_argument("--port", type=int, required=True, help="TCP port to listen on")
    _db_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes (default 1); above 1 needs a PostgreSQL --db",
    )
    serve.set_defaults(handler=_serve)

    code = commands.add_parser("enrol-code", help="print a one-time terminal enrolment code")
    _db_options(code)
    code.add_argument("--region", help="only a terminal of this region code may use it")
    code.add_argument(
        "--valid-hours",
        type=_positive_hours,
        default=72,
        metavar="H",
        help="hours until the code expires if unused (default 72)",
    )
    code.set_defaults(handler=_enrol_code)

    apps = commands.add_parser("applications", help="list what arrived from terminals")
    _db_options(apps)
    apps.add_argument(
        "--json", action="store_true", help="full records as JSON (includes personal data)"
    )
    apps.set_defaults(handler=_applications)

    status = commands.add_parser("set-status", help="move an application to a new status")
    _db_options(status)
    status.add_argument(
        "number",
        metavar="NUMBER",
        help="application number, or the provisional number printed before the terminal was "
        "enrolled (refused if several applications carry it)",
    )
    status.add_argument(
        "status",
        metavar="STATUS",
        choices=[s.value for s in DECISION_STATUSES],
        help="one of: " + ", ".join(s.value for s in DECISION_STATUSES),
    )
    status.add_argument(
        "--reason", default="", help="why (required for rejected and needs_supplement)"
    )
    status.add_argument(
        "--missing",
        action="append",
        default=[],
        metavar="MATERIAL",
        help="for needs_supplement: a material to bring (repeatable)",
    )
    status.add_argument(
        "--notice", default="", help="for completed (required): the result notice text"
    )
    status.add_argument(
        "--appeal",
        default=None,
        metavar="TEXT",
        help="for rejected: the appeal rights printed with the reason (default: the standard "
        "行政复议 / 行政诉讼 sentence)",
    )
    status.add_argument(
        "--actor", default="cli", help="who decides, recorded with the decision (default cli)"
    )
    status.set_defaults(handler=_set_status)

    received = commands.add_parser(
        "material-received",
        help="record that a promised material (容缺 / 告知承诺) was handed in; the terminal "
        "stops showing it outstanding after its next sync",
    )
    _db_options(received)
    received.add_argument(
        "number",
        metavar="APPLICATION_NO",
        help="application number (or its id, or the provisional number printed before the "
        "terminal was enrolled)",
    )
    received.add_argument(
        "material", metavar="MATERIAL", help="the material's name as promised, e.g. 户口簿"
    )
    received.add_argument(
        "--actor", default="cli", help="who took it in, recorded with it (default cli)"
    )
    received.set_defaults(handler=_material_received)

    user = commands.add_parser("user", help="web console accounts (/console)")
    user_cmds = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_cmds.add_parser(
        "add",
        help="create a console account; the password is read from stdin, or generated and "
        "printed once when stdin is a terminal or empty",
    )
    _db_options(add)
    add.add_argument("--name", required=True, help="sign-in name")
    add.add_argument("--role", required=True, choices=["technician", "clerk", "admin"])
    add.add_argument(
        "--region",
        default="",
        metavar="CODE",
        help="region code prefix: the user sees only terminals and cases under it (default: all)",
    )
    add.set_defaults(handler=_user_add)

    revoke = commands.add_parser("revoke", help="revoke a terminal: its requests are refused")
    _db_options(revoke)
    revoke.add_argument("terminal_id", metavar="TERMINAL_ID")
    revoke.set_defaults(handler=_revoke)


def _db_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        required=True,
        metavar="PATH|URL",
        help="platform database: a SQLite file (created if missing) or a "
        "postgresql://USER@HOST/DBNAME URL",
    )
    from central.crypto import ENV_KEY_FILE

    from_env = os.environ.get(ENV_KEY_FILE)
    parser.add_argument(
        "--key-file",
        type=Path,
        default=Path(from_env) if from_env else None,
        metavar="PATH",
        help="platform key that encrypts terminal secrets and personal data (created 0600 "
        f"if the database holds nothing encrypted yet); default: ${ENV_KEY_FILE}, else "
        "beside a SQLite file (DB.key); required with PostgreSQL",
    )


def _open(args: argparse.Namespace) -> CentralDB:
    """The platform database, or exit 1 with one line (e.g. numbers that cannot be made unique)."""
    try:
        db = CentralDB(args.db, key_file=args.key_file)
    except CentralError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    db.seed_catalogue_if_empty()
    return db


def _serve(args: argparse.Namespace) -> int:
    """Exit 1 with one line if the database cannot be opened or ``--workers`` does not fit it."""
    from central.dialect import redact
    from central.server import serve
    from central.workers import WorkersError, check_workers

    try:
        check_workers(args.db, args.workers)
    except WorkersError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 1
    workers = f", {args.workers} workers" if args.workers > 1 else ""
    print(
        f"reference platform on http://{args.host}:{args.port} (db {redact(args.db)}{workers})",
        file=sys.stderr,
    )
    try:
        serve(args.db, args.host, args.port, workers=args.workers, key_file=args.key_file)
    except CentralError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 1
    return 0


def _positive_hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        hours = float("nan")
    if not 0 < hours <= 24 * 365:
        raise argparse.ArgumentTypeError(f"not a number of hours between 0 and 8760: {text}")
    return hours


def _enrol_code(args: argparse.Namespace) -> int:
    db = _open(args)
    try:
        print(db.new_enrol_code(args.region, valid_hours=args.valid_hours))
    finally:
        db.close()
    return 0


def _applications(args: argparse.Namespace) -> int:
    db = _open(args)
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
        for m in r["materials"]:  # 容缺受理: what the resident promised to bring, by when
            if m["status"] == "promised":
                print(f"    promised: {m['name']} by {m['due_on']}")
    print(f"{len(rows)} applications", file=sys.stderr)
    return 0


def _set_status(args: argparse.Namespace) -> int:
    """Decide through :func:`central.decisions.decide`, the function the web console calls.

    Refuses (exit 1, one line) a number nobody holds, an alias several applications share, a
    move the platform's state machine does not allow (e.g. from a final state) and a decision
    without its required reason, missing materials or result text.
    """
    from central.decisions import DEFAULT_APPEAL_RIGHTS, decide

    db = _open(args)
    try:
        decide(
            db,
            args.number,
            PlatformStatus(args.status),
            args.reason,
            args.notice,
            args.missing,
            args.actor,
            appeal=DEFAULT_APPEAL_RIGHTS if args.appeal is None else args.appeal,
        )
    except CentralError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0


def _material_received(args: argparse.Namespace) -> int:
    """Through :func:`central.decisions.mark_material_received`, as the console's button.

    Exit 0 and print ``APPLICATION_NO MATERIAL received YYYY-MM-DD``; exit 1 with one line
    for a number nobody holds, a material the application did not promise, or one already
    marked received.
    """
    from central.decisions import mark_material_received

    db = _open(args)
    try:
        day = mark_material_received(db, args.number, args.material, args.actor)
    except CentralError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"{args.number} {args.material} received {day.isoformat()}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    db = _open(args)
    try:
        db.revoke(args.terminal_id)
    except CentralError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0


def _user_add(args: argparse.Namespace) -> int:
    """Exit 0 and print ``user NAME (ROLE, region R) created``; with a generated password also
    ``password: …`` once on stdout. Exit 1 with one line for a taken name, bad region, or a
    password under 10 characters."""
    from central.console.users import UserError, add_user, generate_password

    typed = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.readline()
    password = typed.rstrip("\r\n")
    generated = not password
    if generated:
        password = generate_password()
    db = _open(args)
    try:
        account = add_user(db, args.name, args.role, args.region, password)
    except UserError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    region = account.region or "all"
    print(f"user {account.name} ({account.role}, region {region}) created")
    if generated:
        print(f"password: {password}")
        print("the password is shown only now; hand it over in person", file=sys.stderr)
    return 0
