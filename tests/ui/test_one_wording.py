"""One fact, one wording: the guide screen and the printed one-time notice say the same."""

from __future__ import annotations

import dataclasses

from kiosk.journey import Step
from printouts.escpos.decode import decode
from printouts.escpos.profile import PrinterProfile, TextEncoding
from printouts.escpos.render import render_escpos
from printouts.from_domain import notice_content
from printouts.layouts.notice import layout_notice
from tests.ui.taps import at, tap, tap_keys, text_of, wait_step
from tests.ui.test_touch_journey import CARD


def test_guide_screen_and_printed_notice_word_materials_and_time_limit_alike(qtbot, rig):
    item = rig.core.store.item("RS-YL-001")
    assert item is not None
    rig.core.store.save_catalogue(
        [dataclasses.replace(item, version=item.version + 1, time_limit_days=0)]
    )
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "ylbx")
    tap(qtbot, rig, "item_RS-YL-001")
    assert at(rig.journey) is Step.GUIDE

    shown = rig.core.store.item("RS-YL-001")
    assert shown is not None and shown.time_limit_days == 0
    notice = layout_notice(notice_content(shown, rig.core.settings, rig.core.clock()))
    printed = decode(
        render_escpos(notice, PrinterProfile(width_mm=80, encoding=TextEncoding.GB18030))
    ).text
    flat_print = printed.replace("\n", "").replace(" ", "")

    time_limit = text_of(rig, "fact_time_limit")
    assert time_limit == "承诺时限：当场办结"
    assert "当场办结" in flat_print and "即办" not in flat_print
    for index, material in enumerate(shown.materials, 1):
        line = text_of(rig, f"material_{index}").split(". ", 1)[1]
        assert line.startswith(f"{material.name}（")
        assert line.replace(" ", "") in flat_print  # the same words, wrapped on paper
