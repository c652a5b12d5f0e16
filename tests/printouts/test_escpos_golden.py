"""Golden files of the ESC/POS bytes of every layout on 58 mm and 80 mm paper.

Each golden is a ``.bin`` (the exact bytes) and a ``.txt`` (the decoded lines,
for reading a diff). To regenerate after an intended change::

    KIOSK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/printouts/test_escpos_golden.py

then review ``git diff tests/printouts/golden/*.txt`` before committing.
"""

from __future__ import annotations

import os

import pytest

from printouts.escpos.decode import decode
from printouts.escpos.profile import PrinterProfile
from printouts.escpos.render import render_escpos
from tests.printouts.conftest import GOLDEN, sample_documents

UPDATE = os.environ.get("KIOSK_UPDATE_GOLDEN") == "1"
CASES = [(name, width) for name in sample_documents() for width in (58, 80)]


@pytest.mark.parametrize(("name", "width"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_escpos_bytes_match_golden(name: str, width: int) -> None:
    data = render_escpos(sample_documents()[name], PrinterProfile(width_mm=width))
    text = decode(data).text + "\n"
    bin_path = GOLDEN / f"{name}-{width}.bin"
    txt_path = GOLDEN / f"{name}-{width}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        bin_path.write_bytes(data)
        txt_path.write_text(text, encoding="utf-8")
    assert bin_path.exists(), f"no golden {bin_path.name}; run with KIOSK_UPDATE_GOLDEN=1"
    assert txt_path.read_text(encoding="utf-8") == text
    assert bin_path.read_bytes() == data


@pytest.mark.parametrize("width", [58, 80])
def test_rendering_is_deterministic(width: int) -> None:
    doc = sample_documents()["receipt"]
    profile = PrinterProfile(width_mm=width)
    assert render_escpos(doc, profile) == render_escpos(doc, profile)
