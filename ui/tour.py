"""A scripted visit that brings the journey to any step with sample data.

Used by scripts/screenshots.py and the accessibility check, which must see
every screen filled the way a resident would see it. No Qt here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from kiosk.cardholder import CardHolder, CardType
from kiosk.feedback import RequestKind
from kiosk.journey import Journey, Purpose, Step
from kiosk.materials import MaterialChoice
from kiosk.usecases.elicence import (
    LicenceAnswer,
    LicenceDesk,
    LicenceQuery,
    LicenceUnavailableError,
)

SAMPLE_HOLDER = CardHolder(
    card_type=CardType.RESIDENT,
    name="李秀英",
    id_number="130608195804123029",
    gender="女",
    nation="汉",
    birth_date=dt.date(1958, 4, 12),
    address="河北省保定市清苑区东闾乡南王庄村一二三号",
)
SAMPLE_ITEM = "RS-YL-001"  # 城乡居民养老保险参保登记: no scan needed
BOOKING_ITEM = "CL-ZZ-001"  # 残疾人证申领: a photo of the person, booked instead (issue 13.4)
LICENCE_ITEM = "MZ-CJ-001"  # 残疾补贴: the 残疾人证 from the e-licence library (电子证照)
PROMISE_ITEM = "MZ-GL-001"  # 高龄津贴: its 户口簿 photo may be promised (容缺受理)
SAMPLE_PHONE = "13812345678"
SAMPLE_STAFF = "1001"  # staff number assisting in the consent step


class ThemedWindow(Protocol):
    """What :func:`keep_mode` needs of ``ui.window.KioskWindow`` (no Qt import here)."""

    default_theme: Any

    def apply_theme(self, theme: Any) -> None: ...


def keep_mode(window: ThemedWindow, theme: Any) -> None:
    """Show every following tour step in ``theme`` (e.g. 长辈模式).

    :func:`reach` starts each step from a fresh visit (``journey.home()``), and the
    window returns a visit's own 长辈模式/contrast choice to the terminal's default when
    a visit ends — rightly for residents, but it silently turned the tour's "large"
    pictures and checks back into normal ones. Making the mode the terminal's default
    keeps it across visits, as a terminal configured for large text would.
    """
    window.default_theme = theme
    window.apply_theme(theme)


def _card(journey: Journey, holder: CardHolder) -> None:
    journey.services.discard_draft(holder.id_number)
    journey.card_inserted(holder)


def _fill(journey: Journey) -> None:
    while journey.step is Step.FORM:
        field = journey.current_field()
        if field.key == "phone":
            journey.answer(SAMPLE_PHONE)
        elif field.options:
            journey.answer(field.options[0])
        else:
            journey.answer(journey.session.answers.get(field.key, ""))


def _book(journey: Journey, step: Step, holder: CardHolder) -> None:
    """Nothing finishes the item here: 预约 / 上门 (issue 13 item 4); BOOKED books a slot."""
    _card(journey, holder)
    journey.choose_item(BOOKING_ITEM)
    journey.book_instead()
    if step is Step.BOOKED:
        journey.book_window(journey.slot_list().offers[0].slot)


class _NoLibrary:
    """A kiosk with no platform: the consent screen shows, a lookup would say "offline"."""

    def lookup(self, query: LicenceQuery) -> LicenceAnswer:
        raise LicenceUnavailableError("no platform in the tour")


def _licence_consent(journey: Journey, holder: CardHolder) -> None:
    """同意调取本人电子证照: a paper the e-licence library can stand for, chosen, not yet fetched."""
    if journey.licences is None:  # the tour's kiosk has no platform: the screen still shows
        journey.licences = LicenceDesk(_NoLibrary(), lambda: dt.datetime.now(dt.UTC))
    _card(journey, holder)
    journey.choose_item(LICENCE_ITEM)
    journey.begin_form()
    for material in journey.needed_here():
        if MaterialChoice.E_LICENCE in journey.choices_for(material):
            journey.choose_material(material.name, MaterialChoice.E_LICENCE)
    journey.materials_done()


def reach(journey: Journey, step: Step, holder: CardHolder = SAMPLE_HOLDER) -> None:  # noqa: PLR0911, PLR0912
    """Wipe the session, then tap through to ``step`` (assisted only for the consent step)."""
    journey.set_assisting(SAMPLE_STAFF if step is Step.CONSENT else None)
    journey.home()
    if step is Step.HOME:
        return
    if step in (Step.IDENTIFY, Step.TYPE_ID, Step.TYPE_NAME):
        journey.start(Purpose.APPLY)
        if step is not Step.IDENTIFY:
            journey.choose_typing()
        if step is Step.TYPE_ID:
            journey.type_id_number("130608195804123028")  # shows the check-digit message
        if step is Step.TYPE_NAME:
            journey.type_id_number(holder.id_number)
        return
    if step is Step.DRAFT_OFFER:
        journey.services.save_draft(holder.id_number, SAMPLE_ITEM, {"phone": SAMPLE_PHONE})
        journey.card_inserted(holder)
        return
    if step in (Step.LOOKUP, Step.REQUEST, Step.REQUEST_DONE):
        journey.start(Purpose.RATE if step is Step.LOOKUP else Purpose.REQUEST)
        if step is Step.REQUEST_DONE:
            journey.file_request(RequestKind.HELP, "村口路灯坏了一个月，晚上出行不便。")
        return
    if step is Step.MY_APPLICATIONS:
        journey.start(Purpose.MY_APPLICATIONS)
        _card(journey, holder)
        return
    if step in (Step.MATERIALS, Step.PROMISE):  # no camera: a needed paper promised
        _card(journey, holder)
        journey.choose_item(PROMISE_ITEM)
        journey.begin_form()
        if step is Step.PROMISE:
            for material in journey.needed_here():
                journey.choose_material(material.name, MaterialChoice.PROMISE)
            journey.materials_done()
        return
    if step in (Step.BOOKING, Step.BOOKED):
        _book(journey, step, holder)
        return
    if step is Step.ELICENCE_CONSENT:
        _licence_consent(journey, holder)
        return
    _card(journey, holder)
    if step is Step.FIND_ITEM:
        return
    journey.choose_item(SAMPLE_ITEM)
    if step is Step.GUIDE:
        return
    journey.begin_form()
    if step is Step.FORM:
        journey.answer(holder.name)
        journey.answer(holder.id_number)
        return
    _fill(journey)
    if step is Step.REVIEW:
        return
    journey.submit()
    if step is Step.CONSENT:
        return
    if step is Step.SUBMITTED:
        return
    journey.to_rating()
    if step is Step.RATING:
        return
    journey.skip_rating()
    assert journey.step is step, (journey.step, step)
