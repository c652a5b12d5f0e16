"""Validation of form answers against an item's schema.

One function per field type, each returning the normalised value or raising a
:class:`~kiosk.errors.ValidationError` with a Chinese message naming the field,
so the UI can show the message right next to the field that is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from kiosk.catalogue import FieldType, FormField, ServiceItem
from kiosk.errors import ValidationError
from kiosk.identity import normalize_id_number, normalize_mobile
from kiosk.text_rules import check_text


def validate_field(form_field: FormField, raw: str, today: dt.date | None = None) -> str:
    """The normalised answer to one question ('' for an unanswered optional one)."""
    value = raw.strip()
    label = form_field.label
    # Before any other rule: a control character must never reach a receipt (ESC/POS commands).
    check_text(value, f"“{label}”", form_field.key)
    if not value:
        if form_field.required and form_field.type is not FieldType.ATTACHMENT:
            raise ValidationError(f"请填写“{label}”。", field=form_field.key)
        return ""
    try:
        value = _by_type(form_field, value, today)
    except ValidationError as exc:
        raise ValidationError(f"“{label}”：{exc.message}", field=form_field.key) from None
    if form_field.max_length is not None and len(value) > form_field.max_length:
        raise ValidationError(
            f"“{label}”最多{form_field.max_length}个字，您填写了{len(value)}个字。",
            field=form_field.key,
        )
    return value


def _by_type(form_field: FormField, value: str, today: dt.date | None) -> str:
    kind = form_field.type
    if kind is FieldType.ID_NUMBER:
        return normalize_id_number(value, today)
    if kind is FieldType.PHONE:
        return normalize_mobile(value)
    if kind is FieldType.NUMBER:
        return _number(form_field, value)
    if kind is FieldType.DATE:
        return _date(value, today)
    if kind is FieldType.CHOICE:
        if value not in form_field.options:
            raise ValidationError("请从给出的选项中选择一项。")
        return value
    if kind is FieldType.ADDRESS and len(value) < 4:
        raise ValidationError("地址太短，请写到村（社区）和门牌号。")
    return value


def _number(form_field: FormField, value: str) -> str:
    if not re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise ValidationError("只能填写数字。")
    number = float(value)
    if form_field.min_value is not None and number < form_field.min_value:
        raise ValidationError(f"不能小于{_fmt(form_field.min_value)}。")
    if form_field.max_value is not None and number > form_field.max_value:
        raise ValidationError(f"不能大于{_fmt(form_field.max_value)}。")
    return value


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _date(value: str, today: dt.date | None) -> str:
    text = re.sub(r"[年月/.]", "-", value).rstrip("日")
    try:
        parts = [int(p) for p in text.split("-")]
        day = dt.date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        raise ValidationError("日期格式不对，请按“年-月-日”填写，例如 2026-05-01。") from None
    if day.year < 1900 or day > (today or dt.date.today()) + dt.timedelta(days=3650):
        raise ValidationError("日期不合理，请核对年份。")
    return day.isoformat()


def validate_form(
    item: ServiceItem, answers: Mapping[str, str], today: dt.date | None = None
) -> dict[str, str]:
    """All answers normalised; raises on the first wrong field (in form order) with its key.

    Unknown keys are rejected rather than dropped so a CSV column with a typo is
    reported instead of silently losing what the resident wrote.
    """
    known = {f.key for f in item.form}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError(f"表格中没有这一项：{'、'.join(unknown)}。")
    cleaned: dict[str, str] = {}
    for form_field in item.form:
        if form_field.type is FieldType.ATTACHMENT:
            continue
        value = validate_field(form_field, answers.get(form_field.key, ""), today)
        if value:
            cleaned[form_field.key] = value
    return cleaned
