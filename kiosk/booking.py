"""Booking a window slot and requesting a home visit (预约 / 上门服务; issue 13, item 4).

When a paper must be seen at the counter, or the resident prefers it, a visit
ends with the next step booked instead of "请到窗口办理":

- a **window slot** at the township centre: half days (上午 / 下午) of working days,
  at least one working day ahead (预约办, 05-government-practice §4). The platform
  publishes the slots with their remaining capacity (``GET /v1/slots``); the kiosk
  caches the last answer and, with nothing cached, proposes the same shape from
  its own working-day calendar. A booking is queued like any other upload; until
  the platform confirmed it (the acknowledgement carries the confirmed slot, which
  may be another one when the slot filled up) the slip and 我的办件 say 待确认.
- a **home visit** (上门服务): village staff see the request in their queue and
  agree a time by phone. Offered first (shown first, larger) to residents aged 70
  or over by the card's birth date, and to 残疾人证 holders.

Pure rules only; the store keeps bookings (``kiosk/store/booking_queries.py``),
the use case is ``kiosk/usecases/booking.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk.states import DeliveryState
from kiosk.workdays import WorkCalendar

PRIORITY_AGE = 70
"""Residents this old or older are offered a home visit first (Wanyuan's 70+ priority)."""

DISABILITY_LICENCE = "残疾人证"
"""The licence type that makes its holder offered a home visit first."""

SLOT_DAYS = 5
"""How many working days of slots are offered (from the next working day on)."""


class BookingKind(StrEnum):
    WINDOW = "window"  # 预约窗口办理
    HOME_VISIT = "home_visit"  # 上门服务

    @property
    def label(self) -> str:
        return "预约窗口办理" if self is BookingKind.WINDOW else "上门服务"


class Half(StrEnum):
    AM = "am"
    PM = "pm"

    @property
    def label(self) -> str:
        return "上午 9:00—11:30" if self is Half.AM else "下午 14:00—17:00"


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """One half day at the township centre's window."""

    day: dt.date
    half: Half

    @property
    def key(self) -> str:
        """``2026-12-07/am``: the slot on the wire and in the store."""
        return f"{self.day.isoformat()}/{self.half.value}"

    @classmethod
    def parse(cls, key: str) -> Slot:
        day, _, half = key.partition("/")
        return cls(dt.date.fromisoformat(day), Half(half))

    @property
    def label(self) -> str:
        """``2026年12月7日（星期一）上午 9:00—11:30``, as screens and slips say it."""
        weekday = "一二三四五六日"[self.day.weekday()]
        return (
            f"{self.day.year}年{self.day.month}月{self.day.day}日（星期{weekday}）{self.half.label}"
        )


@dataclass(frozen=True, slots=True)
class SlotOffer:
    """A slot and how many places it still has (as the platform last said; None: not known)."""

    slot: Slot
    remaining: int | None = None

    @property
    def full(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


@dataclass(frozen=True, slots=True)
class SlotList:
    """What the booking step offers: the centre's name and its slots, from the platform or not."""

    centre: str
    offers: tuple[SlotOffer, ...]
    from_platform: bool  # False: proposed from the kiosk's calendar (never synced)
    as_of: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "centre": self.centre,
            "slots": [{"slot": o.slot.key, "remaining": o.remaining} for o in self.offers],
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlotList:
        return cls(
            centre=str(data["centre"]),
            offers=tuple(
                SlotOffer(Slot.parse(str(s["slot"])), s.get("remaining")) for s in data["slots"]
            ),
            from_platform=True,
            as_of=dt.datetime.fromisoformat(data["as_of"]) if data.get("as_of") else None,
        )


def slots_from(calendar: WorkCalendar, today: dt.date, days: int = SLOT_DAYS) -> list[Slot]:
    """Morning and afternoon of the next ``days`` working days, the earliest tomorrow.

    预约办 is booked at least one working day ahead: today is never offered.
    """
    out: list[Slot] = []
    day = today
    for _ in range(days):
        day = calendar.add_workdays(day, 1)
        out.extend((Slot(day, Half.AM), Slot(day, Half.PM)))
    return out


def offers_now(
    cached: SlotList | None, calendar: WorkCalendar, today: dt.date, centre: str
) -> SlotList:
    """The slots to show: the platform's cached list without past or too-near slots, else the
    calendar's proposal (the platform confirms or offers another on the next sync)."""
    earliest = calendar.add_workdays(today, 1)
    if cached is not None:
        offers = tuple(o for o in cached.offers if o.slot.day >= earliest)
        if offers:
            return SlotList(cached.centre or centre, offers, True, cached.as_of)
    return SlotList(centre, tuple(SlotOffer(s) for s in slots_from(calendar, today)), False)


def age_on(birth_date: dt.date, today: dt.date) -> int:
    """Full years of age on ``today``."""
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def home_visit_first(
    birth_date: dt.date | None, today: dt.date, licence_types: Iterable[str], *, says_disabled: bool
) -> bool:
    """Whether the home visit is offered first: aged 70 or over by the card's birth date, or a
    残疾人证 holder (an e-licence fetched in this visit says so, or the resident does)."""
    if birth_date is not None and age_on(birth_date, today) >= PRIORITY_AGE:
        return True
    return says_disabled or DISABILITY_LICENCE in set(licence_types)


class BookingStatus(StrEnum):
    """What the slip and 我的办件 say of a booking."""

    PENDING = "pending"  # 待确认: not yet confirmed by the platform
    CONFIRMED = "confirmed"  # 已确认: the platform holds the (possibly other) slot
    REQUESTED = "requested"  # a home visit: staff will phone to agree a time

    @property
    def label(self) -> str:
        return {
            "pending": "待确认",
            "confirmed": "已确认",
            "requested": "已申请，工作人员将电话联系您约定时间",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Booking:
    """A booked window slot or a requested home visit.

    Personal fields (name, ID number, phone, address) are stored encrypted and hidden
    from ``repr``; ``number`` is the look-up number printed on the slip.
    """

    id: str
    number: str
    kind: BookingKind
    service_code: str
    service_name: str
    centre: str
    materials: tuple[str, ...]  # what to bring: the one-time notice's materials
    created_at: dt.datetime
    requested_slot: Slot | None = None  # window: the slot chosen on screen
    confirmed_slot: Slot | None = None  # window: the platform's answer (may differ)
    priority: bool = False  # offered first (70+, 残疾人证)
    state: DeliveryState = DeliveryState.QUEUED
    name: str = field(default="", repr=False)
    id_number: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    address: str = field(default="", repr=False)

    @property
    def status(self) -> BookingStatus:
        if self.kind is BookingKind.HOME_VISIT:
            return BookingStatus.REQUESTED
        return BookingStatus.CONFIRMED if self.confirmed_slot is not None else BookingStatus.PENDING

    @property
    def slot(self) -> Slot | None:
        """The slot to come at: the confirmed one, else the one asked for."""
        return self.confirmed_slot or self.requested_slot

    @property
    def moved(self) -> bool:
        """The platform confirmed another slot than the one chosen (the chosen one was full)."""
        return (
            self.confirmed_slot is not None
            and self.requested_slot is not None
            and self.confirmed_slot != self.requested_slot
        )

    def slot_line(self) -> str:
        """``2026年12月7日（星期一）上午 9:00—11:30（已确认）``; a home visit's status."""
        if self.kind is BookingKind.HOME_VISIT:
            return self.status.label
        slot = self.slot
        text = slot.label if slot is not None else "时间待定"
        text += f"（{self.status.label}）"
        if self.moved:
            text += "，原选时段已满，平台已改约此时段"
        return text


def what_to_bring(materials: Sequence[str]) -> str:
    """``《居民身份证》、《居民户口簿》``: the one-time notice's materials, and the ID card
    (said once, even when the notice does not list it)."""
    listed = [f"《{m}》" for m in materials]
    if not any("身份证" in m for m in materials):
        listed.append("本人身份证")
    return "、".join(listed)


def bring_lines(materials: Sequence[str]) -> tuple[str, ...]:
    """The slip's 请携带 list: each material's original, and the ID card once."""
    lines = [f"《{m}》原件" for m in materials]
    if not any("身份证" in m for m in materials):
        lines.append("本人身份证")
    return tuple(lines)
