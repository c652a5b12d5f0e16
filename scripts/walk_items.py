"""Walk the resident journey for every catalogue item, with a card and no camera (issue 13).

For each item the walker does what a resident at a kiosk without a document
camera can do today, through the real journey (kiosk.journey.Journey on the
real core, a throwaway KIOSK_HOME): card on the reader, the item, 开始填写,
and where papers are needed, the materials step (承诺后补 for each, the
commitment confirmed with 我承诺), the form answered, 提交. Where nothing
finishes the item here, the booking step (issue 13 item 4): online the resident
(aged 82) takes the home visit offered first to her (申请上门服务, phone typed);
offline she books a window slot instead (预约窗口办理, 待确认 until the platform
confirms it on the next sync), so both booking routes are walked. It prints one
table row per item: how the visit ended, online and offline, and the routes
the catalogue names that are not built yet.

Ends: ``filed``, ``filed with e-licence`` (fetched from the loopback reference
platform's library after the holder's consent), ``filed with promise``,
``home visit requested``, ``window booked``. Both columns are real walks: online
against a loopback platform, offline with nothing behind the kiosk's client (the
lookup fails as on a dead link and the next route is taken). A row that ends at the
counter with nothing booked would be a dead end: ``counter (nothing booked)``; the test
(tests/core/test_walk_items.py) fails on it.

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.application import Application
from kiosk.booking import Booking, BookingKind
from kiosk.cardholder import CardHolder, CardType
from kiosk.catalogue import FieldType, ServiceItem
from kiosk.core import KioskCore
from kiosk.journey import Journey, Step
from kiosk.materials import (
    BUILT,
    NEEDS_PLATFORM,
    MaterialChoice,
    MaterialStatus,
    routes_without_camera,
)
from kiosk.usecases.booking import BookingDesk
from kiosk.usecases.elicence import LicenceDesk
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
FILED_ELICENCE = "filed with e-licence"
WINDOW_BOOKED = "window booked"
HOME_VISIT_REQUESTED = "home visit requested"
PHONE = "13812345678"


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
        return "nothing booked" in self.online or "nothing booked" in self.offline


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

    def print_booking(self, booking: Booking) -> None:
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


def _choose_materials(journey: Journey) -> bool:
    """At the materials step: the e-licence where the item allows it, else a promise; 下一步.

    An e-licence choice leads to the consent step (同意调取, the holder's tap) and the lookup;
    what the library could not give comes back unchosen, and a promise is tried for it.
    Returns False when some material has neither (the visit cannot finish here today).
    """
    for attempt in range(2):
        for material in journey.needed_here():
            if journey.session.choices.get(material.name) is not None:
                continue
            choices = journey.choices_for(material)
            if attempt == 0 and MaterialChoice.E_LICENCE in choices and journey.licences:
                journey.choose_material(material.name, MaterialChoice.E_LICENCE)
            elif MaterialChoice.PROMISE in choices:
                journey.choose_material(material.name, MaterialChoice.PROMISE)
            else:
                return False
        journey.materials_done()
        if journey.step is Step.ELICENCE_CONSENT:
            journey.agree_licences()  # the holder's tap; the lookup runs on the way
        if journey.step is not Step.MATERIALS:
            return True
    return False


def at(journey: Journey) -> Step:
    """The step now: a call, so mypy keeps no narrowing across the actions that move it."""
    return journey.step


def book_item(journey: Journey, *, online: bool) -> Booking | None:
    """From the guide or the materials step: 预约窗口办理 (offline) or 申请上门服务 (online)."""
    if at(journey) not in (Step.GUIDE, Step.MATERIALS) or journey.bookings is None:
        return None
    journey.book_instead()
    if at(journey) is not Step.BOOKING:
        return None
    if online:
        assert journey.home_visit_first, "an 82-year-old is offered the home visit first"
        journey.request_home_visit(PHONE)
    else:
        free = [o.slot for o in journey.slot_list().offers if not o.full]
        journey.book_window(free[0])
    if at(journey) is not Step.BOOKED:
        error = journey.session.error
        raise RuntimeError(f"not booked: {error.message if error else at(journey)}")
    return journey.session.booking


def visit(journey: Journey, code: str, *, online: bool) -> Application | Booking | None:
    """One visit: filed here, else booked; None only if neither (a dead end)."""
    application = file_item(journey, code)
    if application is not None:
        return application
    return book_item(journey, online=online)


def file_item(journey: Journey, code: str) -> Application | None:
    """Drive one visit; the application filed, or None when nothing finishes it here."""
    journey.home()
    journey.card_inserted(HOLDER)
    if at(journey) is Step.DRAFT_OFFER:
        journey.discard_draft()
    journey.choose_item(code)
    journey.begin_form()
    if at(journey) is Step.GUIDE:  # refused: this item cannot finish here today
        return None
    if at(journey) is Step.MATERIALS:
        if not _choose_materials(journey):
            return None
        if at(journey) is Step.PROMISE:
            journey.promise()
    for _ in range(100):
        if at(journey) is not Step.FORM:
            break
        journey.answer(_answer(journey))
        error = journey.session.error
        if error is not None:
            raise RuntimeError(f"{code}: {error.field}: {error.message}")
    assert at(journey) is Step.REVIEW, (code, at(journey), journey.session.error)
    journey.submit()
    error = journey.session.error
    if at(journey) is not Step.SUBMITTED:
        raise RuntimeError(f"{code}: not filed: {error.message if error else at(journey)}")
    return journey.session.application


def _end(item: ServiceItem, application: Application | Booking | None, *, online: bool) -> str:
    if isinstance(application, Booking):
        return WINDOW_BOOKED if application.kind is BookingKind.WINDOW else HOME_VISIT_REQUESTED
    if application is not None:
        statuses = {m.status for m in application.materials}
        if MaterialStatus.E_LICENCE in statuses:
            return FILED_ELICENCE
        return FILED_PROMISE if MaterialStatus.PROMISED in statuses else FILED
    usable = [r for r in routes_without_camera(item) if online or r not in NEEDS_PLATFORM]
    waiting = [r.value for r in usable if r not in BUILT]
    if not waiting:
        return "counter (nothing booked)"
    return f"needs {' or '.join(waiting)} (not built yet)"


def _walk_once(
    core: KioskCore, desk: LicenceDesk, *, online: bool
) -> dict[str, Application | Booking | None]:
    journey = Journey(
        CoreServices(core), _Printer(), camera=False, licences=desk, bookings=BookingDesk(core)
    )
    filed = {
        item.code: visit(journey, item.code, online=online)
        for item in core.store.catalogue()
        if item.accepts_new
    }
    journey.home()
    return filed


def _online_desk(core: KioskCore, root: Path) -> tuple[LicenceDesk, Callable[[], None]]:
    """A loopback reference platform with its e-licence library, and this kiosk enrolled on it."""
    from central.server import start_in_thread
    from sync.client import Credentials, PlatformClient, enrol
    from sync.licences import HttpLicencePort
    from sync.protocol import EnrolRequest
    from sync.signing import decode_secret

    url, stop = start_in_thread(root / "central.sqlite3")
    from central.db import CentralDB

    db = CentralDB(root / "central.sqlite3")
    code = db.new_enrol_code("130608001000")
    db.close()
    answer = enrol(url, EnrolRequest(code=code, region_code="130608001000", station_name="演示站"))
    client = PlatformClient(url, Credentials(answer.terminal_id, decode_secret(answer.secret)))

    def close() -> None:
        client.close()
        stop()

    return LicenceDesk(HttpLicencePort(client), core.clock), close


def _offline_desk(core: KioskCore) -> tuple[LicenceDesk, Callable[[], None]]:
    """The same port with no platform behind it: a lookup fails as on a dead link."""
    import socket

    from sync.client import Credentials, PlatformClient
    from sync.licences import HttpLicencePort

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = PlatformClient(f"http://127.0.0.1:{port}", Credentials("offline", b"0" * 32))
    return LicenceDesk(HttpLicencePort(client), core.clock), client.close


def walk(core: KioskCore, root: Path) -> list[Row]:
    ends: dict[bool, dict[str, Application | Booking | None]] = {}
    for online in (True, False):
        desk, close = _online_desk(core, root) if online else _offline_desk(core)
        try:
            ends[online] = _walk_once(core, desk, online=online)
        finally:
            close()
    rows: list[Row] = []
    for item in core.store.catalogue():
        if not item.accepts_new:
            continue
        routes = routes_without_camera(item)
        rows.append(
            Row(
                item.code,
                item.name,
                tuple(r.value for r in routes),
                _end(item, ends[True][item.code], online=True),
                _end(item, ends[False][item.code], online=False),
                tuple(r.value for r in routes if r not in BUILT),
            )
        )
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
            rows = walk(core, Path(home))
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
