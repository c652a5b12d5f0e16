from __future__ import annotations

import datetime as dt

import pytest

from kiosk.application import Applicant
from kiosk.errors import ValidationError
from kiosk.identity import (
    convert_15_to_18,
    gender_of,
    id_check_digit,
    is_foreigner_number,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    normalize_name,
)
from kiosk.usecases.submit import check_applicant

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


# --- foreigners' permanent residence ID cards, 2023 layout (issue 14, item 11) -----------------
# 9, the issuing province (GB/T 2260), the nationality (GB/T 2659 numeric), birth date, sequence,
# MOD 11-2 check: fictitious numbers with valid check characters.
FOREIGN_FROM_PROVINCES = [
    "911124198802150018",  # 11 北京, Canada
    "923250196611110059",  # 23 黑龙江, France
    "931840198507120010",  # 31 上海, USA
    "944392199001010023",  # 44 广东, Japan
    "951826200012310046",  # 51 四川, United Kingdom
    "965276197803150036",  # 65 新疆, Germany
]


@pytest.mark.parametrize("number", FOREIGN_FROM_PROVINCES)
def test_foreigner_numbers_from_every_issuing_province_are_accepted(number: str) -> None:
    """Was: only numbers starting 91 passed, so 26 of 31 provinces' cards were refused."""
    assert normalize_id_number(number, TODAY) == number
    assert normalize_id_number(number[:6] + " " + number[6:], TODAY) == number
    assert is_foreigner_number(number)


def test_the_simulator_2023_card_number_is_accepted() -> None:
    assert normalize_id_number("912411198802150021", TODAY) == "912411198802150021"


@pytest.mark.parametrize("number", FOREIGN_FROM_PROVINCES)
def test_foreigner_number_with_a_wrong_check_digit_is_refused(number: str) -> None:
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        normalize_id_number(wrong, TODAY)
    assert "校验码" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("990840198507120010", "签发地省份代码"),  # 99: no such province
        ("971840198507120018", "签发地省份代码"),  # 71 (Taiwan) does not issue these cards
        ("931840198502300016", "出生日期"),  # 30 February
        ("91012419880215001", "应为18位"),
    ],
)
def test_invalid_foreigner_numbers_say_what_is_wrong(raw: str, message_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_id_number(raw, TODAY)
    assert message_part in caught.value.message


def test_resident_numbers_no_longer_take_91_as_a_province() -> None:
    assert not is_foreigner_number("110101194503071229")
    for prefix in ("81", "82", "83"):  # Hong Kong, Macao, Taiwan residents' residence permits
        first17 = prefix + "0000" + "19900101" + "001"
        number = first17 + id_check_digit(first17)
        assert normalize_id_number(number, TODAY) == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SMITH JOHN", "SMITH JOHN"),
        ("O'NEIL MARY-ANN", "O'NEIL MARY-ANN"),
        ("O’NEIL  mary-ann", "O'NEIL MARY-ANN"),  # typed: capitals as on the card, one space
        ("SMITH, JOHN WILLIAM", "SMITH, JOHN WILLIAM"),
        (
            "MONTGOMERY-WELLINGTON, ALEXANDRA CHARLOTTE",
            "MONTGOMERY-WELLINGTON, ALEXANDRA CHARLOTTE",
        ),
        ("蒙哥马利 MONTGOMERY-WELLINGTON, ALEXANDRA", "蒙哥马利 MONTGOMERY-WELLINGTON, ALEXANDRA"),
        ("史密斯", "史密斯"),
    ],
)
def test_latin_names_are_accepted_for_a_foreigners_card(raw: str, expected: str) -> None:
    assert normalize_name(raw, "931840198507120010") == expected


def test_a_full_46_character_latin_name_from_a_2023_card_is_accepted() -> None:
    """Was refused as 姓名太长 (40): the 2023 card holds 35 + 11 Latin characters."""
    name = "ABCDEFGHIJKLMNOPQRST-UVWXYZ ABCDEFGHIJ, KLMNOPQ"[:46]
    assert len(name) == 46
    applicant = check_applicant(Applicant(name=name, id_number="931840198507120010"))
    assert applicant.name == name
    assert applicant.id_number == "931840198507120010"


@pytest.mark.parametrize("raw", ["SMITH JOHN 3", "SMITH@JOHN", "-SMITH"])
def test_a_foreigners_name_with_other_signs_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_name(raw, "931840198507120010")
    assert caught.value.field == "name"
    assert "拉丁字母" in caught.value.message


def test_resident_names_keep_the_resident_rule() -> None:
    assert normalize_name(" 张桂英 ", "110101194503071229") == "张桂英"
    with pytest.raises(ValidationError, match="姓名太长"):
        normalize_name("A" * 41, "110101194503071229")


def test_a_card_read_of_a_2023_foreigner_card_files_through_the_same_rule() -> None:
    """The card decoder hands over what the chip holds; filing judges it with the core rule."""
    from devices.cards.text_layout import FOREIGN_2023, decode_text_block, encode_text_block

    block = encode_text_block(
        FOREIGN_2023,
        {
            "gender": "1",
            "birth_date": "19850712",
            "name_en": "SMITH JOHN",
            "id_number": "931840198507120010",
            "valid_from": "20240110",
            "valid_to": "20340109",
            "nationality": "USA",
        },
    )
    holder = decode_text_block(block)
    assert holder.name == "SMITH JOHN"  # no Chinese name on this card: the Latin one
    applicant = check_applicant(Applicant(name=holder.name, id_number=holder.id_number))
    assert (applicant.name, applicant.id_number) == ("SMITH JOHN", "931840198507120010")
