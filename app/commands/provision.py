"""``kiosk provision``: enrol this terminal with a platform using a one-time code.

The steps live in :mod:`sync.provisioning` (shared with the technician's
wizard); this command maps its typed errors to exit statuses:
0 enrolled, 1 code refused, 2 platform unreachable, 3 request refused before
contacting the platform (bad region code, station name, URL or CA bundle; plain
``http://`` to a host other than this machine without ``--insecure``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.paths import data_dir
from kiosk.usecases.enrolment import renumbering_summary
from sync.provisioning import (
    EnrolmentError,
    EnrolmentRefused,
    InsecureURL,
    InvalidEnrolmentRequest,
    PlatformUnreachable,
    ProvisionRequest,
    enrol_terminal,
)

__all__ = ["register"]

EXIT_REFUSED = 1
EXIT_UNREACHABLE = 2
EXIT_INVALID = 3


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``provision``."""
    parser = sub.add_parser(
        "provision",
        help="enrol this terminal with the central platform (one-time code)",
        description=(
            "Exit status: 0 enrolled, 1 code refused, 2 platform unreachable, "
            "3 request refused before contacting the platform (bad region code, station, URL "
            "or CA bundle; plain http:// to another machine without --insecure)."
        ),
    )
    parser.add_argument("--platform", required=True, metavar="URL", help="platform base URL")
    parser.add_argument("--code", required=True, help="one-time enrolment code from the platform")
    parser.add_argument(
        "--region",
        required=True,
        metavar="CODE",
        help="region code (行政区划代码), 6, 9 or 12 digits",
    )
    parser.add_argument(
        "--station", required=True, metavar="NAME", help="station name for receipts"
    )
    parser.add_argument("--ca-bundle", default="", metavar="PATH", help="CA bundle to verify TLS")
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow plain http:// to a host other than this machine (test benches only)",
    )
    parser.set_defaults(handler=_provision)


def _provision(args: argparse.Namespace) -> int:
    request = ProvisionRequest(
        args.platform, args.code, args.region, args.station, args.ca_bundle, args.insecure
    )
    try:
        result = enrol_terminal(data_dir().ensure(), request)
    except EnrolmentError as exc:
        code, line = _failure(exc)
        print(f"kiosk provision: {line}", file=sys.stderr)
        return code
    print(f"enrolled as terminal {result.terminal_id} (code {result.terminal_code})")
    if result.renumbering is not None:
        print(renumbering_summary(result.renumbering))
    return 0


def _failure(exc: EnrolmentError) -> tuple[int, str]:
    """Exit status and the English line for stderr (the Chinese message is the wizard's)."""
    if isinstance(exc, EnrolmentRefused):
        return EXIT_REFUSED, f"enrolment refused ({exc.reason}); ask for a new code"
    if isinstance(exc, PlatformUnreachable):
        return EXIT_UNREACHABLE, f"platform unreachable: {exc.detail}"
    if isinstance(exc, InsecureURL):
        return EXIT_INVALID, (
            "refusing plain http:// to a host other than this machine "
            "(the code would cross the network in clear); use https:// or --insecure"
        )
    if isinstance(exc, InvalidEnrolmentRequest):
        return EXIT_INVALID, f"invalid {exc.field.replace('_', ' ')}: {exc}"
    return EXIT_UNREACHABLE, str(exc)
