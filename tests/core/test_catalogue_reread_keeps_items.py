"""The kiosk re-reads its catalogue every 30 s (a sync may replace it); found by bench/bench_day.py.

The search index (``kiosk.catalogue._SEARCH_INDEX``) keeps every item object it has been
given, so each re-read that made new objects for the same items kept one more copy of the
catalogue alive (~7 KB an item; for 5,000 items, ten copies before the index is cleared).
"""

from __future__ import annotations

import dataclasses

from kiosk import catalogue as catalogue_module
from kiosk.catalogue import search
from kiosk.core import KioskCore
from kiosk.usecases.resident import CoreServices


def test_rereading_an_unchanged_catalogue_keeps_the_items_the_search_index_holds():
    core = KioskCore.open()
    try:
        services = CoreServices(core)  # checked at every call
        first = services.catalogue()
        search(first, "yl")
        indexed = len(catalogue_module._SEARCH_INDEX)
        for _ in range(50):
            items = services.catalogue()
            search(items, "yl")
        assert all(a is b for a, b in zip(first, items, strict=True))
        assert len(catalogue_module._SEARCH_INDEX) == indexed  # 50 re-reads later, no growth
    finally:
        core.close()


def test_a_changed_item_is_read_afresh_and_the_others_are_kept():
    core = KioskCore.open()
    try:
        services = CoreServices(core)
        first = services.catalogue()
        changed = dataclasses.replace(
            first[0], name=first[0].name + "（新）", version=first[0].version + 1
        )
        core.store.save_catalogue([changed])  # a new version of one item, as a sync writes it
        items = services.catalogue()
        assert items[0].name == changed.name and items[0] is not first[0]
        assert all(a is b for a, b in zip(first[1:], items[1:], strict=True))
    finally:
        core.close()
