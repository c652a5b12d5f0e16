"""``kiosk card read``: the technician's check that a reader works, reading one card.

Contract (issue 3): ``--json`` prints one object with exactly the keys of
``CardHolder.to_json_dict()``; exit status 0 on a read, 2 when no card came before
the timeout, 1 on a reader error with a one-line reason on stderr. This command
is the one place where personal data is printed on purpose.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from typing import Any

from devices.cards.events import CardEvent, CardInserted, ReaderError
from devices.cards.factory import open_card_reader
from kiosk.cardholder import CardHolder

EXIT_READ = 0
EXIT_ERROR = 1
EXIT_NO_CARD = 2

_LABELS = {
    "card_type": "证件类型",
    "name": "姓名",
    "name_en": "英文姓名",
    "gender": "性别",
    "nation": "民族",
    "birth_date": "出生日期",
    "address": "住址",
    "id_number": "证件号码",
    "issuer": "签发机关",
    "valid_from": "有效期起",
    "valid_to": "有效期至",
    "nationality": "国籍",
}


_CARD_TYPES = {
    "resident": "居民身份证",
    "foreign_permanent": "外国人永久居留身份证",
    "hmt_residence": "港澳台居民居住证",
    "social_security": "社会保障卡",
    "bank": "银行卡",
}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``kiosk card``."""
    parser = sub.add_parser("card", help="identity and chip card readers")
    verbs = parser.add_subparsers(dest="card_command", required=True, metavar="VERB")
    read = verbs.add_parser(
        "read",
        help="read one card and print it",
        description=(
            "Wait for one card on READER and print what it holds. Exit status: 0 card read, "
            "2 no card before the timeout, 1 reader error (reason on stderr)."
        ),
    )
    read.add_argument(
        "--reader",
        required=True,
        metavar="URL",
        help="sam:/dev/ttyUSB0[?baud=9600], sam:socket://host:port, sam:sim, pcsc: or pcsc:NAME",
    )
    read.add_argument("--json", action="store_true", help="print one JSON object")
    read.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="seconds to wait (default 30)"
    )
    read.set_defaults(handler=run_read)


def run_read(args: argparse.Namespace) -> int:
    """Start the reader, wait for the first card or error, print, stop."""
    events: queue.Queue[CardEvent] = queue.Queue()
    reader = open_card_reader(args.reader)
    reader.add_listener(events.put)
    reader.start()
    try:
        outcome = _wait(events, args.timeout)
    finally:
        reader.stop()
    if isinstance(outcome, CardInserted):
        _print_holder(outcome.holder, as_json=args.json)
        return EXIT_READ
    if isinstance(outcome, ReaderError):
        print(
            f"kiosk card read: reader error ({outcome.code.value}): {outcome.detail}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    print(f"kiosk card read: no card within {args.timeout:g} s", file=sys.stderr)
    return EXIT_NO_CARD


def _wait(events: queue.Queue[CardEvent], timeout: float) -> CardInserted | ReaderError | None:
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            event = events.get(timeout=remaining)
        except queue.Empty:
            break
        if isinstance(event, CardInserted | ReaderError):
            return event
    return None


def _print_holder(holder: CardHolder, *, as_json: bool) -> None:
    data = holder.to_json_dict()
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    for key, label in _LABELS.items():
        value = _CARD_TYPES.get(str(data[key]), data[key]) if key == "card_type" else data[key]
        if value is not None:
            print(f"{label}：{value}")
    if holder.card_number:
        print(f"卡号：{holder.card_number}")
    photo = "有（WLT 格式，需授权解码插件）" if holder.photo_wlt else "无"
    print(f"照片：{photo}")
