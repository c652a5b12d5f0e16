"""Filing an application: validate, mint its identity, queue it durably."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kiosk.application import Applicant, Application, Channel, LicenceRef
from kiosk.catalogue import FieldType, Route, ServiceItem
from kiosk.chinatime import china_date
from kiosk.core import KioskCore
from kiosk.errors import KioskError, ValidationError
from kiosk.forms import validate_form
from kiosk.identity import normalize_id_number, normalize_mobile, normalize_name
from kiosk.ids import uuid7
from kiosk.materials import (
    Commitment,
    MaterialChoice,
    choices_offered,
    commitment_text,
    material_states,
    promise_due,
)
from kiosk.store import CatalogueChangedError, NewApplication, NewAttachment
from kiosk.text_rules import check_text

_APPLICANT_PREFILL = ("name", "id_number", "phone", "address")

_FILING_ATTEMPTS = 3
"""Validations against a catalogue that changed under the submission before giving up.

The item is kept per process (``Store.item_for_filing``) and checked when the number is
minted; a new version saved in between costs one more validation. Three changes within
one submission's milliseconds would be a catalogue being rewritten in a loop."""


def check_applicant(applicant: Applicant) -> Applicant:
    """The applicant with normalised ID number and phone, or a Chinese explanation."""
    # Whatever the channel (screen, card, staff, CSV), no control character reaches a receipt.
    check_text(applicant.name.strip(), "姓名", "name")
    check_text(applicant.id_number.strip(), "身份证号码", "id_number")
    check_text(applicant.phone.strip(), "联系电话", "phone")
    check_text(applicant.address.strip(), "住址", "address")
    # The name rule depends on the card: Latin names for a foreigner's permanent residence card.
    name = normalize_name(applicant.name, "".join(applicant.id_number.split()).upper())
    try:
        id_number = normalize_id_number(applicant.id_number)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="id_number") from None
    phone = applicant.phone.strip()
    if phone:
        try:
            phone = normalize_mobile(phone)
        except ValidationError as exc:
            raise ValidationError(exc.message, field="phone") from None
    return Applicant(name=name, id_number=id_number, phone=phone, address=applicant.address.strip())


def prefilled_answers(
    item: ServiceItem, applicant: Applicant, answers: Mapping[str, str]
) -> dict[str, str]:
    """Fill the fields that take their value from the applicant, unless the person typed one."""
    merged = dict(answers)
    values = {
        "name": applicant.name,
        "id_number": applicant.id_number,
        "phone": applicant.phone,
        "address": applicant.address,
    }
    for form_field in item.form:
        # A field named like an applicant detail (e.g. ``phone``) is that detail even when the
        # catalogue forgot to say ``prefill``: staff must never type a phone number twice.
        source = form_field.prefill or (
            form_field.key if form_field.key in _APPLICANT_PREFILL else None
        )
        if source in _APPLICANT_PREFILL and not merged.get(form_field.key, "").strip():
            value = values[source]
            if value:
                merged[form_field.key] = value
    return merged


def submit_application(
    core: KioskCore,
    item_code: str,
    applicant: Applicant,
    answers: Mapping[str, str],
    attachments: Sequence[NewAttachment] = (),
    *,
    channel: Channel = Channel.SELF_SERVICE,
    staff_id: str | None = None,
    consent: bool = False,
    supersedes: str | None = None,
    material_choices: Mapping[str, MaterialChoice] | None = None,
    commitment: str | None = None,
    licences: Sequence[LicenceRef] = (),
    application_id: str | None = None,
) -> Application:
    """Validate and queue one application. When this returns, it is on disk and will be sent.

    A required photo may be missing when every material it stands for was chosen another
    way (``material_choices``: promised where the catalogue allows it, seen by the assisting
    staff member); a promise needs the 告知承诺书 the resident confirmed (``commitment``,
    the text shown), which must be the text the core writes for these materials today.
    A material chosen as an e-licence (免提交) needs a fetched licence of its type in
    ``licences``; ``application_id`` is the id minted before filing that the lookup named
    as its business reference (kiosk.usecases.elicence), so the two stay linked.
    """
    check_text(item_code, "事项编号", "service_code")
    if staff_id is not None:
        check_text(staff_id, "工作人员编号", "staff_id")
    for _attempt in range(_FILING_ATTEMPTS):
        try:
            return _file(
                core,
                item_code,
                applicant,
                answers,
                attachments,
                channel=channel,
                staff_id=staff_id,
                consent=consent,
                supersedes=supersedes,
                material_choices=material_choices,
                commitment=commitment,
                licences=licences,
                application_id=application_id,
            )
        except CatalogueChangedError:
            continue  # validate again against the item as it is now stored
    raise KioskError("事项信息正在更新，请稍后再提交。")


def _file(
    core: KioskCore,
    item_code: str,
    applicant: Applicant,
    answers: Mapping[str, str],
    attachments: Sequence[NewAttachment],
    *,
    channel: Channel,
    staff_id: str | None,
    consent: bool,
    supersedes: str | None,
    material_choices: Mapping[str, MaterialChoice] | None,
    commitment: str | None,
    licences: Sequence[LicenceRef],
    application_id: str | None,
) -> Application:
    """One validation and filing against the newest stored item (see ``submit_application``)."""
    filing = core.store.item_for_filing(item_code)
    if filing is None:
        raise ValidationError(f"没有编号为 {item_code} 的事项。", field="service_code")
    item = filing.item
    if not item.accepts_new and supersedes is None:
        raise ValidationError(
            f"“{item.name}”已停止受理新的申请，请咨询工作人员。", field="service_code"
        )
    if channel is not Channel.SELF_SERVICE and not staff_id:
        raise ValidationError("代办申请必须记录代办工作人员。", field="staff_id")
    if channel is Channel.ASSISTED and not consent:
        raise ValidationError("代办申请需要申请人本人确认同意。", field="consent")
    choices = dict(material_choices or {})
    _check_choices(
        item,
        choices,
        assisted=channel is Channel.ASSISTED,
        fetched={lic.licence_type for lic in licences},
    )
    applicant = check_applicant(applicant)
    answers = prefilled_answers(item, applicant, answers)
    today = core.clock().date()
    form = validate_form(item, answers, today)
    provided = {a.field_key for a in attachments}
    # Paper forms come with their papers: staff keep the originals, nothing is scanned here.
    needs_files = channel is not Channel.PAPER
    for form_field in item.form:
        if (
            needs_files
            and form_field.type is FieldType.ATTACHMENT
            and form_field.required
            and form_field.key not in provided
            and not _chosen_otherwise(item, form_field.key, choices)
        ):
            raise ValidationError(f"请上传“{form_field.label}”。", field=form_field.key)
    now = core.clock()
    filed_on = china_date(now)  # the day the journey wrote the commitment for (China time)
    due = {
        m.name: promise_due(core.calendar, item, m, filed_on)
        for m in item.materials
        if choices.get(m.name) is MaterialChoice.PROMISE
    }
    confirmed: Commitment | None = None
    if due:
        expected = commitment_text(item, list(due.items()))
        if commitment is None:
            raise ValidationError("请先阅读并确认告知承诺书。", field="commitment")
        if commitment != expected:
            raise ValidationError("告知承诺书已更新，请重新阅读并确认。", field="commitment")
        confirmed = Commitment(commitment, now, staff_id if channel is Channel.ASSISTED else None)
    states = (
        material_states(
            item,
            photographed=provided,
            choices=choices,
            due=due,
            staff_id=staff_id,
        )
        if needs_files  # paper forms: the papers are with staff, states unknown here
        else ()
    )
    return core.store.submit(
        NewApplication(
            item=item,
            applicant=applicant,
            form=form,
            channel=channel,
            staff_id=staff_id,
            consent=consent,
            supersedes=supersedes,
            materials=states,
            commitment=confirmed,
            licences=tuple(licences),
            application_id=application_id,
            item_body=filing.body,  # checked in the transaction: still the newest version
        ),
        attachments,
        id_factory=lambda: str(uuid7(int(now.timestamp() * 1000))),
        promised=lambda day: core.calendar.estimated_completion(day, item.time_limit_days),
        now=now,
        # The store mints the number in its transaction: under the enrolled code, or this
        # installation's provisional 0XXXXX code before enrolment (kiosk/store/numbering.py).
        terminal_code=core.settings.terminal.code,
    )


def _check_choices(
    item: ServiceItem,
    choices: Mapping[str, MaterialChoice],
    *,
    assisted: bool,
    fetched: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Each choice names a material of the item and is one the catalogue (and channel) allows."""
    for name, choice in choices.items():
        try:
            material = item.material(name)
        except KeyError:
            raise ValidationError(
                f"“{item.name}”没有“{name}”这项材料。", field="materials"
            ) from None
        if choice is MaterialChoice.E_LICENCE:
            if material.allows(Route.E_LICENCE) and material.licence_type in fetched:
                continue
            raise ValidationError(
                f"《{name}》的电子证照还没有调取到，请选择其他方式。", field="materials"
            )
        if choice not in choices_offered(material, assisted=assisted):
            raise ValidationError(f"“{name}”不能这样提交，请选择其他方式。", field="materials")


def _chosen_otherwise(
    item: ServiceItem, field_key: str, choices: Mapping[str, MaterialChoice]
) -> bool:
    """A required photo's materials all came another way (a photo no material names: never)."""
    linked = [m for m in item.materials if m.field == field_key]
    return bool(linked) and all(m.name in choices for m in linked)
