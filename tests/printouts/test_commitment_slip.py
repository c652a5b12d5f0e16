"""告知承诺书 slip (issue 13, item 3): the PDF's text, and the content made from a filed application."""

from __future__ import annotations

import pytest

from kiosk.core import KioskCore
from printouts import samples
from printouts.from_domain import commitment_content, receipt_content
from printouts.layouts import layout_commitment
from printouts.pdf.render import PageKind, render_pdf
from tests.core.test_promise_queue import _file_with_promise
from tests.printouts.test_pdf import _text


@pytest.mark.parametrize("page", list(PageKind))
def test_commitment_pdf_lists_the_promise_its_date_and_every_material(page: PageKind) -> None:
    text = _text(render_pdf(layout_commitment(samples.commitment()), page))
    flat = text.replace(" ", "").replace("\n", "")
    assert "告知承诺书" in flat and samples.APPLICATION_NUMBER in flat
    assert "居民户口簿：承诺后补，2026年12月7日前" in flat
    assert "老人本人社会保障卡或银行卡：请携带" in flat
    assert "记入个人信用记录" in flat and "代办人李小梅" in flat.replace("：", "")
    assert "330102********2345" in flat and "330102199" not in flat


def test_slip_and_receipt_of_a_filed_promise_carry_each_materials_state() -> None:
    core = KioskCore.open()
    try:
        filed = core.store.application(_file_with_promise(core).number)
        slip = commitment_content(filed, core.settings)
        assert [line.split("：")[0] for line in slip.promised] == ["居民户口簿"]
        assert slip.text == filed.commitment.text and slip.staff_name == ""
        receipt = receipt_content(filed, core.settings)
        assert len(receipt.material_states) == 3  # every material of 高龄津贴
        assert receipt.material_states[0] == "居民身份证：请携带"
        assert "承诺后补" in receipt.material_states[1]
        assert filed.applicant.id_number not in " ".join((*slip.material_states, slip.text))
    finally:
        core.close()
