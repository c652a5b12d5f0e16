"""``kiosk staff``: staff and technician accounts (scripted set-up of many terminals).

PINs are never taken from the command line (they would stay in the shell
history and in ``ps``): they are asked for twice on the terminal, or read from
the first line of standard input with ``--pin-stdin``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.staff import Role
from kiosk.usecases import staff_auth


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``staff add``, ``staff list``, ``staff set-pin``, ``staff bind-card`` and ``staff disable``."""
    staff = sub.add_parser("staff", help="staff and technician accounts (工作人员账号)")
    actions = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="create an account; the PIN is asked for twice")
    add.add_argument("--number", required=True, help="staff number (工号), 3-12 digits")
    add.add_argument("--name", required=True, help="name shown on screen (never logged)")
    add.add_argument(
        "--role",
        choices=[r.value for r in Role],
        default=Role.STAFF.value,
        help="staff (工作人员, default) or technician (技术人员)",
    )
    add.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="list accounts (no PINs, no card ids)")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=_list)

    set_pin = actions.add_parser("set-pin", help="set a new PIN; also lifts a lockout")
    set_pin.add_argument("number", help="staff number")
    set_pin.add_argument(
        "--pin-stdin", action="store_true", help="read the PIN from standard input"
    )
    set_pin.set_defaults(handler=_set_pin)

    bind = actions.add_parser("bind-card", help="let an account sign in with a card")
    bind.add_argument("number", help="staff number")
    bind.add_argument(
        "--card-id-stdin",
        action="store_true",
        help="read the card number / ID number from standard input (else asked for, hidden)",
    )
    bind.add_argument("--remove", action="store_true", help="unbind the card instead")
    bind.set_defaults(handler=_bind_card)

    disable = actions.add_parser("disable", help="disable (or with --enable, re-enable) an account")
    disable.add_argument("number", help="staff number")
    disable.add_argument("--enable", action="store_true", help="enable instead of disable")
    disable.set_defaults(handler=_disable)


def _read_secret(from_stdin: bool, prompt: str, *, confirm: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再输入一次：") != first:
        raise ValidationError("两次输入的密码不一致。", field="pin")
    return first


def _fail(exc: ValidationError) -> int:
    print(f"kiosk staff: {exc.message}", file=sys.stderr)
    return 1


def _add(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        pin = _read_secret(args.pin_stdin, "密码（6-12 位数字）：", confirm=True)
        member = staff_auth.add_staff(core, args.number, args.name, Role(args.role), pin)
    except ValidationError as exc:
        return _fail(exc)
    finally:
        core.close()
    print(f"added {member.role.value} {member.number}")
    return 0


def _list(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        members = staff_auth.list_staff(core)
        locks = {m.number: staff_auth.lockout_remaining(core, m.number) for m in members}
    finally:
        core.close()
    if args.json:
        document = [
            {
                "number": m.number,
                "name": m.name,
                "role": m.role.value,
                "active": m.active,
                "has_card": m.has_card,
                "locked_for_s": locks[m.number],
            }
            for m in members
        ]
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    for m in members:
        flags = []
        if not m.active:
            flags.append("已停用")
        if m.has_card:
            flags.append("已绑卡")
        if locks[m.number]:
            flags.append(f"锁定 {locks[m.number]} 秒")
        print(f"{m.number:<12} {m.role.label:<6} {m.name}  {' '.join(flags)}".rstrip())
    if not members:
        print("no accounts")
    return 0


def _set_pin(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        pin = _read_secret(args.pin_stdin, "新密码（6-12 位数字）：", confirm=True)
        staff_auth.set_pin(core, args.number, pin)
    except ValidationError as exc:
        return _fail(exc)
    finally:
        core.close()
    print(f"PIN changed for {args.number.strip()}")
    return 0


def _bind_card(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        card_id = None
        if not args.remove:
            card_id = _read_secret(args.card_id_stdin, "卡号或证件号：", confirm=False)
            if not card_id:
                raise ValidationError("没有读到卡号。", field="card")
        staff_auth.bind_card(core, args.number, card_id)
    except ValidationError as exc:
        return _fail(exc)
    finally:
        core.close()
    print(f"card {'removed from' if args.remove else 'bound to'} {args.number.strip()}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        staff_auth.set_active(core, args.number, args.enable)
    except ValidationError as exc:
        return _fail(exc)
    finally:
        core.close()
    print(f"{args.number.strip()} {'enabled' if args.enable else 'disabled'}")
    return 0
