"""Materials and their routes: how a visit ends without a dead end (issue 13, items 1 and 3).

Each material of an item says in the catalogue how a kiosk can satisfy it
(:class:`kiosk.catalogue.Route`: scan, e-licence, promise, counter). A material
photographed by a *required* attachment field is needed at filing; a kiosk
without a document camera must then get it by another route, or the resident
would be sent to the counter (the dead end of issue 13). This module answers,
as pure functions:

- which ways a resident without a camera can finish an item
  (:func:`routes_without_camera`: ``file``, ``e_licence``, ``promise``,
  ``book_window``, ``home_visit``), for ``kiosk catalogue --json``, the guide and
  the walker (scripts/walk_items.py);
- the state of every material of a filed application (:class:`MaterialState`:
  submitted, 免提交 by e-licence, promised with its due date, to bring), stored
  with the application, uploaded, printed on the receipt and the commitment slip;
- the promise rules (容缺受理 / 告知承诺): the due date is ``promise_days``
  working days from the acceptance day (before acceptance: estimated from the
  filing day as :mod:`kiosk.deadlines` does), never later than the item's own
  time limit; a promise is due soon (a reminder for staff) and then lapsed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from kiosk.catalogue import FieldType, Material, Route, ServiceItem, TrustLevel
from kiosk.workdays import WorkCalendar


class ItemRoute(StrEnum):
    """How a visit at a kiosk without a camera can end for one item (no route: the counter)."""

    FILE = "file"  # nothing needs a scan: filed as it is
    E_LICENCE = "e_licence"  # the e-licence library stands for the papers (item 2)
    PROMISE = "promise"  # filed under a commitment to bring the papers (item 3)
    BOOK_WINDOW = "book_window"  # a window slot booked to show the papers (item 4)
    HOME_VISIT = "home_visit"  # staff come to the resident's home (item 4)


BUILT: frozenset[ItemRoute] = frozenset(ItemRoute)
"""Routes whose journey exists today: all of them since booking and home visits (item 4);
a route added to the data before its journey would show in the walker's table as
"needs ROUTE (not built yet)"."""

NEEDS_PLATFORM: frozenset[ItemRoute] = frozenset({ItemRoute.E_LICENCE})
"""Routes that cannot finish offline (the e-licence library is on the platform)."""


class MaterialChoice(StrEnum):
    """What the resident chose for a material needed at filing that the kiosk cannot scan."""

    PROMISE = "promise"  # 承诺后补
    SEEN = "seen"  # 我带了材料: staff assisting saw the original (assisted filing only)
    E_LICENCE = "e_licence"  # 免提交: fetched from the e-licence library (item 2)


class MaterialStatus(StrEnum):
    """A material's state on a filed application."""

    SUBMITTED = "submitted"  # photographed here, or its original seen by staff
    E_LICENCE = "e_licence"  # 免提交: an e-licence stands for it
    PROMISED = "promised"  # to be brought by ``due_on`` under the resident's commitment
    TO_BRING = "to_bring"  # to be shown when the department accepts (originals, unscanned copies)

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    MaterialStatus.SUBMITTED: "已提交",
    MaterialStatus.E_LICENCE: "免提交（电子证照）",
    MaterialStatus.PROMISED: "承诺后补",
    MaterialStatus.TO_BRING: "请携带",
}


class PromiseStatus(StrEnum):
    """Where a promised material stands, as the staff queue shows it."""

    OUTSTANDING = "outstanding"  # promised, not yet due
    DUE_SOON = "due_soon"  # the reminder: due within REMIND_WORKDAYS working days
    LAPSED = "lapsed"  # the due date passed without the material
    RECEIVED = "received"  # a clerk marked it received

    @property
    def label(self) -> str:
        return {
            "outstanding": "待补交",
            "due_soon": "即将到期",
            "lapsed": "已逾期，承诺失效",
            "received": "已补交",
        }[self.value]


REMIND_WORKDAYS = 2
"""A promise due within this many working days is shown to staff as a reminder."""


@dataclass(frozen=True, slots=True)
class MaterialState:
    """One material of a filed application: what happened to it, and how far it is trusted.

    Material names and states are not personal data (the catalogue's words and dates);
    ``seen_by`` is a staff number.
    """

    name: str
    status: MaterialStatus
    trust: TrustLevel | None = None  # None while nothing has arrived (to bring, promised: D)
    due_on: dt.date | None = None  # promised: bring it by this day
    seen_by: str = ""  # staff number who saw the original (assisted filing)
    received_on: dt.date | None = None  # promised, then marked received by a clerk

    def promise_status(self, today: dt.date, calendar: WorkCalendar) -> PromiseStatus | None:
        """None unless promised; else outstanding, due soon (reminder), lapsed or received."""
        if self.status is not MaterialStatus.PROMISED or self.due_on is None:
            return None
        if self.received_on is not None:
            return PromiseStatus.RECEIVED
        if today > self.due_on:
            return PromiseStatus.LAPSED
        if calendar.add_workdays(today, REMIND_WORKDAYS) >= self.due_on:
            return PromiseStatus.DUE_SOON
        return PromiseStatus.OUTSTANDING

    def line(self) -> str:
        """``居民户口簿：承诺后补，2026年12月17日前``, as receipts, slips and screens say it."""
        from kiosk.deadlines import fmt_day  # deadlines imports the application, which imports us

        text = f"{self.name}：{self.status.label}"
        if self.status is MaterialStatus.PROMISED and self.due_on is not None:
            text += f"，{fmt_day(self.due_on)}前"
            if self.received_on is not None:
                text += f"（{fmt_day(self.received_on)}已补交）"
        return text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status.value}
        if self.trust is not None:
            out["trust"] = self.trust.value
        if self.due_on is not None:
            out["due_on"] = self.due_on.isoformat()
        if self.seen_by:
            out["seen_by"] = self.seen_by
        if self.received_on is not None:
            out["received_on"] = self.received_on.isoformat()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MaterialState:
        return cls(
            name=str(data["name"]),
            status=MaterialStatus(data["status"]),
            trust=TrustLevel(data["trust"]) if data.get("trust") else None,
            due_on=dt.date.fromisoformat(data["due_on"]) if data.get("due_on") else None,
            seen_by=str(data.get("seen_by", "")),
            received_on=dt.date.fromisoformat(data["received_on"])
            if data.get("received_on")
            else None,
        )


@dataclass(frozen=True, slots=True)
class Commitment:
    """The 告知承诺书 the resident confirmed with 我承诺; ``staff_id`` when staff assisted."""

    text: str
    confirmed_at: dt.datetime
    staff_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "confirmed_at": self.confirmed_at.isoformat()}
        if self.staff_id:
            out["staff_id"] = self.staff_id
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Commitment:
        return cls(
            text=str(data["text"]),
            confirmed_at=dt.datetime.fromisoformat(data["confirmed_at"]),
            staff_id=data.get("staff_id") or None,
        )


# -- what an item needs at filing -------------------------------------------------------------


def required_photo_fields(item: ServiceItem) -> list[str]:
    """Keys of the attachment fields a filing cannot do without."""
    return [f.key for f in item.form if f.type is FieldType.ATTACHMENT and f.required]


def needed_at_filing(item: ServiceItem) -> list[Material]:
    """Materials photographed by a required attachment field: without a camera, another route."""
    keys = set(required_photo_fields(item))
    return [m for m in item.materials if m.field in keys]


def fields_without_material(item: ServiceItem) -> list[str]:
    """Required attachment fields no material stands for: only a person can bring them."""
    linked = {m.field for m in item.materials}
    return [key for key in required_photo_fields(item) if key not in linked]


def routes_without_camera(item: ServiceItem) -> tuple[ItemRoute, ...]:
    """The ways a resident without a camera can finish ``item``; never empty.

    ``file`` when nothing needs a scan. Otherwise every needed material must come by
    e-licence or promise for those routes to finish the visit (a required photo no
    material stands for rules both out); showing the papers at a booked window slot,
    or to staff on a home visit, always remains.
    """
    if not required_photo_fields(item):
        return (ItemRoute.FILE,)
    routes: list[ItemRoute] = []
    needed = needed_at_filing(item)
    if not fields_without_material(item) and all(
        m.allows(Route.E_LICENCE) or m.promisable for m in needed
    ):
        if any(m.allows(Route.E_LICENCE) for m in needed):
            routes.append(ItemRoute.E_LICENCE)
        if any(m.promisable for m in needed):
            routes.append(ItemRoute.PROMISE)
    return (*routes, ItemRoute.BOOK_WINDOW, ItemRoute.HOME_VISIT)


def choices_offered(material: Material, *, assisted: bool) -> tuple[MaterialChoice, ...]:
    """What the materials step offers for one needed material (withdrawing is always offered).

    A promise only where the catalogue grants it; "I brought it" only with staff beside
    the resident (without a camera nobody else can look at the paper).
    """
    offered: list[MaterialChoice] = []
    if material.promisable:
        offered.append(MaterialChoice.PROMISE)
    if assisted:
        offered.append(MaterialChoice.SEEN)
    return tuple(offered)


def can_finish_here(item: ServiceItem, *, camera: bool, assisted: bool) -> bool:
    """Whether a filing can be completed at this kiosk with the routes built today."""
    if camera or not required_photo_fields(item):
        return True
    if fields_without_material(item):
        return False  # a photo of the person (现场照片): only a camera or the counter
    if assisted:
        return True  # staff beside the resident see the originals
    return all(choices_offered(m, assisted=False) for m in needed_at_filing(item))


# -- the promise rules ---------------------------------------------------------------------------


def promise_due(
    calendar: WorkCalendar,
    item: ServiceItem,
    material: Material,
    filed_on: dt.date,
    accepted_on: dt.date | None = None,
) -> dt.date:
    """The day a promised material must be brought by.

    ``promise_days`` working days from the acceptance day (that day not counted); before
    the department accepted, estimated from the filing day as 预计办结 is (the next working
    day when filed on a holiday). Never later than the item's own time limit counted the
    same way: a missing paper cannot outlast the decision that needs it.
    """
    start = accepted_on if accepted_on is not None else calendar.next_workday(filed_on)
    own = calendar.add_workdays(start, material.promise_days)
    limit = calendar.add_workdays(start, item.time_limit_days)
    return min(own, limit)


def material_states(
    item: ServiceItem,
    *,
    photographed: Iterable[str],
    choices: Mapping[str, MaterialChoice],
    due: Mapping[str, dt.date],
    staff_id: str | None = None,
) -> tuple[MaterialState, ...]:
    """Every material of ``item`` with its state at filing, in the notice's order.

    ``photographed`` are the attachment fields with a photo, ``choices`` the resident's
    choice per material name, ``due`` the due date of each promised one.
    """
    shot = set(photographed)
    states: list[MaterialState] = []
    for m in item.materials:
        choice = choices.get(m.name)
        if m.field and m.field in shot:
            state = MaterialState(m.name, MaterialStatus.SUBMITTED, TrustLevel.C)
        elif choice is MaterialChoice.PROMISE:
            state = MaterialState(m.name, MaterialStatus.PROMISED, TrustLevel.D, due[m.name])
        elif choice is MaterialChoice.SEEN:
            state = MaterialState(
                m.name, MaterialStatus.SUBMITTED, TrustLevel.B, seen_by=staff_id or ""
            )
        elif choice is MaterialChoice.E_LICENCE:
            state = MaterialState(m.name, MaterialStatus.E_LICENCE, TrustLevel.A)
        else:
            state = MaterialState(m.name, MaterialStatus.TO_BRING)
        states.append(state)
    return tuple(states)


def commitment_text(item: ServiceItem, promised: Sequence[tuple[str, dt.date]]) -> str:
    """The 告知承诺书 for ``promised`` (name, due date) pairs, from the item's template."""
    from kiosk.deadlines import fmt_day

    listing = "、".join(f"《{name}》（{fmt_day(day)}前）" for name, day in promised)
    last = max((day for _, day in promised), default=None)
    return item.commitment_template.format(
        item=item.name, materials=listing, due=fmt_day(last) if last else ""
    )


def outstanding_promises(
    states: Iterable[MaterialState], today: dt.date, calendar: WorkCalendar
) -> list[tuple[MaterialState, PromiseStatus]]:
    """Promised materials not yet received, with their status (for the staff queue)."""
    out: list[tuple[MaterialState, PromiseStatus]] = []
    for state in states:
        status = state.promise_status(today, calendar)
        if status is not None and status is not PromiseStatus.RECEIVED:
            out.append((state, status))
    return out


def mark_received(
    states: Sequence[MaterialState], name: str, on: dt.date
) -> tuple[MaterialState, ...]:
    """The states with the promised material ``name`` marked received ``on`` that day."""
    if not any(s.name == name and s.status is MaterialStatus.PROMISED for s in states):
        raise KeyError(name)
    return tuple(
        replace(s, received_on=on) if s.name == name and s.status is MaterialStatus.PROMISED else s
        for s in states
    )
