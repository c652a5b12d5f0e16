"""``kiosk provision``: enrol this terminal with a platform using a one-time code.

Writes the platform URL, terminal id and terminal code into ``terminal.toml``
and the secret into a separate 0600 file: the TOML gets copied into tickets,
the secret must not.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from typing import Any

from kiosk.paths import data_dir
from kiosk.settings import load_settings, save_settings
from kiosk.store import Store
from kiosk.usecases.enrolment import adopt_terminal_code, renumbering_summary
from sync.client import AuthError, TransientError, enrol
from sync.credentials import save_secret
from sync.protocol import EnrolRequest
from sync.signing import decode_secret


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``provision``."""
    parser = sub.add_parser(
        "provision",
        help="enrol this terminal with the central platform (one-time code)",
        description="Exit status: 0 enrolled, 1 code refused, 2 platform unreachable.",
    )
    parser.add_argument("--platform", required=True, metavar="URL", help="platform base URL")
    parser.add_argument("--code", required=True, help="one-time enrolment code from the platform")
    parser.add_argument(
        "--region", required=True, metavar="CODE", help="region code (行政区划代码)"
    )
    parser.add_argument(
        "--station", required=True, metavar="NAME", help="station name for receipts"
    )
    parser.add_argument("--ca-bundle", default="", metavar="PATH", help="CA bundle to verify TLS")
    parser.set_defaults(handler=_provision)


def kiosk_version() -> str:
    try:
        return metadata.version("kiosk")
    except metadata.PackageNotFoundError:
        return "dev"


def _provision(args: argparse.Namespace) -> int:
    data = data_dir().ensure()
    settings = load_settings(data.settings_file)
    request = EnrolRequest(
        code=args.code,
        region_code=args.region,
        station_name=args.station,
        kiosk_version=kiosk_version(),
    )
    try:
        answer = enrol(args.platform, request, ca_bundle=args.ca_bundle)
    except AuthError as exc:
        print(
            f"kiosk provision: enrolment refused ({exc.code.value}); ask for a new code",
            file=sys.stderr,
        )
        return 1
    except TransientError as exc:
        print(f"kiosk provision: platform unreachable: {exc}", file=sys.stderr)
        return 2
    save_secret(data, decode_secret(answer.secret))
    updated = settings.model_copy(
        update={
            "platform": settings.platform.model_copy(
                update={
                    "url": args.platform.rstrip("/"),
                    "terminal_id": answer.terminal_id,
                    "ca_bundle": args.ca_bundle,
                }
            ),
            "terminal": settings.terminal.model_copy(
                update={
                    "code": answer.terminal_code,
                    "region_code": args.region,
                    "station_name": args.station,
                }
            ),
        }
    )
    save_settings(data.settings_file, type(settings).model_validate(updated.model_dump()))
    store = Store(data)
    try:
        renumbering = adopt_terminal_code(store, answer.terminal_code)
    finally:
        store.close()
    print(f"enrolled as terminal {answer.terminal_id} (code {answer.terminal_code})")
    print(renumbering_summary(renumbering))
    return 0
