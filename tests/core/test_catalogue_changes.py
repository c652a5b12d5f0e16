"""The catalogue held for the journey follows saves by reading only what they changed.

It used to be re-read and parsed whole every 30 s: ~0.5 s of the GUI thread with 5,000
items. Now each save stamps its rows with a revision, the holder checks one counter, and
reads the items saved since. These tests use the real store on a real SQLite file, and a
second store on the same files for a save made by another process (a ``kiosk sync`` run).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kiosk.catalogue import ItemState, ServiceItem
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.store import Store
from kiosk.usecases.resident import CoreServices
from tests.core.test_catalogue_search import generated_catalogue

ITEMS = generated_catalogue(300, seed=7)


def _checking_every_time(core: KioskCore) -> CoreServices:
    return CoreServices(core)


def test_an_unchanged_catalogue_is_not_read_again(core: KioskCore) -> None:
    core.store.save_catalogue(ITEMS)
    services = _checking_every_time(core)
    held = services.catalogue()
    assert held == core.store.catalogue()
    assert services.catalogue() is held  # checked, nothing changed: the same list


def test_a_save_by_another_process_is_seen_and_only_its_items_are_new(
    core: KioskCore, kiosk_home: Path
) -> None:
    core.store.save_catalogue(ITEMS)
    services = _checking_every_time(core)
    before = services.catalogue()
    changed = dataclasses.replace(ITEMS[10], name="新名称的事项", version=ITEMS[10].version + 1)
    closed = dataclasses.replace(ITEMS[20], state=ItemState.CLOSED)  # same version, new body
    added = dataclasses.replace(ITEMS[30], code="Z-zz-99999", name="新增的事项")
    other = Store(DataDir(kiosk_home))  # another connection, as a `kiosk sync` process has
    try:
        other.save_catalogue([changed, closed, added])
    finally:
        other.close()
    after = services.catalogue()
    assert after == core.store.catalogue()  # the same items, in the same order, as a full read
    assert {i.code: i for i in after}[changed.code].name == "新名称的事项"
    assert {i.code: i for i in after}[closed.code].state is ItemState.CLOSED
    assert added in after
    assert core.store.catalogue_size() == len(after) == len(before) + 1  # versions count once
    kept = {i.code: i for i in before}
    same = [i for i in after if i.code not in (changed.code, closed.code, added.code)]
    assert all(i is kept[i.code] for i in same)  # unchanged items stay the same objects


def test_a_save_between_the_check_and_the_read_is_read_next_time(
    core: KioskCore, kiosk_home: Path
) -> None:
    """The revision is read before the rows: a save in between is read again, never lost."""
    core.store.save_catalogue(ITEMS)
    services = _checking_every_time(core)
    services.catalogue()
    first = dataclasses.replace(ITEMS[1], name="第一次修改")
    core.store.save_catalogue([first])
    revision_read = core.store.catalogue_revision()
    second = dataclasses.replace(ITEMS[2], name="第二次修改")
    core.store.save_catalogue([second])  # lands after the revision was read
    changes = core.store.catalogue_changes(revision_read - 1)
    assert {i.code for i in changes} == {first.code, second.code}
    held = services.catalogue()
    names = {i.code: i.name for i in held}
    assert names[first.code] == "第一次修改" and names[second.code] == "第二次修改"


def test_rows_saved_before_revisions_were_kept_are_read_in_full_once(
    core: KioskCore,
) -> None:
    """A terminal upgraded with a catalogue already saved: revision 0, read whole once."""
    core.store.save_catalogue(ITEMS)
    core.store.conn.raw.execute("UPDATE catalogue SET revision = 0")
    core.store.conn.raw.execute("DELETE FROM meta WHERE key = 'catalogue:revision'")
    assert core.store.catalogue_revision() == 0
    services = _checking_every_time(core)
    assert services.catalogue() == core.store.catalogue()
    update = dataclasses.replace(ITEMS[5], name="升级后第一次保存")
    core.store.save_catalogue([update])
    assert core.store.catalogue_revision() == 1
    assert [i for i in services.catalogue() if i.code == update.code] == [update]


def test_a_new_store_item_list_matches_the_order_of_a_full_read(core: KioskCore) -> None:
    """Items joining in another category land where a full read puts them."""
    core.store.save_catalogue(ITEMS[:50])
    services = _checking_every_time(core)
    services.catalogue()
    joining: list[ServiceItem] = [
        dataclasses.replace(item, category="民政", code=f"A-aa-{n:05d}")
        for n, item in enumerate(ITEMS[50:60])
    ]
    core.store.save_catalogue(joining)
    assert services.catalogue() == core.store.catalogue()
