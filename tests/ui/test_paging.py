"""Pages, not scrolling (issue 15 items 4 and 5): the paging rule, paging by taps in
长辈模式, and the screenshot tool keeping the mode it claims."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.journey import Step
from tests.ui.taps import at, current_screen, find, tap, wait_step
from ui.paging import clamp_page, pack_pages, page_text
from ui.theme import Theme
from ui.tour import keep_mode, reach

ROOT = Path(__file__).resolve().parents[2]
CARD = "resident-longterm"  # 李秀英
CATEGORY = "社会救助"  # six items: more than one page in large landscape


# -- the rule ------------------------------------------------------------------------------


def test_rows_fill_pages_in_order_and_none_is_lost():
    assert pack_pages([100] * 5, 320, 10) == [range(0, 3), range(3, 5)]
    assert pack_pages([100, 250, 100], 300, 10) == [range(0, 1), range(1, 2), range(2, 3)]


def test_a_row_taller_than_the_page_gets_a_page_of_its_own():
    assert pack_pages([50, 900, 50], 300, 10) == [range(0, 1), range(1, 2), range(2, 3)]


def test_no_rows_is_one_empty_page():
    assert pack_pages([], 300, 10) == [range(0, 0)]
    assert page_text(0, 0) == "第 1/1 页"


def test_page_index_is_clamped_when_the_list_shrinks():
    assert clamp_page(5, 3) == 2
    assert clamp_page(-1, 3) == 0
    assert clamp_page(2, 0) == 0
    assert page_text(1, 3) == "第 2/3 页"


# -- taps ----------------------------------------------------------------------------------


def _shown_items(rig) -> list[str]:
    items = current_screen(rig).items
    return [
        button.objectName().removeprefix("item_")
        for row in items.visible_rows()
        for button in row.findChildren(QPushButton)
    ]


def test_taps_page_through_every_item_of_a_category_in_large_mode(qtbot, rig):
    window = rig.window
    window.resize(1920, 1080)
    tap(qtbot, rig, "toggle_large")  # the resident's own 长辈模式
    assert window.ctx.theme.large
    tap(qtbot, rig, "tile_apply")
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    categories = rig.journey.categories()
    tap(qtbot, rig, f"category_{categories.index(CATEGORY)}")
    names = {item.code: item.name for item in rig.journey.visible_items()}
    expected = list(names)
    assert len(expected) > 2
    QApplication.processEvents()
    previous = find(rig, QPushButton, "items_previous")
    assert not previous.isEnabled()  # disabled at the first page
    page_label = find(rig, QLabel, "items_page")
    count = current_screen(rig).items.page_count
    assert count > 1 and page_label.text() == f"第 1/{count} 页"
    seen = _shown_items(rig)
    voice = window.ctx.voice
    for page in range(2, count + 1):
        tap(qtbot, rig, "items_next")
        assert page_label.text() == f"第 {page}/{count} 页"
        shown = _shown_items(rig)
        assert voice.last_text.startswith(f"第 {page}/{count} 页")  # read aloud on turning
        assert all(names[code] in voice.last_text for code in shown)
        seen += shown
    assert seen == expected  # every item once, in order, none only reachable by scrolling
    assert not find(rig, QPushButton, "items_next").isEnabled()
    tap(qtbot, rig, "items_previous")
    assert page_label.text() == f"第 {count - 1}/{count} 页"
    tap(qtbot, rig, f"item_{_shown_items(rig)[0]}")
    assert at(rig.journey) is Step.GUIDE
    assert window.ctx.theme.large  # still the resident's 长辈模式


def test_the_guide_is_read_page_by_page(qtbot, rig):
    window = rig.window
    keep_mode(window, Theme(large=True))
    reach(rig.journey, Step.GUIDE)
    QApplication.processEvents()
    pages = current_screen(rig).pages
    assert pages.page_count > 1
    texts = []
    for _ in range(pages.page_count):
        texts += [row.text() for row in pages.visible_rows() if isinstance(row, QLabel)]
        if find(rig, QPushButton, "guide_pages_next").isEnabled():
            tap(qtbot, rig, "guide_pages_next")
    assert [row.text() for row in pages.rows] == texts  # every line of the guide, once


# -- the mode the pictures claim ------------------------------------------------------------


def test_tour_keeps_the_large_mode_across_the_visits_it_starts(qtbot, rig):
    """The screenshots' 长辈模式 was reset by each fresh visit of the tour (fault, issue 15.5)."""
    window = rig.window
    keep_mode(window, Theme(large=True))
    for step in (Step.HOME, Step.FIND_ITEM, Step.FORM):
        reach(rig.journey, step)
        qtbot.waitUntil(lambda s=step: window.router.current.step is s, timeout=5_000)
        for _ in range(3):  # the visit-ended reset runs from a zero-time timer
            QApplication.processEvents()
        assert window.ctx.theme.large, step
        assert window.router.current.title.font().pixelSize() == Theme(large=True).title_px
    reach(rig.journey, Step.HOME)
    QApplication.processEvents()
    assert find(rig, QPushButton, "toggle_large").text() == "长辈模式（大字）：已开启"


def test_screenshot_tool_stamps_and_checks_the_mode_it_claims(tmp_path):
    from PySide6.QtGui import QImage

    done = subprocess.run(
        [sys.executable, "scripts/screenshots.py", "--out", str(tmp_path), "--only", "home"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for orientation in ("landscape", "portrait"):
        for mode in ("normal", "large"):
            image = QImage(str(tmp_path / f"home_{orientation}_{mode}.png"))
            assert image.text("kiosk-mode") == mode
