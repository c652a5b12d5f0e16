"""PDFs: extract the text with pypdf and check content; fonts embedded; no full ID number."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from printouts import samples
from printouts.document import Document, Text
from printouts.layouts import layout_form, layout_receipt
from printouts.pdf.render import PageKind, render_pdf
from tests.printouts.conftest import sample_documents


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]  # pypdf objects are loosely typed
        for ref in resources["/Font"].values():
            font: Any = ref.get_object()
            names.add(str(font["/BaseFont"]))
            if font["/Subtype"] == "/TrueType":
                descriptor = font["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor, "TrueType fonts must be embedded"
    return names


@pytest.mark.parametrize("page", list(PageKind))
def test_receipt_pdf_has_masked_id_and_no_full_one(page: PageKind) -> None:
    pdf = render_pdf(layout_receipt(samples.receipt()), page)
    text = _text(pdf).replace(" ", "").replace("\n", "")
    assert "330102********2345" in text
    assert "张*芳" in text
    assert samples.APPLICATION_NUMBER in text
    assert "受理回执" in text and "预计办结" in text
    assert "330102199" not in text


def test_every_layout_renders_as_a4_with_an_embedded_cjk_font() -> None:
    for name, doc in sample_documents().items():
        pdf = render_pdf(doc, PageKind.A4)
        assert pdf.startswith(b"%PDF"), name
        # reportlab embeds a subset ("AAAAAA+") under the font's PostScript name
        assert any("+" in f for f in _fonts(pdf)), name


def test_form_lists_every_field_and_signature_lines() -> None:
    content = samples.form()
    text = _text(render_pdf(layout_form(content), PageKind.A4))
    for field in content.fields:
        assert field.label in text and field.value in text
    assert "申请人签名" in text and "代办人签名" in text


def test_middle_dot_of_minority_names_falls_back_to_helvetica() -> None:
    pdf = render_pdf(Document("t", (Text("买买提·艾力"),)), PageKind.A4)
    assert "买买提·艾力" in _text(pdf)
    assert any("Helvetica" in f for f in _fonts(pdf))


def test_long_document_paginates_on_a4() -> None:
    doc = Document("t", tuple(Text(f"第{i}行") for i in range(120)))
    assert len(PdfReader(io.BytesIO(render_pdf(doc, PageKind.A4))).pages) >= 2


def test_thermal_pdf_is_one_strip_of_paper_width() -> None:
    reader = PdfReader(
        io.BytesIO(render_pdf(layout_receipt(samples.receipt()), PageKind.THERMAL_58))
    )
    assert len(reader.pages) == 1
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert width_mm == pytest.approx(58, abs=0.1)


def test_pdf_rendering_is_deterministic() -> None:
    doc = layout_receipt(samples.receipt())
    assert render_pdf(doc) == render_pdf(doc)
