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

from devices.printers.factory import SIM_SOCKET, open_printer
from devices.printers.protocol import Printer, PrintOutcome
from devices.printers.simulator.control import send_command
from kiosk.core import KioskCore
from kiosk.paths import data_dir
from kiosk.settings import Settings, load_settings
from printouts import jobs
from printouts.document import Document
from printouts.escpos.profile import TextEncoding
from printouts.jobs import JobKind

#: ``kiosk print`` verbs and the document each prints (the verb ``test`` is the test page).
VERBS = {
    "test": JobKind.TEST_PAGE,
    "receipt": JobKind.RECEIPT,
    "notice": JobKind.NOTICE,
    "summary": JobKind.SUMMARY,
    "form": JobKind.FORM,
    "result": JobKind.RESULT,
}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``kiosk print`` and its verbs."""
    parser = sub.add_parser(
        "print",
        help="print a test page, a receipt, a one-time notice, a daily summary or a form",
        description=(
            "Printer URLs: escpos:/dev/ttyUSB0[?baud=9600&width=58|80&encoding=gbk&qr=raster], "
            "escpos:/dev/usb/lp0 (USB printer class), escpos:socket://HOST:9100, escpos:sim, "
            "cups:QUEUE, pdf:PATH[?page=a4|58|80]. "
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
    if VERBS[args.print_what] is JobKind.TEST_PAGE:
        # Needs no store: a technician tests the printer before the terminal is set up.
        settings = load_settings(data_dir().settings_file)
        job = jobs.printer_test_page(settings, dt.datetime.now(dt.UTC))
        return _print(args, settings, job.document)
    core = KioskCore.open()
    try:
        job = _job(args, core)
        code = _print(args, core.settings, job.document)
        jobs.confirmed(core, job)
        return code
    finally:
        core.close()


def _job(args: argparse.Namespace, core: KioskCore) -> jobs.PrintJob:
    """The document of the verb, from the one home of each paper (``printouts.jobs``)."""
    kind = VERBS[args.print_what]
    if kind is JobKind.RECEIPT:
        return jobs.receipt(core, args.number, reprint=True if args.reprint else None)
    if kind is JobKind.NOTICE:
        return jobs.notice(core, args.code)
    if kind is JobKind.SUMMARY:
        return jobs.daily_summary(core, args.day)
    if kind is JobKind.RESULT:
        return jobs.result(core, args.number)
    return jobs.form(core, args.number)


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
