"""The touch screen prints the same receipt as the staff console and ``kiosk print`` (issue 14.1).

Both faults were in the touch UI's own copy of the receipt: it never looked up
the assisting staff member (no 代办人) and it looked the item up by code alone
(the newest version's materials on a reprint). The bytes are decoded at the
ESC/POS printer simulator, as a clerk would read the slip.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kiosk.catalogue import Material
from kiosk.journey import Step
from tests.ui.taps import at, find, tap, tap_keys, text_of
from tests.ui.test_touch_journey import file_pension_application, fill_pension_to_review


def _slip(rig, index: int = -1) -> str:
    return "".join(rig.printer_sim.jobs[index].lines).replace(" ", "")


def test_assisted_touch_receipt_names_the_staff_member_as_daibanren(qtbot, rig):
    from kiosk.staff import Role
    from kiosk.usecases import staff_auth

    staff_auth.add_staff(rig.core, "1001", "李小梅", Role.STAFF, "246813")
    tap(qtbot, rig, "open_staff")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_number"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "1001")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_pin"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "246813")
    tap(qtbot, rig, "sign_in")
    qtbot.waitUntil(lambda: rig.window.staff_session is not None, timeout=10_000)
    tap(qtbot, rig, "staff_to_resident")
    fill_pension_to_review(qtbot, rig)
    tap(qtbot, rig, "submit")
    tap(qtbot, rig, "confirm")  # the resident's consent
    assert at(rig.journey) is Step.SUBMITTED
    number = text_of(rig, "application_number")
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) >= 1, timeout=10_000)
    slip = _slip(rig)
    assert "受理回执" in slip and number in slip
    assert "代办人：李小梅" in slip


def test_touch_reprint_after_a_catalogue_update_lists_the_filed_versions_materials(qtbot, rig):
    number = file_pension_application(qtbot, rig)
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) >= 1, timeout=10_000)
    first = _slip(rig)
    assert "居民户口簿（原件）" in first
    # The platform publishes version 2 with other materials; the application was filed under 1.
    filed = rig.core.store.application(number)
    old = rig.core.store.item(filed.service_code, filed.service_version)
    newer = dataclasses.replace(
        old,
        version=old.version + 1,
        materials=(Material("新版材料清单第一项", original=True),),
    )
    rig.core.store.save_catalogue([newer])
    assert rig.core.store.item(filed.service_code).version == newer.version
    tap(qtbot, rig, "to_rating")
    tap(qtbot, rig, "skip_rating")
    tap(qtbot, rig, "go_home")
    tap(qtbot, rig, "tile_my_applications")
    tap(qtbot, rig, "lookup_number")
    tap_keys(qtbot, rig, number.replace("-", ""))
    tap(qtbot, rig, "confirm")
    jobs = len(rig.printer_sim.jobs)
    tap(qtbot, rig, "reprint_0")
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) > jobs, timeout=10_000)
    reprint = _slip(rig)
    assert "受理回执（补打）" in reprint
    assert "居民户口簿（原件）" in reprint
    assert "新版材料清单第一项" not in reprint
