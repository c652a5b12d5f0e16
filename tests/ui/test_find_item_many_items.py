"""The item list over a 5,000-item catalogue: a broad search builds one page's worth of tiles.

Issue 16, goal 5: building a tile per hit (thousands for a one-letter search) took ~0.35 s
before the page showed. Counted, not timed: how many item tiles exist after the search.
"""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from kiosk.catalogue import search
from kiosk.journey import Step
from tests.core.test_catalogue_search import generated_catalogue
from tests.ui.taps import current_screen, tap, wait_step
from tests.ui.test_touch_journey import CARD
from ui.screens.find_item_screen import TILES_AT_ONCE


def _item_tiles(rig) -> list[QPushButton]:
    screen = current_screen(rig)
    return [b for b in screen.findChildren(QPushButton) if b.objectName().startswith("item_")]


def test_a_broad_search_over_5000_items_builds_tiles_a_page_at_a_time(qtbot, rig) -> None:
    items = generated_catalogue(5000)
    rig.core.store.save_catalogue(items)
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    rig.journey.set_query("y")
    hits = rig.journey.visible_items()
    assert len(hits) > 1000  # a one-letter search finds thousands
    # Was: one tile per hit, thousands. Now the first TILES_AT_ONCE and a 再显示 tile.
    qtbot.waitUntil(lambda: len(_item_tiles(rig)) == TILES_AT_ONCE, timeout=10_000)
    more = current_screen(rig).findChild(QPushButton, "more_items")
    assert more is not None and f"还有 {len(hits) - TILES_AT_ONCE} 项" in more.text()
    pages = current_screen(rig).items
    pages.go_to(pages.page_count - 1)  # the 再显示 tile ends the list
    tap(qtbot, rig, "more_items")
    qtbot.waitUntil(lambda: len(_item_tiles(rig)) == 2 * TILES_AT_ONCE, timeout=10_000)
    shown = [b.objectName() for b in _item_tiles(rig)]
    assert shown == [f"item_{i.code}" for i in hits[: 2 * TILES_AT_ONCE]]
    # a narrower search starts again from the first tiles, all of them when they are few
    rig.journey.set_query(hits[0].name)
    narrow = rig.journey.visible_items()
    assert narrow == search(narrow, hits[0].name)
    qtbot.waitUntil(
        lambda: len(_item_tiles(rig)) == min(len(narrow), TILES_AT_ONCE), timeout=10_000
    )
