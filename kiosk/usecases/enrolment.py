"""Enrolment's effect on application numbers: one rule for the CLI and the technician wizard.

Before enrolment a terminal numbers under a provisional code ``0XXXXX`` (platform
codes are 100000–999999, so the two can never meet). When the platform assigns a
code, every application it has not yet seen is renumbered under that code in one
transaction, and its old number is kept as an alias so the receipt in the
resident's hand still finds it. Re-enrolment with a different code follows the
same rule; what the platform already acknowledged keeps its number.
"""

from __future__ import annotations

import time

from kiosk.store import Store
from kiosk.store.numbering import Renumbering, adopt_code


def adopt_terminal_code(store: Store, code: str, now: float | None = None) -> Renumbering:
    """Record the enrolled ``code`` and renumber the undelivered applications under it.

    Call right after the new code is saved in the settings. Idempotent: calling it
    again renumbers only what is left (e.g. rows a live sync round was sending).
    """
    return adopt_code(store, code, time.time() if now is None else now)


def renumbering_summary(result: Renumbering) -> str:
    """One line for the technician (CLI and wizard log); numbers are not personal data."""
    text = f"{len(result.renumbered)} queued application(s) renumbered under code {result.code}"
    if result.in_flight:
        text += (
            f"; {result.in_flight} being sent right now keep their number"
            " (the platform either takes them as they are or refuses them; see docs/cli.md)"
        )
    return text
