"""A staff reprint is the same paper as the touch screen's and the CLI's (issue 14.1)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from staffhelpers import RESIDENT, SIMPLE_ITEM, STAFF_NAME, answers_for

from kiosk.application import Channel
from kiosk.catalogue import Material
from kiosk.staff import Role
from kiosk.usecases import staff_auth
from kiosk.usecases.queue_care import CareAction
from kiosk.usecases.submit import submit_application
from ui.staff.console import StaffConsole


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_staff_reprint_after_a_catalogue_update_lists_the_filed_versions_materials(
    qtbot, core, auth, pdf_printer, tmp_path
):
    staff_auth.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    item = core.store.item(SIMPLE_ITEM)
    filed = submit_application(
        core,
        SIMPLE_ITEM,
        RESIDENT,
        answers_for(item),
        [],
        channel=Channel.ASSISTED,
        staff_id="1001",
        consent=True,
    )
    core.store.save_catalogue(
        [
            dataclasses.replace(
                item,
                version=item.version + 1,
                materials=(Material("新版材料清单第一项", original=True),),
            )
        ]
    )
    console = StaffConsole(core, pdf_printer, auth)
    qtbot.addWidget(console)
    console.show()
    console.open()
    console.sign_in.number.setText("1001")
    console.sign_in.pin.setText("246810")
    with qtbot.waitSignal(console.session_changed):
        qtbot.mouseClick(console.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    console.queue.select(filed.number)
    with qtbot.waitSignal(console.staff_printer.finished, timeout=10_000) as done:
        qtbot.mouseClick(
            console.queue.action_buttons[CareAction.REPRINT], Qt.MouseButton.LeftButton
        )
    assert done.args[:2] == ["receipt", True]
    text = _pdf_text(tmp_path / "printed.pdf")
    assert "受理回执（补打）" in text and filed.number in text
    assert "居民户口簿（原件）" in text and "出生医学证明" in text
    assert "新版材料清单第一项" not in text
    assert f"代办人：{STAFF_NAME}" in text
    assert core.store.application(filed.id).receipt_printed
