"""Printed content from the core's domain objects: one mapping, used by the UI and the CLI.

Masking happens here, once: a slip may be lost or left on the counter, so paper
never carries a full ID number, name or phone where a masked one serves.
"""

from __future__ import annotations

import datetime as dt

from kiosk.application import Application
from kiosk.application import Channel as CoreChannel
from kiosk.catalogue import FieldType, ServiceItem
from kiosk.chinatime import CHINA_TZ
from kiosk.identity import mask_id_number, mask_name, mask_phone
from kiosk.settings import Settings
from printouts.content import (
    Channel,
    FormContent,
    FormField,
    Material,
    NoticeContent,
    ReceiptContent,
    ResultNoticeContent,
)


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
    assisted = application.channel is not CoreChannel.SELF_SERVICE
    return ReceiptContent(
        station_name=settings.terminal.station_name,
        terminal_code=settings.terminal.code,
        application_number=application.number,
        service_item=application.service_name,
        applicant_name_masked=mask_name(application.applicant.name) or "—",
        applicant_id_masked=mask_id_number(application.applicant.id_number) or "—",
        channel=Channel.ASSISTED if assisted else Channel.SELF,
        staff_name=staff_name if assisted else "",
        filed_at=_local(application.created_at),
        promised_by=application.promised_date,
        qr_payload=settings.platform.status_url + application.number,
        helpline=settings.terminal.helpline,
        reprint=application.receipt_printed if reprint is None else reprint,
        materials_to_bring=materials_to_bring(application, item),
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
        materials=tuple(Material(m.name, m.copies, m.original, m.note) for m in item.materials),
        time_limit_days=item.time_limit_days,
        fee=item.fee,
        where_to_go=item.where or settings.terminal.station_name,
        station_name=settings.terminal.station_name,
        helpline=settings.terminal.helpline,
        printed_at=_local(now),
    )


def form_content(
    application: Application, item: ServiceItem | None, settings: Settings
) -> FormContent:
    """The form's answers for signature; ID numbers and phones masked, attachments by name."""
    applicant = application.applicant
    fields = [
        FormField("申请人", mask_name(applicant.name)),
        FormField("公民身份号码", mask_id_number(applicant.id_number)),
    ]
    if applicant.phone:
        fields.append(FormField("联系电话", mask_phone(applicant.phone)))
    for key, raw in application.form.items():
        label, kind = key, None
        if item is not None:
            try:
                spec = item.field(key)
            except KeyError:
                spec = None
            if spec is not None:
                label, kind = spec.label, spec.type
        if kind is FieldType.ATTACHMENT:
            continue
        value = raw
        if kind is FieldType.ID_NUMBER:
            value = mask_id_number(raw)
        elif kind is FieldType.PHONE:
            value = mask_phone(raw)
        fields.append(FormField(label, value))
    return FormContent(
        title=f"{application.service_name}申请表",
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
