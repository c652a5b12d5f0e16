"""Paper made from real applications: the A4 form a county clerk accepts, and one masking policy.

Applications are filed through the core into a real SQLite store and read
back from it, so the form sees the store's order of answers, not ours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.application import Applicant, Application, Channel
from kiosk.catalogue import FieldType, load_sample_catalogue
from kiosk.core import KioskCore
from kiosk.identity import mask_id_number, mask_name
from kiosk.paths import DataDir
from kiosk.usecases.submit import submit_application
from printouts import content
from printouts.content import FormContent, FormRow
from printouts.escpos.decode import decode
from printouts.escpos.profile import PrinterProfile
from printouts.escpos.render import render_escpos
from printouts.from_domain import form_content, receipt_content, result_content
from printouts.layouts import layout_form, layout_receipt
from printouts.layouts.form import form_title
from printouts.pdf.render import PageKind, render_pdf
from tests.printouts.pdf_boxes import Fragment, fragments

_NOW = dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC)
# A made-up resident (valid check digit, so the core accepts the number).
_NAME = "王小明"
_ID = "330102199003012345"
_PHONE = "13812345678"
_HOMESTEAD = {  # 农村宅基地申请, whose title used to double 申请 and whose area label is long
    "family_size": "4",
    "reason": "分户新建住房",
    "land_area": "120",
    "floors": "2",
}


@pytest.fixture
def core(kiosk_home: Path) -> Iterator[KioskCore]:
    instance = KioskCore.open(DataDir(kiosk_home), clock=lambda: _NOW)
    yield instance
    instance.close()


def _file_homestead(core: KioskCore) -> Application:
    filed = submit_application(
        core,
        "XZ-ZJ-001",
        Applicant(name=_NAME, id_number=_ID, phone=_PHONE, address="浙江省杭州市西湖区龙井村3组"),
        _HOMESTEAD,
        channel=Channel.PAPER,
        staff_id="S001",
    )
    stored = core.store.application(filed.id)
    assert stored is not None
    return stored


def test_form_has_every_field_once_in_catalogue_order_in_full(core: KioskCore) -> None:
    # Issue 14 item 8: name, ID number and phone printed twice (once unmasked beside the
    # masked one) and rows in storage order. Now: the catalogue's order, each once, full.
    application = _file_homestead(core)
    item = core.store.item("XZ-ZJ-001")
    assert item is not None
    form = form_content(application, item, core.settings)
    expected = [f.label for f in item.form if f.type is not FieldType.ATTACHMENT]
    assert [f.label for f in form.fields] == expected
    values = [f.value for f in form.fields]
    assert values[:3] == [_NAME, _ID, _PHONE]
    assert values[4:] == ["4", "分户新建住房", "120", "2"]
    # No masked duplicate anywhere, on A4 or on a thermal printer.
    printed = decode(render_escpos(layout_form(form), PrinterProfile(width_mm=80))).text
    for value, masked in ((_NAME, mask_name(_NAME)), (_ID, mask_id_number(_ID))):
        assert printed.count(value) == 1
        assert masked not in printed
    assert form.title == "农村宅基地申请表"


def test_form_of_an_item_no_longer_in_the_catalogue_keeps_every_answer_once(
    core: KioskCore,
) -> None:
    application = _file_homestead(core)
    form = form_content(application, None, core.settings)
    labels = [f.label for f in form.fields]
    assert labels[:3] == ["申请人", "公民身份号码", "联系电话"]
    assert [f.value for f in form.fields].count(_ID) == 1
    assert [f.value for f in form.fields].count(_NAME) == 1
    assert {"family_size", "reason", "land_area", "floors"} <= set(labels)


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("农村宅基地申请", "农村宅基地申请表"),
        ("高龄津贴申领", "高龄津贴申领表"),
        ("城乡居民养老保险参保登记", "城乡居民养老保险参保登记表"),
        ("就业困难人员认定", "就业困难人员认定申请表"),
        ("居住证申领（受理转递）", "居住证申领表（受理转递）"),
        ("户籍证明开具（受理转递）", "户籍证明开具申请表（受理转递）"),
        ("城乡居民基本养老保险参保登记表", "城乡居民基本养老保险参保登记表"),
    ],
)
def test_form_title_does_not_double_a_word(name: str, title: str) -> None:
    assert form_title(name) == title


def test_no_catalogue_form_title_doubles_a_word() -> None:
    for item in load_sample_catalogue():
        title = form_title(item.name)
        assert "申请申请" not in title and "表表" not in title and "申领申请" not in title


def _assert_no_text_boxes_overlap(boxes: list[Fragment], what: str) -> None:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (what, a, b)


#: The A4 table's columns: labels between 20 and 60 mm from the left edge, values after.
_A4_LABEL_RIGHT = 60 * 72 / 25.4
_A4_RIGHT = (210 - 20) * 72 / 25.4


def test_a4_form_text_boxes_never_overlap_for_a_long_label(core: KioskCore) -> None:
    # Issue 14 item 8: "拟申请宅基地面积（平方米）" printed over the value column.
    application = _file_homestead(core)
    item = core.store.item("XZ-ZJ-001")
    pdf = render_pdf(layout_form(form_content(application, item, core.settings)), PageKind.A4)
    boxes = fragments(pdf)
    _assert_no_text_boxes_overlap(boxes, "XZ-ZJ-001")
    labels = [f for f in boxes if f.x < _A4_LABEL_RIGHT and f.text in "拟申请宅基地面积（平方米）"]
    assert "".join(f.text for f in labels).startswith("拟申请宅基地面")
    assert all(f.right <= _A4_LABEL_RIGHT for f in labels)


def test_a4_forms_of_every_catalogue_item_have_no_overlapping_text() -> None:
    # Every label of the catalogue (20 of its 227 are too long for one line of the column),
    # with a long value, so both columns wrap.
    value = "浙江省杭州市西湖区西湖镇龙井村3组（靠近村委会）"
    for item in load_sample_catalogue():
        fields = tuple(
            FormRow(f.label, value) for f in item.form if f.type is not FieldType.ATTACHMENT
        )
        form = FormContent(form_title(item.name), "330102001-20261123-0007", "站", fields, _NOW)
        boxes = fragments(render_pdf(layout_form(form), PageKind.A4))
        _assert_no_text_boxes_overlap(boxes, item.code)
        assert all(f.right <= _A4_RIGHT + 0.01 for f in boxes), item.code


def test_paper_masks_names_with_the_core_rule_only(core: KioskCore) -> None:
    # Issue 14 item 4: printouts.content had its own rule (王小明 → 王**) beside the core's
    # (王*明). One rule: the core's, on every slip.
    assert not hasattr(content, "mask_name") and not hasattr(content, "mask_id_number")
    application = _file_homestead(core)
    receipt = receipt_content(application, core.settings)
    assert receipt.applicant_name_masked == "王*明" == mask_name(_NAME)
    assert receipt.applicant_id_masked == "330102********2345" == mask_id_number(_ID)
    result = result_content(application, None, core.settings, _NOW)
    assert result.applicant_name_masked == "王*明"
    printed = decode(render_escpos(layout_receipt(receipt), PrinterProfile())).text
    assert _NAME not in printed and _ID not in printed
