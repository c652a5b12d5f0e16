"""``kiosk catalogue``, ``kiosk import`` and ``kiosk queue``: the core's commands.

Output formats are contracts (docs/cli.md): technicians script against the
JSON keys and the exit codes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.catalogue import ServiceItem
from kiosk.core import KioskCore
from kiosk.usecases.import_csv import import_paper_forms
from kiosk.usecases.queue_view import queue_rows


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``catalogue``, ``import`` and ``queue``."""
    catalogue = sub.add_parser("catalogue", help="list the service items (办事事项)")
    catalogue.add_argument("--json", action="store_true", help="print JSON instead of a table")
    catalogue.set_defaults(handler=_catalogue)

    importer = sub.add_parser(
        "import",
        help="queue paper applications from a CSV file (UTF-8, UTF-8 with BOM, or GB18030)",
        description=(
            "Columns: service_code, name, id_number (required); phone, address, staff_id "
            "(optional); any other column named after a form field key of that item. "
            "Exit status 1 when any row was rejected."
        ),
    )
    importer.add_argument("file", type=Path, metavar="FILE.csv")
    importer.add_argument("--staff", help="staff number to record when a row has no staff_id")
    importer.add_argument("--json", action="store_true", help="print the report as JSON")
    importer.set_defaults(handler=_import)

    queue = sub.add_parser("queue", help="list this terminal's applications and their states")
    queue.add_argument("--json", action="store_true", help="print JSON instead of a table")
    queue.add_argument("--limit", type=int, default=200, help="newest N applications (default 200)")
    queue.set_defaults(handler=_queue)


def _field_json(item: ServiceItem) -> list[dict[str, Any]]:
    fields = []
    for form_field in item.form:
        entry: dict[str, Any] = {
            "key": form_field.key,
            "type": form_field.type.value,
            "required": form_field.required,
        }
        if form_field.options:
            entry["options"] = list(form_field.options)
        fields.append(entry)
    return fields


def _catalogue(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        items = core.store.catalogue()
    finally:
        core.close()
    if args.json:
        document = [
            {
                "code": item.code,
                "name": item.name,
                "category": item.category,
                "state": item.state.value,
                "version": item.version,
                "fields": _field_json(item),
            }
            for item in items
        ]
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    for item in items:
        print(
            f"{item.code:<14} v{item.version:<3} {item.state.value:<8} {item.category}  {item.name}"
        )
        for form_field in item.form:
            mark = "*" if form_field.required else " "
            options = f" [{'/'.join(form_field.options)}]" if form_field.options else ""
            print(f"    {mark} {form_field.key:<22} {form_field.type.value:<10}{options}")
    return 0


def _import(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        report = import_paper_forms(core, args.file, default_staff_id=args.staff)
    finally:
        core.close()
    if args.json:
        print(
            json.dumps(
                {
                    "queued": report.queued,
                    "errors": [{"line": e.line, "reason": e.reason} for e in report.errors],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(f"queued {len(report.queued)} application(s)")
        for number in report.queued:
            print(f"  {number}")
        for error in report.errors:
            print(f"line {error.line}: {error.reason}", file=sys.stderr)
    return 0 if report.ok else 1


def _queue(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        rows = queue_rows(core, limit=args.limit)
    finally:
        core.close()
    if args.json:
        print(json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        reason = f"  ({row.reason})" if row.reason else ""
        print(
            f"{row.number}  {row.service_name}  {row.applicant} {row.id_number}  "
            f"{row.state_label}{reason}  filed {row.created_at}"
        )
    if not rows:
        print("no applications")
    return 0
