"""容缺受理 / 告知承诺 by taps on the real widgets, no camera; the slip decoded at the printer
simulator (issue 13, item 3, "Must show")."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from kiosk.journey import Step
from kiosk.materials import MaterialStatus
from tests.ui.taps import at, find, tap, tap_keys, text_of, wait_step

CARD = "resident-longterm"  # 李秀英, 130608195804123029
FULL_ID = "130608195804123029"


def _to_materials(qtbot, rig) -> None:
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "gljt")
    tap(qtbot, rig, "item_MZ-GL-001")  # 高龄津贴: the 户口簿 photo is required
    assert at(rig.journey) is Step.GUIDE
    assert "承诺后补" in text_of(rig, "counter_only")
    tap(qtbot, rig, "begin_form")
    assert at(rig.journey) is Step.MATERIALS
    assert "居民户口簿" in text_of(rig, "material_0")


def _answer_by_taps(qtbot, rig) -> None:
    while at(rig.journey) is Step.FORM:
        field = rig.journey.current_field()
        if field.options:
            tap(qtbot, rig, "option_0")
            continue
        if field.key == "bank_account":
            tap_keys(qtbot, rig, "6228480402564890018")
        tap(qtbot, rig, "next")
        assert rig.journey.session.error is None, rig.journey.session.error


def test_promise_by_taps_files_and_prints_receipt_and_commitment_slip(qtbot, rig):
    _to_materials(qtbot, rig)
    tap(qtbot, rig, "bring_0")  # no camera, no staff: said plainly, nothing chosen
    assert "工作人员" in find(rig, QLabel, "error").text()
    assert rig.journey.session.choices == {}
    tap(qtbot, rig, "promise_0")
    assert "已选：承诺后补" in text_of(rig, "material_chosen_0")
    tap(qtbot, rig, "materials_done")
    assert at(rig.journey) is Step.PROMISE
    commitment = text_of(rig, "commitment_text")
    assert "《居民户口簿》" in commitment and "记入个人信用记录" in commitment
    assert commitment.rstrip("。") in rig.kiosk.voice.last_text  # read aloud on arrival
    tap(qtbot, rig, "promise")  # 我承诺
    _answer_by_taps(qtbot, rig)
    assert at(rig.journey) is Step.REVIEW
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.SUBMITTED
    number = text_of(rig, "application_number")
    assert "告知承诺书" in text_of(rig, "next_steps")
    stored = rig.core.store.application(number)
    hukou = next(m for m in stored.materials if m.name == "居民户口簿")
    assert hukou.status is MaterialStatus.PROMISED and hukou.due_on is not None
    # Both papers reach the printer simulator as ESC/POS bytes and are decoded back to lines.
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) >= 2, timeout=15_000)
    papers = ["\n".join(job.lines) for job in rig.printer_sim.jobs]
    slip = next(p for p in papers if "告知承诺书" in p)
    receipt = next(p for p in papers if "受理回执" in p)
    due = f"{hukou.due_on.year}年{hukou.due_on.month}月{hukou.due_on.day}日前"
    flat = slip.replace("\n", "").replace(" ", "")
    assert number.replace("-", "") in flat.replace("-", "")
    assert "居民户口簿：承诺后补" in flat and due in flat
    assert "居民身份证：请携带" in flat
    assert "材料情况" in receipt and "承诺后补" in receipt.replace("\n", "")
    assert FULL_ID not in slip and FULL_ID not in receipt  # masked on paper


def test_withdraw_by_tap_files_nothing(qtbot, rig):
    _to_materials(qtbot, rig)
    tap(qtbot, rig, "withdraw")
    assert at(rig.journey) is Step.END
    assert rig.core.store.applications() == []
