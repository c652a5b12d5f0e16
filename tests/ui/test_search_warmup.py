"""The catalogue and its search index are ready before the first visit (issue 16, goals 1, 3, 5).

The first visit after a start used to parse the whole catalogue on the GUI thread (the first
card read or 办事 tap: 445 ms with 5,000 items here) and build the search index at the first
search key (0.4–1.3 s with pypinyin, which the kiosk no longer loads). Both are now made on a
thread of their own as soon as the home screen is up; the first visit reads neither.
"""

from __future__ import annotations

from kiosk import catalogue
from kiosk.journey import Step
from tests.ui.taps import tap, tap_keys, wait_step
from tests.ui.test_touch_journey import CARD


def _indexed(items: list[catalogue.ServiceItem]) -> bool:
    entries = [(item, catalogue._SEARCH_INDEX.get(id(item))) for item in items]
    return all(entry is not None and entry.item is item for item, entry in entries)


def test_the_first_visit_finds_the_catalogue_read_and_its_index_built(qtbot, rig, monkeypatch):
    warmup = rig.kiosk.search_warmup
    assert warmup is not None
    qtbot.waitUntil(lambda: rig.window._after_first_frame is None, timeout=5_000)
    assert warmup.started  # the home screen up, no visit yet
    assert warmup.done.wait(timeout=30)
    items = rig.kiosk.services.catalogue()
    assert items and _indexed(items)  # the very objects the item list searches
    reads: list[str] = []
    read_whole = rig.core.store.catalogue
    monkeypatch.setattr(rig.core.store, "catalogue", lambda: reads.append("x") or read_whole())
    rig.card_sim.insert(CARD)  # the first resident of the day
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "ylbx")
    tap(qtbot, rig, "item_RS-YL-001")
    assert reads == []  # not parsed again on the GUI thread
    assert rig.kiosk.services.catalogue() is items
