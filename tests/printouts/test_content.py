"""Content types: masking, and the refusal to carry a full ID number."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printouts import samples
from printouts.content import FormContent, FormField, mask_id_number, mask_name


@given(st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True))
def test_masked_id_number_hides_birth_date_and_sequence(id_number: str) -> None:
    masked = mask_id_number(id_number)
    assert len(masked) == 18
    assert masked[:6] == id_number[:6] and masked[-4:] == id_number[-4:]
    assert set(masked[6:14]) == {"*"}


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("买买提·艾力", "买**·**"), ("李", "李")],
)
def test_mask_name_keeps_family_name_and_middle_dot(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_receipt_refuses_a_full_id_number() -> None:
    with pytest.raises(ValueError, match="full ID number"):
        dataclasses.replace(samples.receipt(), applicant_id_masked="330102199001012345")


def test_form_refuses_a_full_id_number_in_any_field() -> None:
    with pytest.raises(ValueError, match="full ID number"):
        FormContent("表", "1", "站", (FormField("身份证", "33010219900101234X"),), samples.FILED_AT)
