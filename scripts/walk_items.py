"""Walk the resident journey for every catalogue item, with a card and no camera (issue 13).

For each item the walker does what a resident at a kiosk without a document
camera can do today, through the real journey (kiosk.journey.Journey on the
real core, a throwaway KIOSK_HOME): card on the reader, the item, 开始填写,
and where papers are needed, the materials step (承诺后补 for each, the
commitment confirmed with 我承诺), the form answered, 提交. It prints one
table row per item: how the visit ended, online and offline, and the routes
the catalogue names that are not built yet.

Ends: ``filed``, ``filed with promise`` (today), and for routes still to come
(issue 13 items 2 and 4) ``needs e_licence (not built yet)``, ``needs
book_window (not built yet)``. Offline, an e-licence cannot be fetched, so
that route is not counted. A row with no route at all would be a dead end:
``counter (no route)``; the test (tests/core/test_walk_items.py) fails on it.

    .venv/bin/python scripts/walk_items.py            # Markdown table on stdout
    .venv/bin/python scripts/walk_items.py --json     # one object per item

The Markdown table is the one in docs/ui.md ("Every item without a camera").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.application import Application
from kiosk.cardholder import CardHolder, CardType
from kiosk.catalogue import FieldType, ServiceItem
from kiosk.core import KioskCore
from kiosk.journey import Journey, Step
from kiosk.materials import (
    BUILT,
    NEEDS_PLATFORM,
    ItemRoute,
    MaterialChoice,
    MaterialStatus,
    routes_without_camera,
)
from kiosk.usecases.resident import CoreServices

# A made-up resident with a valid check digit, aged over 80 (高龄津贴 asks for it).
HOLDER = CardHolder(
    card_type=CardType.RESIDENT,
    name="李秀英",
    id_number="130608194404123025",
    gender="女",
    nation="汉",
    birth_date=dt.date(1944, 4, 12),
    address="河北省保定市清苑区东闾乡南王庄村一二三号",
)

FILED = "filed"
FILED_PROMISE = "filed with promise"


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    routes: tuple[str, ...]  # routes_without_camera
    online: str
    offline: str
    pending: tuple[str, ...]  # routes the catalogue names that are not built yet

    @property
    def dead_end(self) -> bool:
        return "no route" in self.online or "no route" in self.offline


class _Printer:
    """Paper is not the walker's business (the tap test decodes real slips)."""

    def print_receipt(self, application: Application, *, reprint: bool) -> None:
        pass

    def print_notice(self, item: ServiceItem) -> None:
        pass

    def print_result(self, application: Application) -> None:
        pass

    def print_commitment(self, application: Application) -> None:
        pass


def _answer(journey: Journey) -> str:
    field = journey.current_field()
    if field.options:
        return field.options[0]
    known = journey.session.answers.get(field.key, "")
    if known:
        return known
    return {
        FieldType.PHONE: "13812345678",
        FieldType.ID_NUMBER: HOLDER.id_number,
        FieldType.NUMBER: str(max(field.min_value or 1, 1)),
        FieldType.DATE: "2026-01-05",
        FieldType.ATTACHMENT: "",
    }.get(field.type, "南王庄村委会")


def file_item(journey: Journey, code: str) -> Application | None:
    """Drive one visit; the application filed, or None when the journey offers no way today."""
    journey.home()
    journey.card_inserted(HOLDER)
    if journey.step is Step.DRAFT_OFFER:
        journey.discard_draft()
    journey.choose_item(code)
    journey.begin_form()
    if journey.step is Step.GUIDE:  # refused: this item cannot finish here today
        return None
    if journey.step is Step.MATERIALS:
        for material in journey.needed_here():
            if MaterialChoice.PROMISE not in journey.choices_for(material):
                return None
            journey.choose_material(material.name, MaterialChoice.PROMISE)
        journey.materials_done()
        assert journey.step is Step.PROMISE, journey.session.error
        journey.promise()
    for _ in range(100):
        if journey.step is not Step.FORM:
            break
        journey.answer(_answer(journey))
        error = journey.session.error
        if error is not None:
            raise RuntimeError(f"{code}: {error.field}: {error.message}")
    assert journey.step is Step.REVIEW, journey.step
    journey.submit()
    error = journey.session.error
    if journey.step is not Step.SUBMITTED:
        raise RuntimeError(f"{code}: not filed: {error.message if error else journey.step}")
    return journey.session.application


def _end(item: ServiceItem, application: Application | None, *, online: bool) -> str:
    if application is not None:
        promised = any(m.status is MaterialStatus.PROMISED for m in application.materials)
        return FILED_PROMISE if promised else FILED
    usable = [r for r in routes_without_camera(item) if online or r not in NEEDS_PLATFORM]
    waiting = [r.value for r in usable if r not in BUILT]
    if not waiting:
        return "counter (no route)"
    if ItemRoute.E_LICENCE.value in waiting:
        return "needs e_licence (not built yet)"
    return f"needs {' or '.join(waiting)} (not built yet)"


def walk(core: KioskCore) -> list[Row]:
    journey = Journey(CoreServices(core), _Printer(), camera=False)
    rows: list[Row] = []
    for item in core.store.catalogue():
        if not item.accepts_new:
            continue
        application = file_item(journey, item.code)
        routes = routes_without_camera(item)
        ends = {online: _end(item, application, online=online) for online in (True, False)}
        pending = tuple(r.value for r in routes if r not in BUILT)
        rows.append(
            Row(
                item.code,
                item.name,
                tuple(r.value for r in routes),
                ends[True],
                ends[False],
                pending,
            )
        )
    journey.home()
    return rows


def markdown(rows: list[Row]) -> str:
    lines = [
        "| Item | 事项 | Routes without a camera | Online | Offline | Not built yet |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.code} | {r.name} | {', '.join(r.routes)} | {r.online} | {r.offline} "
            f"| {', '.join(r.pending) or '—'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per item")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="walk-items-") as home:
        os.environ["KIOSK_HOME"] = home
        core = KioskCore.open()
        try:
            rows = walk(core)
        finally:
            core.close()
    if args.json:
        print(
            json.dumps(
                [r.__dict__ | {"dead_end": r.dead_end} for r in rows], ensure_ascii=False, indent=2
            )
        )
    else:
        print(markdown(rows))
    return 1 if any(r.dead_end for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
