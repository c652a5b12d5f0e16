"""``kiosk print ...``: test page, receipts, one-time notices, summaries, forms, results.

Without ``--printer`` the configured receipt printer is used
(``devices.receipt_printer`` in terminal.toml). Exit status 0 when printed,
1 when the printer or the data refused (the message says why, in Chinese,
for staff). Nothing personal is written to the terminal or the log: the
application number identifies the slip.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from devices.printers.errors import PrinterError
from devices.printers.factory import SIM_SOCKET, open_printer
from devices.printers.protocol import Printer, PrintOutcome
from devices.printers.simulator.control import send_command
from kiosk.application import Application
from kiosk.chinatime import CHINA_TZ, china_date
from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.paths import data_dir
from kiosk.settings import Settings, load_settings
from kiosk.store.staff_queries import get_staff
from kiosk.usecases.my_applications import application_by_number
from printouts.content import (
    DailySummaryContent,
    SummaryRow,
)
from printouts.document import Document
from printouts.escpos.profile import TextEncoding
from printouts.from_domain import form_content, notice_content, receipt_content, result_content
from printouts.layouts import (
    layout_daily_summary,
    layout_form,
    layout_notice,
    layout_receipt,
    layout_result_notice,
    layout_test_page,
)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``kiosk print`` and its verbs."""
    parser = sub.add_parser(
        "print",
        help="print a test page, a receipt, a one-time notice, a daily summary or a form",
        description=(
            "Printer URLs: escpos:/dev/ttyUSB0[?baud=9600&width=58|80&encoding=gbk&qr=raster], "
            "escpos:socket://HOST:9100, escpos:sim, cups:QUEUE, pdf:PATH[?page=a4|58|80]. "
            "See docs/printouts.md."
        ),
    )
    verbs = parser.add_subparsers(dest="print_what", required=True, metavar="WHAT")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = verbs.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--printer", metavar="URL", help="printer URL (default: the configured one)")
        p.add_argument("--json", action="store_true", help="print the outcome as JSON")
        return p

    add("test", "print a test page with every element (sizes, QR, rare characters, cut)")
    receipt = add("receipt", "print (or reprint) the receipt (受理回执) of an application")
    receipt.add_argument("number", metavar="APPLICATION_NUMBER")
    receipt.add_argument("--reprint", action="store_true", help="mark the slip 补打 (reprint)")
    notice = add("notice", "print the one-time notice (一次性告知单) of a service item")
    notice.add_argument("code", metavar="SERVICE_CODE")
    summary = add("summary", "print the daily summary (每日办件统计) for staff")
    summary.add_argument("--day", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    form = add("form", "print the application form with the entered data, for signature")
    form.add_argument("number", metavar="APPLICATION_NUMBER")
    result = add("result", "print the result notice (办理结果通知) the platform sent down")
    result.add_argument("number", metavar="APPLICATION_NUMBER")
    parser.set_defaults(handler=_run)
    for p in verbs.choices.values():
        p.set_defaults(handler=_run)


def _open(args: argparse.Namespace, settings: Settings) -> Printer:
    url = args.printer or settings.devices.receipt_printer
    encoding = TextEncoding(settings.devices.printer_encoding)
    return open_printer(url, encoding=encoding, run_dir=data_dir().ensure().run)


def _run(args: argparse.Namespace) -> int:
    if args.print_what == "test":
        settings = load_settings(data_dir().settings_file)
        now = dt.datetime.now(CHINA_TZ).replace(tzinfo=None)
        doc = layout_test_page(settings.terminal.station_name, settings.terminal.code, now)
        return _print(args, settings, doc)
    core = KioskCore.open()
    try:
        return _with_core(args, core)
    finally:
        core.close()


def _with_core(args: argparse.Namespace, core: KioskCore) -> int:
    settings = core.settings
    now = core.clock()
    if args.print_what == "receipt":
        application = application_by_number(core, args.number)
        content = receipt_content(
            application,
            settings,
            _staff_name(core, application),
            core.store.item(application.service_code, application.service_version),
            reprint=True if args.reprint else None,
        )
        doc = layout_receipt(content)
        try:
            code = _print(args, settings, doc)
        except PrinterError:
            core.store.set_receipt_printed(application.id, False)
            raise
        core.store.set_receipt_printed(application.id, True)
        return code
    if args.print_what == "notice":
        item = core.store.item(args.code)
        if item is None:
            raise ValidationError(f"没有编码为 {args.code} 的事项。", field="code")
        return _print(args, settings, layout_notice(notice_content(item, settings, now)))
    if args.print_what == "summary":
        day = args.day or china_date(now)
        rows = core.store.daily_summary(day)
        summary = DailySummaryContent(
            station_name=settings.terminal.station_name,
            terminal_code=settings.terminal.code,
            day=day,
            rows=tuple(SummaryRow(name, state.label, n) for _, name, state, n in rows),
            printed_at=now.astimezone(CHINA_TZ).replace(tzinfo=None),
        )
        return _print(args, settings, layout_daily_summary(summary))
    application = application_by_number(core, args.number)
    item = core.store.item(application.service_code, application.service_version)
    if args.print_what == "result":
        if not application.state.is_final:
            raise ValidationError("该办件尚未办结，暂无结果通知。", field="number")
        notice = result_content(application, item, settings, now)
        return _print(args, settings, layout_result_notice(notice))
    return _print(args, settings, layout_form(form_content(application, item, settings)))


def _print(args: argparse.Namespace, settings: Settings, doc: Document) -> int:
    printer = _open(args, settings)
    try:
        outcome = printer.print_document(doc)
        png = _simulator_png(printer.url)  # before close: an in-process simulator stops with it
    finally:
        printer.close()
    _report(args, printer.url, outcome, png)
    return 0


def _simulator_png(url: str) -> str | None:
    """The PNG the simulator rendered of the last job, when printing to ``escpos:sim``."""
    if not url.startswith("escpos:sim"):
        return None
    sock = data_dir().run / SIM_SOCKET
    try:
        jobs = send_command(sock, "jobs", timeout=2.0).get("jobs", [])
    except (OSError, ValueError):
        return None
    return str(jobs[-1]["png"]) if jobs and jobs[-1].get("png") else None


def _report(args: argparse.Namespace, url: str, outcome: PrintOutcome, png: str | None) -> None:
    if args.json:
        out = {
            "printer": url,
            "status_before": outcome.status_before.value,
            "status_after": outcome.status_after.value,
            "reference": outcome.reference,
            "simulator_png": png,
        }
        print(json.dumps(out, ensure_ascii=False))
        return
    print(f"printed {args.print_what} on {url} (printer {outcome.status_after.value})")
    if outcome.reference:
        print(f"  {outcome.reference}")
    if png:
        print(f"  simulator rendered {png}")


# -- core objects → printout contents ---------------------------------------------------------


def _staff_name(core: KioskCore, application: Application) -> str:
    if not application.staff_id:
        return ""
    member = get_staff(core.store.conn, application.staff_id)
    return member.name if member else application.staff_id
