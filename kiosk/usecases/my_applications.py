""" "How is my application?" — answered from the local store, even offline."""

from __future__ import annotations

from kiosk.application import Application
from kiosk.core import KioskCore
from kiosk.deadlines import date_lines
from kiosk.errors import ValidationError
from kiosk.identity import normalize_id_number
from kiosk.ids import normalize_application_number


def applications_of_card_holder(core: KioskCore, id_number: str) -> list[Application]:
    return core.store.applications_of(normalize_id_number(id_number))


def application_by_number(core: KioskCore, typed: str) -> Application:
    """By the number on the receipt (typed on the number pad, or scanned from its QR code)."""
    try:
        number = normalize_application_number(typed.rsplit("/", 1)[-1])
    except ValueError:
        raise ValidationError("办件编号不正确，请核对回执上的编号。", field="number") from None
    application = core.store.application(number)
    if application is None:
        raise ValidationError("本机没有这个办件编号的记录。", field="number")
    return application


def dates_of(application: Application) -> list[tuple[str, str]]:
    """What 我的办件 shows of an application's dates: 提交时间, then 受理日 and 办结期限 once the
    platform reported them, else the kiosk's 预计办结 (one rule, :mod:`kiosk.deadlines`)."""
    return date_lines(application)
