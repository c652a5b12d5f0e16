"""The first search key tap finds the catalogue's search index built (issue 16, goals 1, 5).

Nothing called :func:`kiosk.catalogue.prepare_search`: the first tap on the item list's
keyboard computed every name's initials on the GUI thread (0.4–1.3 s with pypinyin, which
the kiosk no longer loads). It now runs on a thread when a visit leaves the home screen.
"""

from __future__ import annotations

from kiosk import catalogue
from kiosk.journey import Step
from tests.ui.taps import at, tap


def _indexed(items: list[catalogue.ServiceItem]) -> bool:
    entries = [(item, catalogue._SEARCH_INDEX.get(id(item))) for item in items]
    return all(entry is not None and entry.item is item for item, entry in entries)


def test_the_first_search_key_tap_finds_the_index_built_when_the_visit_started(qtbot, rig):
    warmup = rig.kiosk.search_warmup
    assert warmup is not None
    qtbot.waitUntil(lambda: rig.window._after_first_frame is None, timeout=5_000)
    assert not warmup.started  # the home screen alone: nothing loaded for search
    tap(qtbot, rig, "tile_apply")
    assert at(rig.journey) is Step.IDENTIFY
    assert warmup.done.wait(timeout=30)
    items = rig.kiosk.services.catalogue()
    assert items and _indexed(items)  # the very objects the item list searches
