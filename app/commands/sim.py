"""``kiosk sim ...``: the dev dock on the command line, driving running simulators.

Each simulator family registers its own verbs (``kiosk sim card ...``,
``kiosk sim printer ...``) from its own module so the two never collide.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.commands import sim_card, sim_printer


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``kiosk sim`` with one sub-group per simulator family."""
    parser = sub.add_parser("sim", help="control running device simulators (dev dock)")
    groups = parser.add_subparsers(dest="sim_target", required=True, metavar="DEVICE")
    sim_card.register(groups)
    sim_printer.register(groups)
