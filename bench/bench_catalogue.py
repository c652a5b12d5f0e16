"""Catalogue search over 5,000 items (hanzi and pinyin initials), against a floor; counted and timed.

Figures (issue 16, goal 5: p95 <= 10 ms):
- every name's pinyin initials from the kiosk's table and from pypinyin (which it replaced):
  time against lower-casing every name, heap each one holds, names on which they disagree;
- ``search`` as shipped, warm (each item prepared once, by the first search) and cold (the
  first search after the catalogue is loaded: it computes every name's pinyin initials);
- the field-by-field scan it replaced (every field lower-cased on every keystroke, the
  initials from an lru_cache of 1,024 names), for the before/after table;
- floor: a bare substring test over a list of lower-cased names (no initials, keywords or
  codes): the least any search over 5,000 items can cost in Python.
Python function calls per search are counted with ``sys.setprofile`` (exact).

The catalogue as the journey holds it (``CoreServices.catalogue``, a real store in a temporary
directory): the check made at most every 30 s when nothing changed, the same check after a
save of one item (that item read and merged), and a full read and parse of every item (what
each check cost before it was incremental), against the floor of one ``meta`` read.

The heap of the 5,000 items parsed from their stored documents, with equal questions,
materials and texts shared (as shipped) and not, for the generated catalogue and for the same
items with every question reworded for its item alone; floor: the documents' UTF-8 bytes.

With ``--ui``, the item list's cost is measured too: building the result tiles and laying
out the first page (``ui.paging.PagedList``, offscreen Qt) for 50, 500 and 5,000 hits, as
the item screen builds them (at most ``TILES_AT_ONCE`` tiles and a 再显示 tile) and, for
comparison, with a tile for every hit (what the screen did before).

Usage: .venv/bin/python -m bench.bench_catalogue [--items 5000] [--rounds 20] [--cores 1] [--ui]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import cores
from kiosk.catalogue import ServiceItem, search
from kiosk.pinyin_initials import pinyin_initials
from tests.core.test_catalogue_search import generated_catalogue

HANZI = ["养老", "证明", "社会", "户口", "补贴", "低保", "残疾人", "老年卡", "登记", "银行"]
INITIALS = ["ylbx", "zm", "sh", "hk", "bt", "db", "cjr", "lnk", "dj", "yh", "y", "s"]


def _pypinyin_initials(text: str) -> str:
    """The initials as they were computed before the kiosk's own table: pypinyin's."""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(ch for ch in "".join(letters).lower() if ch.isascii() and ch.isalpha())


@functools.lru_cache(maxsize=1024)  # as before issue 16
def _old_initials(text: str) -> str:
    return _pypinyin_initials(text)


def old_search(items: list[ServiceItem], query: str) -> list[ServiceItem]:
    """The search before issue 16 (its own 1,024-name initials cache, as it had)."""
    needle = query.strip().lower()
    if not needle:
        return list(items)
    return [
        item
        for item in items
        if needle in item.name.lower()
        or needle in _old_initials(item.name)
        or any(needle in keyword.lower() for keyword in item.keywords)
        or needle == item.code.lower()
    ]


def _times(fn: Callable[[str], object], queries: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            fn(query)
            out.append((time.perf_counter() - start) * 1000)
    return out


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _calls(fn: Callable[[], object]) -> int:
    calls = 0

    def profile(_frame: object, event: str, _arg: object) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return calls


def page_cost(hits: int, *, every_hit: bool = False) -> float:
    """ms to build the result tiles of ``hits`` and lay out the first page.

    As the item screen does (``ui.screens.find_item_screen``: ``TILES_AT_ONCE`` tiles, then
    one 再显示 tile), or with ``every_hit`` a tile for each hit.
    """
    from PySide6.QtWidgets import QApplication

    from ui.paging import PagedList, rows_of
    from ui.screens.find_item_screen import TILES_AT_ONCE
    from ui.widgets import button

    app = QApplication.instance() or QApplication([])
    paged = PagedList("items", spacing=8)
    paged.resize(900, 1200)
    paged.show()
    start = time.perf_counter()
    built = hits if every_hit else min(hits, TILES_AT_ONCE)
    tiles = [
        button(f"事项{i}\n县人力资源和社会保障局", f"item_{i}", "primary") for i in range(built)
    ]
    if built < hits:
        tiles.append(button(f"再显示 {TILES_AT_ONCE} 项（还有 {hits - built} 项）", "more_items"))
    paged.set_rows(rows_of(tiles, 1, 8))
    app.processEvents()
    elapsed = (time.perf_counter() - start) * 1000
    paged.close()
    paged.deleteLater()
    app.processEvents()
    return elapsed


def _unique_questions(items: list[ServiceItem]) -> list[ServiceItem]:
    """The same items with every question and material worded for that item alone: what
    sharing equal ones cannot help (a catalogue whose items repeat nothing)."""
    import dataclasses

    return [
        dataclasses.replace(
            item,
            form=tuple(dataclasses.replace(f, label=f"{f.label}{i}") for f in item.form),
            materials=tuple(dataclasses.replace(m, note=f"{m.note}{i}") for m in item.materials),
        )
        for i, item in enumerate(items)
    ]


def held_heap(items: list[ServiceItem]) -> None:
    """Heap of the catalogue as the journey holds it, parsed from its stored documents, with
    and without equal questions, materials and texts shared (``kiosk.interning``).

    Floor: the stored documents themselves (their UTF-8 bytes), what holding the catalogue
    as text would take. "Not shared" parses with the sharing switched off, in this run.
    """
    import gc
    import json

    from kiosk import catalogue, interning
    from kiosk.catalogue import item_from_dict, item_to_dict

    def heap_of(bodies: list[str]) -> float:
        gc.collect()
        before = _heap_mb()
        held = [item_from_dict(json.loads(body)) for body in bodies]
        after = _heap_mb()
        del held
        gc.collect()
        return after - before

    def unshared(bodies: list[str]) -> float:
        names = ("_FIELDS", "_MATERIALS", "text")
        saved = {name: getattr(catalogue, name) for name in names}
        for name in ("_FIELDS", "_MATERIALS"):
            setattr(catalogue, name, lambda made: made)
        setattr(catalogue, "text", lambda value: value)  # noqa: B010
        try:
            return heap_of(bodies)
        finally:
            for name, value in saved.items():
                setattr(catalogue, name, value)

    assert interning.text is getattr(catalogue, "text")  # noqa: B009
    print(f"heap of {len(items):,} items held (MB; floor: their stored documents as UTF-8)")
    print(f"{'catalogue':<44} {'floor':>7} {'shared':>7} {'×':>5} {'not shared':>11} {'×':>5}")
    for label, variant in (
        ("generated (questions repeat across items)", items),
        ("every question and material unique", _unique_questions(items)),
    ):
        bodies = [json.dumps(item_to_dict(item), ensure_ascii=False) for item in variant]
        floor = sum(len(body.encode()) for body in bodies) / 1e6
        shared, not_shared = heap_of(bodies), unshared(bodies)
        print(
            f"{label:<44} {floor:>7.1f} {shared:>7.1f} {shared / floor:>5.1f} "
            f"{not_shared:>11.1f} {not_shared / floor:>5.1f}"
        )


def held_catalogue(items: list[ServiceItem], rounds: int) -> None:
    """What keeping the journey's catalogue current costs: a check, a change, a full read."""
    import dataclasses
    import os
    import tempfile

    from kiosk.core import KioskCore
    from kiosk.paths import DataDir
    from kiosk.usecases.resident import CoreServices

    home = tempfile.mkdtemp(prefix="kiosk-bench-catalogue-")
    os.environ["KIOSK_HOME"] = home
    core = KioskCore.open(DataDir(Path(home)))
    try:
        core.store.save_catalogue(items)
        services = CoreServices(core)  # checks at every call
        before = _heap_mb()
        held = services.catalogue()  # new objects, parsed from the store
        after_load = _heap_mb()
        search(held, "养老")  # their search index
        after_index = _heap_mb()

        def check(_: str) -> object:
            return services.catalogue()

        def one_changed_samples(n: int) -> list[float]:
            """A save of one item (untimed: it is the sync's), then the timed check."""
            out = []
            for round_ in range(n):
                renamed = dataclasses.replace(items[round_ % 50], name=f"改名{round_}")
                core.store.save_catalogue([renamed])
                start = time.perf_counter()
                services.catalogue()
                out.append((time.perf_counter() - start) * 1000)
            return out

        def floor(_: str) -> object:
            return core.store.get_meta("catalogue:revision")

        def full(_: str) -> object:
            return core.store.catalogue()

        queries = HANZI[:5]
        base = _p(_times(floor, queries, rounds), 0.95)
        print(f"catalogue held by the journey, {len(items):,} items (ms; floor: one meta read)")
        print(f"{'':<34} {'p50':>8} {'p95':>8} {'floor p95':>10} {'ratio':>7}")
        for label, samples in (
            ("check, nothing changed", _times(check, queries, rounds)),
            ("check after a save of one item", one_changed_samples(rounds * len(queries))),
            ("full read and parse (before)", _times(full, queries[:1], max(2, rounds // 4))),
        ):
            p95 = _p(samples, 0.95)
            print(
                f"{label:<34} {statistics.median(samples):>8.3f} {p95:>8.3f} {base:>10.3f} "
                f"{p95 / base:>7.1f}"
            )
        print(
            f"heap (RssAnon) of the held catalogue: +{after_load - before:.1f} MB; "
            f"its search index: +{after_index - after_load:.1f} MB "
            "(the initials table, loaded earlier in this run, not included)"
        )
    finally:
        core.close()


def _heap_mb() -> float:
    """The process's anonymous memory (RssAnon), after a full collection."""
    import gc

    from bench.procstatus import memory_mb

    gc.collect()
    return memory_mb()["anon_mb"]


def initials_cost(items: list[ServiceItem]) -> None:
    """Every name's initials from the kiosk's table and from pypinyin: time, heap, agreement.

    Run first, before anything in this process has loaded pypinyin, so that its heap is seen.
    Floor: lower-casing every name (a per-name string operation with no table behind it).
    """
    from kiosk.pinyin_initials import _table

    names = [item.name for item in items]

    def timed(fn: Callable[[str], object]) -> float:
        start = time.perf_counter()
        for name in names:
            fn(name)
        return (time.perf_counter() - start) * 1000

    floor = min(timed(str.lower) for _ in range(3))
    before = _heap_mb()
    _table()
    table_mb = _heap_mb() - before
    table_ms = min(timed(pinyin_initials) for _ in range(3))
    before = _heap_mb()
    import pypinyin  # noqa: F401

    pypinyin_mb = _heap_mb() - before
    pypinyin_ms = min(timed(_pypinyin_initials) for _ in range(3))
    differ = sum(pinyin_initials(name) != _pypinyin_initials(name) for name in names)
    print(f"initials of {len(names):,} names (ms; floor: lower-casing every name {floor:.1f} ms)")
    print(f"{'source':<28} {'ms':>7} {'× floor':>8} {'heap MB':>8}")
    print(
        f"{'kiosk table (shipped)':<28} {table_ms:>7.1f} {table_ms / floor:>8.0f} {table_mb:>8.1f}"
    )
    print(
        f"{'pypinyin (before)':<28} {pypinyin_ms:>7.1f} {pypinyin_ms / floor:>8.0f} "
        f"{pypinyin_mb:>8.1f}"
    )
    print(f"names whose initials differ between the two: {differ}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--ui", action="store_true", help="also the item list's page cost")
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)
    items = generated_catalogue(args.items)
    initials_cost(items)
    names = [item.name.lower() for item in items]

    def floor(query: str) -> list[str]:
        needle = query.strip().lower()
        return [name for name in names if needle in name]

    start = time.perf_counter()
    search(items, "养老")
    cold = (time.perf_counter() - start) * 1000
    print(f"{args.items:,} items; rounds {args.rounds}")
    print(
        f"{'query kind':<10} {'search':<26} {'p50 ms':>8} {'p95 ms':>8} {'floor p95':>10} "
        f"{'ratio':>6} {'calls':>7}"
    )
    for kind, queries in (("hanzi", HANZI), ("initials", INITIALS)):
        base = _times(floor, queries, args.rounds)
        candidates: list[tuple[str, Callable[[str], object]]] = [
            ("shipped (warm)", lambda q: search(items, q)),
            ("field by field (before)", lambda q: old_search(items, q)),
        ]
        for label, fn in candidates:
            samples = _times(fn, queries, args.rounds)
            calls = _calls(functools.partial(fn, queries[0]))
            print(
                f"{kind:<10} {label:<26} {statistics.median(samples):>8.2f} "
                f"{_p(samples, 0.95):>8.2f} {_p(base, 0.95):>10.2f} "
                f"{_p(samples, 0.95) / _p(base, 0.95):>6.1f} {calls:>7,}"
            )
    print(f"first search after loading (prepares every item): {cold:.0f} ms")
    held_catalogue(items, args.rounds)
    held_heap(items)
    if args.ui:
        print("tiles built + first page laid out (ms)")
        print(f"{'hits':>6} {'as the screen builds them':>26} {'a tile for every hit':>22}")
        for hits in (50, 500, 5000):
            print(f"{hits:>6} {page_cost(hits):>26.0f} {page_cost(hits, every_hit=True):>22.0f}")
    cores.report_end()


if __name__ == "__main__":
    main()
