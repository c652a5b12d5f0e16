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

from kiosk.catalogue import Material, ServiceItem
from kiosk.core import KioskCore
from kiosk.errors import KioskError, StoreError
from kiosk.materials import routes_without_camera
from kiosk.usecases.import_csv import ImportFileError, ImportReport, import_rows, load_import_file
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
            "Columns: service_code, name, id_number (required); staff_id (required in every "
            "row unless --staff is given, which fills empty staff_id cells); phone, address "
            "(optional); any other column named after a form field key of that item. "
            "Rows already imported (from this or any file) are skipped, not queued twice. "
            "Exit status 0 when every row is queued or was already imported; 1 when any row "
            "or the whole file was rejected, or the import stopped (the report still lists "
            "what was committed)."
        ),
    )
    importer.add_argument("file", type=Path, metavar="FILE.csv")
    importer.add_argument(
        "--staff",
        metavar="STAFF_ID",
        help="staff number for rows whose staff_id is empty (required if the file has none)",
    )
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


def _material_json(material: Material) -> dict[str, object]:
    """A material's routes (scan, e_licence, promise, counter) and the trust level of each."""
    entry: dict[str, object] = {
        "name": material.name,
        "routes": [r.value for r in material.routes],
        "main": material.main,
        "trust": {r.value: r.trust.value for r in material.routes},
    }
    if material.field:
        entry["field"] = material.field
    if material.licence_type:
        entry["licence_type"] = material.licence_type
    if material.promise_days:
        entry["promise_days"] = material.promise_days
    return entry


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
                "routes_without_camera": [r.value for r in routes_without_camera(item)],
                "materials": [_material_json(m) for m in item.materials],
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
    """Read and check the whole file before opening the database; every failure is one line."""
    try:
        parsed = load_import_file(args.file, default_staff_id=args.staff)
    except ImportFileError as exc:
        if args.json:
            print(json.dumps(_import_json(ImportReport(), str(exc)), ensure_ascii=False, indent=2))
        print(f"kiosk import: {exc}", file=sys.stderr)
        return 1
    try:
        core = KioskCore.open()
    except (KioskError, OSError) as exc:  # unreadable key, corrupt or unopenable database
        reason = exc.english if isinstance(exc, StoreError) else str(exc)
        print(f"kiosk import: cannot open the terminal's data: {reason}", file=sys.stderr)
        return 1
    try:
        report = import_rows(core, parsed, default_staff_id=args.staff)
    finally:
        core.close()
    if args.json:
        print(json.dumps(_import_json(report), ensure_ascii=False, indent=2))
    else:
        print(f"queued {len(report.committed)} application(s)")
        for result in report.committed:
            print(f"  line {result.line}: {result.number}")
        if report.skipped:
            print(f"skipped {len(report.skipped)} row(s) already imported")
            for result in report.skipped:
                print(f"  line {result.line}: already imported as {result.number}")
    for error in report.errors:
        print(f"line {error.line}: {error.reason}", file=sys.stderr)
    if report.stopped is not None:
        print(
            f"kiosk import: stopped: {report.stopped} Committed before stopping: "
            f"{len(report.committed)} row(s); not imported: lines {_ranges(report.remaining)}. "
            "Run the same file again to import them (rows already imported are skipped).",
            file=sys.stderr,
        )
    return 0 if report.ok else 1


def _import_json(report: ImportReport, file_error: str | None = None) -> dict[str, Any]:
    return {
        "queued": report.queued,
        "errors": [{"line": e.line, "reason": e.reason} for e in report.errors],
        "committed": [{"line": r.line, "number": r.number} for r in report.committed],
        "skipped": [{"line": r.line, "number": r.number} for r in report.skipped],
        "stopped": report.stopped,
        "remaining": report.remaining,
        "file_error": file_error,
    }


def _ranges(lines: list[int]) -> str:
    """``[5, 6, 7, 9]`` → ``5-7, 9``: a stopped import of thousands of rows stays one line."""
    if not lines:
        return "none"
    parts: list[str] = []
    first = previous = lines[0]
    for line in [*lines[1:], None]:
        if line is not None and line == previous + 1:
            previous = line
            continue
        parts.append(str(first) if first == previous else f"{first}-{previous}")
        if line is not None:
            first = previous = line
    return ", ".join(parts)


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
