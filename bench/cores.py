"""``--cores N`` for every bench: pin the process (and so its floor) to N cores; note the load.

Village terminals run on one or two slow cores shared with the vendor's services (issue 16,
goal 7). Pinning happens before anything is measured, in the bench's own process; the
floors are measured in the same process or in children, which inherit the affinity, so a
figure and its floor always run on the same cores. The load average is printed at the start
and at the end: a figure measured while the machine is busy says so next to itself.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cores",
        type=int,
        default=None,
        metavar="N",
        help="pin this bench and its floors to the first N cores it may use (e.g. 1)",
    )


def pin(cores: int | None) -> str:
    """Restrict this process (and its future children) to ``cores`` CPUs; the line printed."""
    allowed = sorted(os.sched_getaffinity(0))
    if cores is not None:
        if not 1 <= cores <= len(allowed):
            raise SystemExit(f"--cores must be between 1 and {len(allowed)}")
        os.sched_setaffinity(0, set(allowed[:cores]))
    used = sorted(os.sched_getaffinity(0))
    line = (
        f"cores: {len(used)} ({','.join(map(str, used))}) of {os.cpu_count()}; "
        f"{load_note('before')}"
    )
    print(line, flush=True)
    atexit.register(report_end)
    return line


def pin_from_argv(argv: list[str] | None = None) -> list[str]:
    """For a bench without its own options: take ``--cores N`` from argv, return the rest."""
    parser = argparse.ArgumentParser(add_help=False)
    add_argument(parser)
    args, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    pin(args.cores)
    return rest


def load_note(when: str) -> str:
    """``load average before: 0.12 0.30 0.41`` (1, 5, 15 minutes) — how quiet the machine was."""
    one, five, fifteen = os.getloadavg()
    return f"load average {when}: {one:.2f} {five:.2f} {fifteen:.2f}"


_reported: list[bool] = []


def report_end() -> None:
    """Print the load average at the end (once; :func:`pin` also registers it at exit)."""
    if not _reported:
        _reported.append(True)
        print(load_note("after"), flush=True)
