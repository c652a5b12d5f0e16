"""告知承诺书 slip (issue 13, item 3): the PDF's text, and the content made from a filed application."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kiosk.core import KioskCore
from printouts import samples
from printouts.content import BookingSlipContent
from printouts.escpos.decode import decode
from printouts.escpos.profile import PrinterProfile
from printouts.escpos.render import render_escpos
from printouts.from_domain import commitment_content, receipt_content
from printouts.layouts import layout_commitment
from printouts.layouts.booking import layout_booking_slip
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


def _booking_slip(*, reprint: bool) -> BookingSlipContent:
    return BookingSlipContent(
        station_name="东闾乡南王庄村便民服务站",
        title="上门服务申请凭条",
        number="S-0001",
        service_item="残疾人证申领",
        applicant_name_masked="李*英",
        applicant_id_masked="130608********3029",
        centre="东闾乡便民服务中心",
        slot_line="",
        status="已申请",
        to_bring=("居民身份证",),
        phone_masked="138****5678",
        address_masked="河北省保定市清苑区东闾乡****",
        created_at=dt.datetime(2026, 12, 3, 9, 30),
        helpline="12345",
        reprint=reprint,
    )


@pytest.mark.parametrize("what", ["commitment", "booking"])
def test_reprinted_commitment_and_booking_slips_are_marked_like_the_receipt(what: str) -> None:
    """The fault: a reprinted 告知承诺书 or booking slip looked like the first one (only the
    receipt said 补打), so a second copy could pass for a second filing or booking. Both now
    carry the receipt's mark, from the same helpers, on ESC/POS and on PDF."""
    if what == "commitment":
        first = layout_commitment(samples.commitment())
        again = layout_commitment(dataclasses.replace(samples.commitment(), reprint=True))
        title, note = "告知承诺书（补打）", "本承诺书为补打件"
    else:
        first = layout_booking_slip(_booking_slip(reprint=False))
        again = layout_booking_slip(_booking_slip(reprint=True))
        title, note = "上门服务申请凭条（补打）", "本凭条为补打件"
    for width in (58, 80):
        printed = decode(render_escpos(again, PrinterProfile(width_mm=width)))
        assert title in printed.lines and note in printed.lines
        flat = "".join(decode(render_escpos(first, PrinterProfile(width_mm=width))).lines)
        assert "补打" not in flat
    for page in PageKind:
        flat = _text(render_pdf(again, page)).replace(" ", "").replace("\n", "")
        assert title in flat and note in flat
        assert "补打" not in _text(render_pdf(first, page))
