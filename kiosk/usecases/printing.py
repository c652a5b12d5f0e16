"""What a printed document needs from the terminal: one set of look-ups for every front end.

The touch UI, the staff console and ``kiosk print`` used to gather these each
on their own, and their papers disagreed (an assisted receipt printed from the
touch screen lacked 代办人; a reprint after a catalogue update listed the newest
version's materials). Now ``printouts.jobs`` asks these functions and nothing
else: the item *as filed* (``store.item(code, version)``), the staff member's
name for 代办人, the settings printed on paper and the time of printing.

The core stays free of printouts: these return core objects; the mapping to
paper content lives in ``printouts.from_domain``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.application import Application, Channel
from kiosk.booking import Booking
from kiosk.catalogue import ServiceItem
from kiosk.chinatime import china_date
from kiosk.core import KioskCore
from kiosk.errors import KioskError, ValidationError
from kiosk.settings import Settings
from kiosk.store import booking_queries
from kiosk.usecases import staff_auth
from kiosk.usecases.my_applications import application_by_number
from kiosk.usecases.queue_care import DailySummary, daily_summary


@dataclass(frozen=True, slots=True)
class ApplicationPaper:
    """An application with everything its papers print besides it."""

    application: Application
    #: The catalogue version the application was filed under (None if that version is gone).
    item: ServiceItem | None
    #: 代办人: the assisting staff member's name ("" when the resident filed alone).
    staff_name: str
    settings: Settings
    now: dt.datetime


@dataclass(frozen=True, slots=True)
class ItemPaper:
    """A service item (its current version: a notice tells what to bring *now*)."""

    item: ServiceItem
    settings: Settings
    now: dt.datetime


@dataclass(frozen=True, slots=True)
class SummaryPaper:
    summary: DailySummary
    staff_name: str
    settings: Settings
    now: dt.datetime


def _find(core: KioskCore, application: Application | str) -> Application:
    """The stored row (fresh: a receipt flag or a status may have changed since it was read).

    A string is an id, a number or a provisional alias; a typed number is
    normalised (dashes, spaces, a scanned QR link) as the number pad does.
    """
    key = application.id if isinstance(application, Application) else application.strip()
    found = core.store.application(key)
    if found is not None:
        return found
    if isinstance(application, Application):
        return application
    return application_by_number(core, key)


def staff_name_of(core: KioskCore, application: Application) -> str:
    """The name printed after 代办人 (the staff number when the member was since removed)."""
    if application.channel is Channel.SELF_SERVICE or not application.staff_id:
        return ""
    member = staff_auth.get_staff(core, application.staff_id)
    return member.name if member is not None else application.staff_id


def filed_item(core: KioskCore, application: Application) -> ServiceItem | None:
    """The item as it was when the application was filed, not its newest version."""
    return core.store.item(application.service_code, application.service_version)


def application_paper(core: KioskCore, application: Application | str) -> ApplicationPaper:
    """Look-ups for an application's receipt, form or result notice."""
    found = _find(core, application)
    return ApplicationPaper(
        found, filed_item(core, found), staff_name_of(core, found), core.settings, core.clock()
    )


def receipt_paper(core: KioskCore, application: Application | str) -> ApplicationPaper:
    """As :func:`application_paper`; refuses a row whose personal data was purged."""
    paper = application_paper(core, application)
    if paper.application.purged:
        raise KioskError("这件申请的个人信息已按规定清除，无法补打回执，可打印办件进度。")
    return paper


def result_paper(core: KioskCore, application: Application | str) -> ApplicationPaper:
    """As :func:`application_paper`; refuses an application the department has not decided."""
    paper = application_paper(core, application)
    if not paper.application.state.is_final:
        raise ValidationError("该办件尚未办结，暂无结果通知。", field="number")
    return paper


def has_commitment(core: KioskCore, application: Application | str) -> bool:
    """The application was filed with a 告知承诺书 (something promised), so it can be reprinted."""
    return _find(core, application).commitment is not None


def commitment_for_reprint(core: KioskCore, application: Application | str) -> Application:
    """The application whose 告知承诺书 is printed again (``printouts.jobs.commitment``).

    Refused, in words staff and residents understand, for an application filed without a
    commitment (nothing was promised) and, like a receipt, for one whose personal data was
    purged: the slip would name nobody.
    """
    found = receipt_paper(core, application).application
    if found.commitment is None:
        raise ValidationError("这件申请没有承诺后补的材料，没有告知承诺书。", field="number")
    return found


def booking_for_reprint(core: KioskCore, booking: Booking | str) -> Booking:
    """The booking as stored now (by id or slip number), for its slip again
    (``printouts.jobs.booking_slip``): a slot the platform confirmed since the list was
    read prints 已确认, not the 待确认 of the first slip."""
    key = booking.id if isinstance(booking, Booking) else booking.strip()
    found = booking_queries.booking_by_id(core.store, key) or booking_queries.booking_by_number(
        core.store, key
    )
    if found is None:
        raise ValidationError("没有找到这份预约。", field="number")
    return found


def item_paper(core: KioskCore, item: ServiceItem | str) -> ItemPaper:
    """Look-ups for an item's one-time notice (by the item shown, or by its code)."""
    if isinstance(item, str):
        found = core.store.item(item.strip())
        if found is None:
            raise ValidationError(f"没有编码为 {item} 的事项。", field="code")
        item = found
    return ItemPaper(item, core.settings, core.clock())


def summary_paper(
    core: KioskCore, day: dt.date | None = None, staff_name: str = ""
) -> SummaryPaper:
    """The counts of ``day`` (China time; default today) for the daily summary."""
    now = core.clock()
    return SummaryPaper(daily_summary(core, day or china_date(now)), staff_name, core.settings, now)
