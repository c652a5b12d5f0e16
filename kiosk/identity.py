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
# The 31 province-level codes of the mainland (GB/T 2260, first two digits).
MAINLAND_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65}
)
# A resident ID number starts with one of them; the residence permits of Taiwan, Hong Kong
# and Macao residents start with 83, 81 and 82 (71 is reserved for Taiwan in GB/T 2260).
_RESIDENT_PREFIXES = MAINLAND_PROVINCES | {71, 81, 82, 83}
FOREIGNER_MARK = "9"
"""First digit of a foreigner's permanent residence ID number (2023 layout).

国家移民管理局《新版外国人永久居留身份证机读信息规则（2023版）》: 18 characters, like the
resident number. Digit 1 is ``9`` (foreigner; resident numbers start with 1–8), digits 2–3
the province-level code of the issuing authority (any of the 31, GB/T 2260), digits 4–6
the nationality (GB/T 2659 numeric), 7–14 the birth date, 15–17 a sequence, 18 the
ISO 7064 MOD 11-2 check character computed exactly as for the resident number.
"""


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

    Accepts a lowercase ``x``, spaces and 15-digit numbers (converted to 18). The same rule
    serves every 18-character number a person in China holds: the resident ID card, the
    residence permits of Hong Kong, Macao and Taiwan residents, and the foreigner's
    permanent residence ID card of 2023 (first digit 9, see :data:`FOREIGNER_MARK`), so a
    typed number, an imported row and a card read are judged alike.
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
    if number.startswith(FOREIGNER_MARK):
        # 外国人永久居留身份证 (2023): 9, then the issuing province, then the nationality.
        if int(number[1:3]) not in MAINLAND_PROVINCES:
            raise ValidationError(
                "外国人永久居留身份证号码第2、3位（签发地省份代码）不正确，请核对。"
            )
    elif int(number[:2]) not in _RESIDENT_PREFIXES:
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


def is_foreigner_number(id_number: str) -> bool:
    """Whether a (normalised) number is a foreigner's permanent residence ID number, 2023 layout."""
    return len(id_number) == 18 and id_number.startswith(FOREIGNER_MARK)


MAX_NAME_LENGTH = 40
"""Longest Chinese name accepted (the card's name field holds 15 characters; room for more)."""

MAX_LATIN_NAME_LENGTH = 80
"""Longest name on a foreigner's card: the 2023 card holds 46 Latin characters and a Chinese name."""

# Latin capitals with the separators printed on foreigners' cards ("SMITH, JOHN WILLIAM",
# "O'NEIL MARY-ANN"), optionally with the Chinese name the card also carries.
_LATIN_NAME = re.compile(r"[A-Z]+(?:[ ,.'\-]+[A-Z]+)*\.?")
_CHINESE_NAME = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134F\uf900-\ufaff·•・]+")


def normalize_name(raw: str, id_number: str = "") -> str:
    """The applicant's name as stored, or a Chinese explanation; the rule depends on the card.

    A name is judged together with the number it goes with: a foreigner's permanent
    residence card (number starting with 9) carries the name in Latin capitals, so for
    that card the name may be Latin letters with spaces, commas, hyphens, apostrophes and
    full stops, optionally with the Chinese name, up to :data:`MAX_LATIN_NAME_LENGTH`
    characters; lowercase letters are raised to capitals, as printed on the card, and
    runs of spaces become one. Any other name keeps the resident rule: at most
    :data:`MAX_NAME_LENGTH` characters.
    """
    name = raw.strip()
    if not name:
        raise ValidationError("请填写申请人姓名。", field="name")
    if is_foreigner_number(id_number):
        name = " ".join(name.replace("\u2019", "'").split()).upper()
        if len(name) > MAX_LATIN_NAME_LENGTH:
            raise ValidationError("姓名太长，请核对。", field="name")
        latin = _CHINESE_NAME.sub(" ", name).strip()
        chinese = "".join(_CHINESE_NAME.findall(name))
        if not latin and not chinese:
            raise ValidationError("请填写申请人姓名。", field="name")
        if latin and not _LATIN_NAME.fullmatch(latin):
            raise ValidationError(
                "外国人永久居留身份证上的姓名请按证件填写：拉丁字母，可含空格、逗号、连字符和撇号。",
                field="name",
            )
        return name
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError("姓名太长，请核对。", field="name")
    return name


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
