"""Input data of every printout, decoupled from the core's domain objects.

``printouts.from_domain`` maps the core's applications, service items and
results onto these frozen data classes; layouts take nothing else.

Paper has one masking policy (docs/printouts.md), with one masking rule, the
core's (``kiosk.identity.mask_name`` etc.; there is no second one here):

* what the resident takes home or may leave on the counter (receipt, result
  notice) carries personal data masked. Those constructors refuse a full ID
  number, so no layout can print one by mistake;
* the application form (``FormContent``) is the application itself, signed by
  the resident and handed to the department with their consent: it carries
  every answer once, in full, and never a masked duplicate. A clerk cannot
  accept a form whose ID number is starred out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

_FULL_ID = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")


def _refuse_full_id(value: str, what: str) -> None:
    if _FULL_ID.search(value):
        raise ValueError(
            f"{what} looks like a full ID number; pass it through kiosk.identity.mask_id_number()"
        )


class ChannelLabel(StrEnum):
    """How the application was filed: by the resident or by staff on their behalf."""

    SELF = "自助"
    ASSISTED = "代办"


@dataclass(frozen=True, slots=True)
class ReceiptContent:
    """受理回执: proof that an application exists, often the only paper a resident takes home."""

    station_name: str
    terminal_code: str
    application_number: str
    service_item: str
    applicant_name_masked: str
    applicant_id_masked: str
    channel: ChannelLabel
    filed_at: datetime
    promised_by: date | None
    qr_payload: str
    helpline: str
    staff_name: str = ""
    materials_to_bring: tuple[str, ...] = ()
    reprint: bool = False
    # The department's dates (kiosk.deadlines): with ``accepted_on`` set the receipt prints
    # 受理日 and 办结期限 (``due_on``, or ``due_note`` while a 补正 stops the clock) instead
    # of the kiosk's estimate ``promised_by`` (预计办结).
    accepted_on: date | None = None
    due_on: date | None = None
    due_note: str = ""
    # Every material with its state (已提交 / 免提交 / 承诺后补 with its date / 请携带), when the
    # application records them and something arrived another way than on paper (issue 13);
    # it then replaces ``materials_to_bring``.
    material_states: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _refuse_full_id(self.applicant_id_masked, "applicant_id_masked")
        _refuse_full_id(self.applicant_name_masked, "applicant_name_masked")


@dataclass(frozen=True, slots=True)
class CommitmentContent:
    """告知承诺书 (容缺受理): what the resident promised to bring by when, and what a false
    promise costs, as confirmed on screen; the resident keeps it. Masked like the receipt."""

    station_name: str
    application_number: str
    service_item: str
    applicant_name_masked: str
    applicant_id_masked: str
    text: str
    promised: tuple[str, ...]  # 居民户口簿：承诺后补，2026年12月17日前
    material_states: tuple[str, ...]
    confirmed_at: datetime
    helpline: str
    staff_name: str = ""  # 代办人, when staff assisted
    reprint: bool = False  # printed again: 补打, as on the receipt

    def __post_init__(self) -> None:
        _refuse_full_id(self.applicant_id_masked, "applicant_id_masked")
        _refuse_full_id(self.applicant_name_masked, "applicant_name_masked")
        _refuse_full_id(self.text, "text")


@dataclass(frozen=True, slots=True)
class NoticeMaterial:
    """One required material of a service item, as the one-time notice lists it."""

    name: str
    copies: int = 1
    original: bool = False
    notes: str = ""


@dataclass(frozen=True, slots=True)
class NoticeContent:
    """一次性告知单: everything a resident must bring, given once so they need not come back."""

    item_name: str
    item_code: str
    department: str
    conditions: tuple[str, ...]
    materials: tuple[NoticeMaterial, ...]
    time_limit_days: int | None
    fee: str
    where_to_go: str
    station_name: str
    helpline: str
    printed_at: datetime


@dataclass(frozen=True, slots=True)
class FormRow:
    """One label/value pair of an application form."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class FormContent:
    """The application form with the entered data, for the resident's signature.

    Unlike the slips it carries personal data in full (see the module's
    docstring): it goes to the department, not home. ``fields`` are every
    answer once, in the order of the service item's form.
    """

    title: str
    application_number: str
    station_name: str
    fields: tuple[FormRow, ...]
    filed_at: datetime
    signature_labels: tuple[str, ...] = ("申请人签名", "代办人签名")
    declaration: str = "本人承诺以上所填信息及所提交材料真实有效，如有虚假，愿承担相应法律责任。"


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """Count of applications of one service item in one state."""

    service_item: str
    state: str
    count: int


@dataclass(frozen=True, slots=True)
class DailySummaryContent:
    """Daily summary for staff: counts per service item and state; no personal data at all."""

    station_name: str
    terminal_code: str
    day: date
    rows: tuple[SummaryRow, ...]
    printed_at: datetime
    staff_name: str = ""


@dataclass(frozen=True, slots=True)
class ResultNoticeContent:
    """Result of an application as sent down by the platform (办结通知)."""

    application_number: str
    service_item: str
    applicant_name_masked: str
    applicant_id_masked: str
    result: str
    decided_at: datetime
    department: str
    details: tuple[str, ...] = ()
    qr_payload: str = ""
    helpline: str = ""
    station_name: str = ""
    extra: tuple[FormRow, ...] = field(default=())

    def __post_init__(self) -> None:
        _refuse_full_id(self.applicant_id_masked, "applicant_id_masked")
        _refuse_full_id(self.applicant_name_masked, "applicant_name_masked")


@dataclass(frozen=True, slots=True)
class BookingSlipContent:
    """预约 / 上门服务 slip (issue 13 item 4): what was booked, when (or 待确认), what to bring,
    and the number to look it up by. Masked like the receipt; a home visit's address is masked."""

    station_name: str
    title: str  # 预约窗口办理凭条 / 上门服务申请凭条
    number: str
    service_item: str
    applicant_name_masked: str
    applicant_id_masked: str
    centre: str
    slot_line: str  # 2026年12月7日（星期一）上午 9:00—11:30（待确认）
    status: str  # 待确认 / 已确认 / 已申请…
    to_bring: tuple[str, ...]
    phone_masked: str
    address_masked: str
    created_at: datetime
    helpline: str
    reprint: bool = False  # printed again: 补打, as on the receipt

    def __post_init__(self) -> None:
        _refuse_full_id(self.applicant_id_masked, "applicant_id_masked")
        _refuse_full_id(self.applicant_name_masked, "applicant_name_masked")
