"""One function per printed document, called by every front end (touch UI, staff console, CLI).

Each takes the terminal's :class:`~kiosk.core.KioskCore`, asks the core's
printing use case (:mod:`kiosk.usecases.printing`) for its look-ups, maps them
to paper content with :mod:`printouts.from_domain` and lays the page out. So a
receipt printed from the touch screen, the staff queue or ``kiosk print
receipt`` is the same paper: the filed version's materials, 代办人 for an
assisted filing, 补打 on a reprint.

What a front end does with the :class:`PrintJob` (a worker thread, a CLI
printer opened for one job) is its own business; after the printer confirmed a
job it calls :func:`confirmed` (a receipt is then marked printed: the next says 补打).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kiosk.application import Application
from kiosk.booking import Booking
from kiosk.catalogue import ServiceItem
from kiosk.chinatime import CHINA_TZ
from kiosk.core import KioskCore
from kiosk.settings import Settings
from kiosk.usecases import printing
from kiosk.usecases.queue_care import mark_receipt_printed
from printouts.content import DailySummaryContent, SummaryRow
from printouts.document import Document
from printouts.from_domain import (
    booking_slip_content,
    commitment_content,
    form_content,
    notice_content,
    receipt_content,
    result_content,
)
from printouts.layouts import (
    layout_commitment,
    layout_daily_summary,
    layout_form,
    layout_notice,
    layout_receipt,
    layout_result_notice,
    layout_test_page,
)
from printouts.layouts.booking import layout_booking_slip


class JobKind(StrEnum):
    """The documents the terminal prints (the values are the ``kiosk print`` verbs' kinds)."""

    RECEIPT = "receipt"  # 受理回执
    NOTICE = "notice"  # 一次性告知单
    FORM = "form"  # 申请表 (A4, for signature)
    RESULT = "result"  # 办理结果通知
    SUMMARY = "summary"  # 每日办件统计
    TEST_PAGE = "test_page"  # 打印测试页
    COMMITMENT = "commitment"  # 告知承诺书 (容缺受理), with the receipt of such a filing
    BOOKING_SLIP = "booking"  # 预约窗口办理凭条 / 上门服务申请凭条 (issue 13 item 4)


@dataclass(frozen=True, slots=True)
class PrintJob:
    kind: JobKind
    document: Document
    #: The application a receipt is of: marked printed by :func:`confirmed` once the printer said so.
    application_id: str | None = None


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(CHINA_TZ).replace(tzinfo=None)


def receipt(
    core: KioskCore, application: Application | str, *, reprint: bool | None = None
) -> PrintJob:
    """受理回执, masked. ``reprint`` None: 补打 when a receipt was printed before."""
    paper = printing.receipt_paper(core, application)
    content = receipt_content(
        paper.application, paper.settings, paper.staff_name, paper.item, reprint=reprint
    )
    return PrintJob(JobKind.RECEIPT, layout_receipt(content), paper.application.id)


def notice(core: KioskCore, item: ServiceItem | str) -> PrintJob:
    """一次性告知单 of an item (the one on screen, or by code)."""
    paper = printing.item_paper(core, item)
    return PrintJob(
        JobKind.NOTICE, layout_notice(notice_content(paper.item, paper.settings, paper.now))
    )


def commitment(
    core: KioskCore, application: Application | str, *, reprint: bool = False
) -> PrintJob:
    """告知承诺书 of an application filed with promised materials, masked.

    ``reprint`` (补打承诺书 in 我的办件 and the staff queue): the application as
    :func:`kiosk.usecases.printing.commitment_for_reprint` finds it (refused in words when
    nothing was promised), the slip marked 补打 like a reprinted receipt.
    """
    if reprint:
        application = printing.commitment_for_reprint(core, application)
    paper = printing.receipt_paper(core, application)
    content = commitment_content(
        paper.application, paper.settings, paper.staff_name, reprint=reprint
    )
    return PrintJob(JobKind.COMMITMENT, layout_commitment(content))


def booking_slip(core: KioskCore, booking: Booking | str, *, reprint: bool = False) -> PrintJob:
    """The slip of a window booking or a home-visit request, masked (issue 13 item 4).

    ``reprint`` (补打凭条): the booking as stored now
    (:func:`kiosk.usecases.printing.booking_for_reprint`), the slip marked 补打.
    """
    if reprint or isinstance(booking, str):
        booking = printing.booking_for_reprint(core, booking)
    content = booking_slip_content(booking, core.settings, reprint=reprint)
    return PrintJob(JobKind.BOOKING_SLIP, layout_booking_slip(content))


def form(core: KioskCore, application: Application | str) -> PrintJob:
    """The A4 application form, in full, for the resident's signature."""
    paper = printing.application_paper(core, application)
    content = form_content(paper.application, paper.item, paper.settings)
    return PrintJob(JobKind.FORM, layout_form(content))


def result(core: KioskCore, application: Application | str) -> PrintJob:
    """办理结果通知 of a decided application, masked."""
    paper = printing.result_paper(core, application)
    content = result_content(paper.application, paper.item, paper.settings, paper.now)
    return PrintJob(JobKind.RESULT, layout_result_notice(content))


def daily_summary(core: KioskCore, day: dt.date | None = None, staff_name: str = "") -> PrintJob:
    """每日办件统计: counts per item and state, no personal data."""
    paper = printing.summary_paper(core, day, staff_name)
    content = DailySummaryContent(
        station_name=paper.settings.terminal.station_name,
        terminal_code=paper.settings.terminal.code,
        day=paper.summary.day,
        rows=tuple(SummaryRow(name, state.label, n) for name, state, n in paper.summary.rows()),
        printed_at=_local(paper.now),
        staff_name=paper.staff_name,
    )
    return PrintJob(JobKind.SUMMARY, layout_daily_summary(content))


def printer_test_page(settings: Settings, now: dt.datetime) -> PrintJob:
    """Every element once (sizes, QR, rare characters, cut). Needs no store: works before setup."""
    terminal = settings.terminal
    return PrintJob(
        JobKind.TEST_PAGE, layout_test_page(terminal.station_name, terminal.code, _local(now))
    )


def confirmed(core: KioskCore, job: PrintJob) -> None:
    """The printer confirmed ``job``: a receipt is marked printed (the next one says 补打).

    A failed job changes nothing: a resident who holds an earlier receipt still holds it.
    """
    if job.kind is JobKind.RECEIPT and job.application_id is not None:
        mark_receipt_printed(core, job.application_id)
