"""``kiosk doctor [--json]``: is this terminal able to serve residents, and if not, what to do.

The rules live in :mod:`kiosk.diagnostics`, the probes that gather their facts in
:mod:`app.probes` (shared with the in-app 诊断 screen); this module is only the
command. Exit status: 0 all ok, 1 any check failed, 2 only warnings. The JSON shape is
documented in docs/staff-and-technician.md.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.probes import run_doctor
from kiosk.diagnostics import Report
from kiosk.paths import data_dir


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``doctor``."""
    doctor = sub.add_parser(
        "doctor",
        help="check devices, network, sync, queue, disk, database, clock and versions",
        description=(
            "Each check is ok, warning or failed, with what to do (in Chinese). "
            "Exit status: 0 all ok, 1 any check failed, 2 only warnings. "
            "JSON keys are stable (docs/staff-and-technician.md)."
        ),
    )
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.add_argument(
        "--skip-devices",
        action="store_true",
        help="do not open the card reader and printers (e.g. while the kiosk app holds them)",
    )
    doctor.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    report = run_doctor(data_dir(), test_devices=not args.skip_devices)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return report.exit_code


def format_report(report: Report) -> str:
    marks = {"ok": "[ 正常 ]", "warning": "[ 注意 ]", "failed": "[ 故障 ]"}
    lines = []
    for check in report.checks:
        lines.append(f"{marks[check.status.value]} {check.title}：{check.detail}")
        if check.action:
            lines.append(f"         → {check.action}")
    lines.append(f"结论：{report.status.label}")
    return "\n".join(lines)
