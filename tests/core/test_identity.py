from __future__ import annotations

import datetime as dt

import pytest

from kiosk.errors import ValidationError
from kiosk.identity import (
    convert_15_to_18,
    gender_of,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
)

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("110101194503071229", "110101194503071229"),
        ("11010519491231002x", "11010519491231002X"),  # the GB 11643 standard's own example
        (" 1101 0519 4912 3100 2X ", "11010519491231002X"),
        ("440304198808230010", "440304198808230010"),
    ],
)
def test_valid_id_numbers_are_normalised(raw: str, expected: str) -> None:
    assert normalize_id_number(raw, TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("", "请填写"),
        ("11010519491231002", "应为18位"),
        ("1101051949123100211", "应为18位"),
        ("11010519491231002Y", "前17位只能是数字"),
        ("A1010519491231002X", "前17位只能是数字"),
        ("00010519491231002X", "省份代码"),
        ("110105194902300028", "出生日期"),  # 30 February
        ("110105203001010020", "出生日期不合理"),  # born in the future
        ("110105194912310021", "校验码"),
    ],
)
def test_invalid_id_numbers_say_what_is_wrong_in_chinese(raw: str, message_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_id_number(raw, TODAY)
    assert message_part in caught.value.message


def test_15_digit_numbers_become_18_with_a_check_digit() -> None:
    assert convert_15_to_18("110105491231002") == "11010519491231002X"
    assert normalize_id_number("110105491231002", TODAY) == "11010519491231002X"


def test_gender_comes_from_the_17th_digit() -> None:
    assert gender_of("11010519491231002X") == "女"
    assert gender_of("330106195012123714") == "男"


@pytest.mark.parametrize("code", ["91350100M000100Y43", "914403001922038216", "91330000142916567N"])
def test_valid_credit_codes(code: str) -> None:
    assert normalize_credit_code(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "message_part"),
    [
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100Y44", "校验码"),
        ("91350100M00010OY43", "不允许的字符"),
    ],
)
def test_invalid_credit_codes(code: str, message_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_credit_code(code)
    assert message_part in caught.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 19912345678", "19912345678"),
    ],
)
def test_valid_mobiles(raw: str, expected: str) -> None:
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [("1380013800", "应为11位"), ("12800138000", "13到19"), ("1380013800a", "只能填写数字")],
)
def test_invalid_mobiles(raw: str, message_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_mobile(raw)
    assert message_part in caught.value.message


def test_masking_keeps_only_what_a_person_needs_to_recognise_their_own() -> None:
    assert mask_id_number("110101194503071229") == "110101********1229"
    assert mask_name("张桂英") == "张*英"
    assert mask_name("李明") == "李*"
    assert mask_name("买买提·艾力") == "买*****"
    assert mask_phone("13800138000") == "138****8000"
