"""Printed content from the core's domain objects: one mapping, used by the UI and the CLI.

Masking happens here, once, with the core's rule (``kiosk.identity``): a slip
may be lost or left on the counter, so the receipt and the result notice never
carry a full ID number or name. The application form is the one paper that
carries them in full, once (see ``printouts.content`` and docs/printouts.md).
"""

from __future__ import annotations

import datetime as dt

from kiosk.application import Application, Channel
from kiosk.booking import Booking, BookingKind, bring_lines
from kiosk.catalogue import FieldType, ServiceItem
from kiosk.chinatime import CHINA_TZ
from kiosk.deadlines import DeadlineKind, deadline_of
from kiosk.identity import mask_address, mask_id_number, mask_name, mask_phone
from kiosk.materials import MaterialStatus
from kiosk.settings import Settings
from printouts.content import (
    BookingSlipContent,
    ChannelLabel,
    CommitmentContent,
    FormContent,
    FormRow,
    NoticeContent,
    NoticeMaterial,
    ReceiptContent,
    ResultNoticeContent,
)
from printouts.layouts.form import form_title


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(CHINA_TZ).replace(tzinfo=None)


def receipt_content(
    application: Application,
    settings: Settings,
    staff_name: str = "",
    item: ServiceItem | None = None,
    *,
    reprint: bool | None = None,
) -> ReceiptContent:
    """An application's receipt, masked for paper (a slip may be lost or left behind).

    ``reprint`` defaults to whether a receipt was printed before (then it says 补打).
    """
    assisted = application.channel is not Channel.SELF_SERVICE
    deadline = deadline_of(application)
    return ReceiptContent(
        station_name=settings.terminal.station_name,
        terminal_code=settings.terminal.code,
        application_number=application.number,
        service_item=application.service_name,
        applicant_name_masked=mask_name(application.applicant.name) or "—",
        applicant_id_masked=mask_id_number(application.applicant.id_number) or "—",
        channel=ChannelLabel.ASSISTED if assisted else ChannelLabel.SELF,
        staff_name=staff_name if assisted else "",
        filed_at=_local(application.created_at),
        promised_by=deadline.date if deadline.kind is DeadlineKind.ESTIMATE else None,
        accepted_on=deadline.accepted_on,
        due_on=deadline.date if deadline.accepted_on is not None else None,
        due_note=deadline.text if deadline.date is None else "",
        qr_payload=settings.platform.status_url + application.number,
        helpline=settings.terminal.helpline,
        reprint=application.receipt_printed if reprint is None else reprint,
        materials_to_bring=materials_to_bring(application, item),
        material_states=material_state_lines(application),
    )


def material_state_lines(application: Application) -> tuple[str, ...]:
    """Every material with its state, when something did not come on paper (issue 13)."""
    if all(m.status is MaterialStatus.TO_BRING for m in application.materials):
        return ()
    return tuple(m.line() for m in application.materials)


def commitment_content(
    application: Application, settings: Settings, staff_name: str = "", *, reprint: bool = False
) -> CommitmentContent:
    """The 告知承诺书 slip of an application filed with promised materials, masked
    (``reprint``: marked 补打, as the receipt is)."""
    if application.commitment is None:
        raise ValueError("this application carries no commitment")
    promised = tuple(m.line() for m in application.materials if m.status is MaterialStatus.PROMISED)
    return CommitmentContent(
        station_name=settings.terminal.station_name,
        application_number=application.number,
        service_item=application.service_name,
        applicant_name_masked=mask_name(application.applicant.name) or "—",
        applicant_id_masked=mask_id_number(application.applicant.id_number) or "—",
        text=application.commitment.text,
        promised=promised,
        material_states=tuple(m.line() for m in application.materials),
        confirmed_at=_local(application.commitment.confirmed_at),
        helpline=settings.terminal.helpline,
        staff_name=staff_name if application.channel is not Channel.SELF_SERVICE else "",
        reprint=reprint,
    )


def materials_to_bring(application: Application, item: ServiceItem | None) -> tuple[str, ...]:
    """What the resident still has to show in person.

    Originals always have to be checked by the department; with no scans
    attached, every listed material has to be brought.
    """
    if item is None:
        return ()
    scanned = bool(application.attachments)
    return tuple(
        f"{m.name}{'（原件）' if m.original else ''}"
        for m in item.materials
        if m.original or not scanned
    )


def notice_content(item: ServiceItem, settings: Settings, now: dt.datetime) -> NoticeContent:
    return NoticeContent(
        item_name=item.name,
        item_code=item.code,
        department=item.department,
        conditions=item.conditions,
        materials=tuple(
            NoticeMaterial(m.name, m.copies, m.original, m.note) for m in item.materials
        ),
        time_limit_days=item.time_limit_days,
        fee=item.fee,
        where_to_go=item.where or settings.terminal.station_name,
        station_name=settings.terminal.station_name,
        helpline=settings.terminal.helpline,
        printed_at=_local(now),
    )


#: Applicant details a form field may stand for (its ``prefill``, or its key when the catalogue
#: forgot to say ``prefill``, the same rule as ``kiosk.usecases.submit``), and their row
#: labels when the form asks for none of them.
_APPLICANT_DETAILS = {"name": "申请人", "id_number": "公民身份号码", "phone": "联系电话"}


def form_content(
    application: Application, item: ServiceItem | None, settings: Settings
) -> FormContent:
    """The application as the department receives it, for the resident's signature.

    Every answer once, in the order of the item's form (not the store's order),
    in full: this paper is the application itself, handed over with the
    resident's consent (the paper policy in docs/printouts.md); the slips the
    resident takes home are the masked ones. Attachments are left out (they
    travel as files). Applicant details the form does not ask for (name, ID
    number, phone) come first; answers to fields the item no longer has (an
    older version of it) come last, under their keys, so nothing filed is lost.
    """
    applicant = application.applicant
    answers = dict(application.form)
    specs = item.form if item is not None else ()
    covered = {spec.prefill or spec.key for spec in specs} | {spec.key for spec in specs}
    details = {"name": applicant.name, "id_number": applicant.id_number, "phone": applicant.phone}
    fields = [
        FormRow(label, details[key])
        for key, label in _APPLICANT_DETAILS.items()
        if key not in covered and details[key]
    ]
    for spec in specs:
        raw = answers.pop(spec.key, "")
        if spec.type is FieldType.ATTACHMENT:
            continue
        source = spec.prefill or spec.key
        if not raw and source in details:
            raw = details[source]
        fields.append(FormRow(spec.label, raw))
    for key, raw in answers.items():
        if key in _APPLICANT_DETAILS and raw == details[key]:
            continue  # already printed above as the applicant's detail
        fields.append(FormRow(key, raw))
    return FormContent(
        title=form_title(application.service_name),
        application_number=application.number,
        station_name=settings.terminal.station_name,
        fields=tuple(fields),
        filed_at=_local(application.created_at),
    )


def result_content(
    application: Application, item: ServiceItem | None, settings: Settings, now: dt.datetime
) -> ResultNoticeContent:
    """The platform's decision on an application, masked for paper."""
    decided = application.status_as_of or now
    return ResultNoticeContent(
        application_number=application.number,
        service_item=application.service_name,
        applicant_name_masked=mask_name(application.applicant.name) or "—",
        applicant_id_masked=mask_id_number(application.applicant.id_number) or "—",
        result=application.state.label,
        decided_at=_local(decided),
        department=item.department if item else "",
        details=tuple(p for p in application.result_notice.splitlines() if p.strip()),
        qr_payload=settings.platform.status_url + application.number,
        helpline=settings.terminal.helpline,
        station_name=settings.terminal.station_name,
    )


def booking_slip_content(
    booking: Booking, settings: Settings, *, reprint: bool = False
) -> BookingSlipContent:
    """The slip of a window booking or a home-visit request, masked (issue 13 item 4;
    ``reprint``: marked 补打, as the receipt is)."""
    window = booking.kind is BookingKind.WINDOW
    return BookingSlipContent(
        station_name=settings.terminal.station_name,
        title="预约窗口办理凭条" if window else "上门服务申请凭条",
        number=booking.number,
        service_item=booking.service_name,
        applicant_name_masked=mask_name(booking.name) or "—",
        applicant_id_masked=mask_id_number(booking.id_number) or "—",
        centre=booking.centre,
        slot_line=booking.slot_line(),
        status=booking.status.label,
        to_bring=bring_lines(booking.materials),
        phone_masked=mask_phone(booking.phone) if booking.phone else "",
        address_masked=mask_address(booking.address) if booking.address and not window else "",
        created_at=_local(booking.created_at),
        helpline=settings.terminal.helpline,
        reprint=reprint,
    )
