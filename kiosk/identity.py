"""Identity rules: resident ID numbers, unified social credit codes, phone numbers, masking.

Every rejection is a :class:`~kiosk.errors.ValidationError` whose message tells a
resident in plain Chinese what is wrong, because an elderly person typing an
18-digit number needs to know *which* part to check, not just "invalid".

References:
- GB 11643-1999 公民身份号码 (structure, check digit by ISO 7064:1983 MOD 11-2)
- GB 32100-2015 法人和其他组织统一社会信用代码编码规则 (check character, MOD 31)
"""

from __future__ import annotations

import datetime as dt
import re

from kiosk.errors import ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First two digits of valid province-level codes (GB/T 2260), plus 71/81/82/83 used by
# Taiwan, Hong Kong, Macao residence permits, and 91 used by foreigners' permanent cards (2023).
_PROVINCES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
        91,
    }
)


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def convert_15_to_18(number: str) -> str:
    """Old 15-digit numbers (pre-1999) become 18 digits: insert 19 before the year, add the check digit."""
    if not re.fullmatch(r"\d{15}", number):
        raise ValidationError("15位身份证号码只能由数字组成。")
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_digit(first17)


def normalize_id_number(raw: str, today: dt.date | None = None) -> str:
    """A valid 18-character ID number from what a person typed, or a Chinese explanation why not.

    Accepts a lowercase ``x``, spaces and 15-digit numbers (converted to 18).
    """
    number = re.sub(r"\s+", "", raw).upper()
    if not number:
        raise ValidationError("请填写身份证号码。")
    if len(number) == 15:
        number = convert_15_to_18(number)
    if len(number) != 18:
        raise ValidationError(f"身份证号码应为18位，您填写了{len(number)}位，请核对。")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError("身份证号码前17位只能是数字，最后一位是数字或字母X。")
    if int(number[:2]) not in _PROVINCES:
        raise ValidationError("身份证号码前两位（省份代码）不正确，请核对。")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期（第7到14位）不是有效日期，请核对。") from None
    reference = today or dt.date.today()
    if birth > reference or birth.year < 1880:
        raise ValidationError("身份证号码中的出生日期不合理，请核对。")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号码最后一位（校验码）不对，可能有数字输错了，请逐位核对。")
    return number


def birth_date_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender_of(id_number: str) -> str:
    """男 or 女, from the parity of the 17th digit (GB 11643: odd for men)."""
    return "男" if int(id_number[16]) % 2 else "女"


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_credit_code(raw: str) -> str:
    """A valid 18-character unified social credit code (统一社会信用代码), GB 32100-2015."""
    code = re.sub(r"\s+", "", raw).upper()
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，您填写了{len(code)}位。")
    if any(char not in _USCC_CHARS for char in code):
        raise ValidationError("统一社会信用代码含有不允许的字符（不使用字母I、O、Z、S、V）。")
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    expected = _USCC_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        raise ValidationError("统一社会信用代码最后一位（校验码）不对，请逐位核对。")
    return code


def normalize_mobile(raw: str) -> str:
    """An 11-digit mainland mobile number (1[3-9]x), tolerating +86, spaces and dashes."""
    digits = re.sub(r"[\s\-]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit():
        raise ValidationError("手机号码只能填写数字。")
    if len(digits) != 11:
        raise ValidationError(f"手机号码应为11位，您填写了{len(digits)}位。")
    if not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise ValidationError("手机号码应以13到19开头，请核对。")
    return digits


def mask_id_number(number: str) -> str:
    """``110101********1234``: region and last four, enough for a person to recognise their own."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """Keep the surname (first character) and, for names of three or more, the last: 张*, 王*明, 买买提·**."""
    if not name:
        return ""
    if "·" in name:  # minority and foreign names: keep the first part's first character
        return name[0] + "*" * (len(name) - 1)
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(number: str) -> str:
    """``138****5678``."""
    if len(number) != 11:
        return "*" * len(number)
    return number[:3] + "****" + number[-4:]


def mask_address(address: str, keep: int = 6) -> str:
    """Keep the first characters (province/county/township) and hide the house details."""
    if len(address) <= keep:
        return address
    return address[:keep] + "****"
