"""电子证照: fetch the holder's e-licences that stand for an item's materials (issue 13, item 2).

Why the rules are here and not in the screen: a using unit may fetch only the licences one
holder authorised, for one matter (05-government-practice §2: Xiangyang's rules, the
e-licence API's 事项编码 + 业务流水号). So a lookup happens only

- for the holder of the **ID card read in this visit** (``Session.by_card``; a typed
  number proves nothing about who typed it), while that card is **still on the reader**;
- after the holder's own tap on 同意调取本人电子证照 (shown and read aloud), recorded with
  its text and time, covering exactly the types asked;
- for **only the licence types this item's materials name** as e-licences (the platform
  refuses any other type as well);
- with the application's id, minted before filing, as the business reference: the
  platform's log and the filed application name the same id.

The application keeps references (type, number, issuer, sha-256 of the licence data), not
images; each licence's hash is checked against its data before it is kept. Offline, not
found, expired or refused: a plain Chinese sentence that says so and names the next route
(promise where the material allows it, else the counter or staff), never a dead end.

The platform is reached through :class:`LicencePort` (the real one signs HTTP requests:
``sync.licences.HttpLicencePort``); the core never imports HTTP.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from kiosk.application import LicenceRef
from kiosk.cardholder import CardHolder
from kiosk.catalogue import Material, Route, ServiceItem
from kiosk.ids import uuid7

log = logging.getLogger(__name__)

CONSENT_TITLE = "同意调取本人电子证照"


class LicenceUnavailableError(Exception):
    """The library cannot be reached or did not answer verifiably (offline, busy, revoked)."""


class LicenceRefusedError(Exception):
    """The library answered, signed, that it will not look these licences up."""


@dataclass(frozen=True, slots=True)
class LicenceQuery:
    """One lookup as the port sends it."""

    business_ref: str
    service_code: str
    holder_id_number: str
    licence_types: tuple[str, ...]
    consent_text: str
    agreed_at: dt.datetime

    def __repr__(self) -> str:
        return f"LicenceQuery({self.service_code!r}, {self.licence_types!r}, <holder hidden>)"


@dataclass(frozen=True, slots=True)
class FetchedLicence:
    licence_type: str
    number: str
    issuer: str
    data: Mapping[str, str]
    sha256: str

    def __repr__(self) -> str:
        return f"FetchedLicence({self.licence_type!r}, <data hidden>)"


@dataclass(frozen=True, slots=True)
class LicenceAnswer:
    licences: tuple[FetchedLicence, ...]
    missing: tuple[tuple[str, str], ...] = ()  # (licence type, "not_found" | "expired")


class LicencePort(Protocol):
    """The platform's e-licence library; raises the two errors above, else answers."""

    def lookup(self, query: LicenceQuery) -> LicenceAnswer: ...


@dataclass(frozen=True, slots=True)
class LicenceConsent:
    """The holder's tap on 同意调取本人电子证照: what was shown, when, for which types."""

    text: str
    agreed_at: dt.datetime
    licence_types: frozenset[str]


class LicenceProblem(StrEnum):
    NO_CARD = "no_card"  # not identified by a card read in this visit
    CARD_REMOVED = "card_removed"  # the card left the reader
    NO_CONSENT = "no_consent"
    OFFLINE = "offline"
    REFUSED = "refused"
    NOT_FOUND = "not_found"
    EXPIRED = "expired"
    UNVERIFIED = "unverified"  # a licence whose hash does not match its data


@dataclass(frozen=True)
class LicenceOutcome:
    """What a lookup gave: a reference per material obtained, and a sentence for the rest."""

    found: dict[str, LicenceRef] = field(default_factory=dict)  # material name → reference
    failed: tuple[str, ...] = ()  # material names not obtained
    problem: LicenceProblem | None = None
    message: str = ""  # plain Chinese: what happened and the next route ("" when all found)


def licence_materials(item: ServiceItem) -> list[Material]:
    """The item's materials an e-licence can stand for (route e_licence, with its type)."""
    return [m for m in item.materials if m.allows(Route.E_LICENCE) and m.licence_type]


def consent_text(item: ServiceItem, materials: Sequence[Material]) -> str:
    """The sentence shown, read aloud and recorded with the holder's tap."""
    kinds = "、".join(f"《{t}》" for t in dict.fromkeys(m.licence_type for m in materials))
    return (
        f"本人同意本机从电子证照库调取本人的{kinds}，仅用于办理“{item.name}”，"
        "调取记录由平台留存备查。调取时请保持身份证放在读卡器上。"
    )


def licence_data_hash(data: Mapping[str, str]) -> str:
    """sha-256 of the licence data's canonical JSON (the platform's ``licence_hash``)."""
    canonical = json.dumps(dict(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


_WHAT = {
    LicenceProblem.NO_CARD: "调取电子证照需要读取您本人的身份证。",
    LicenceProblem.CARD_REMOVED: "身份证已经从读卡器上拿开了，为保护您的信息，只能在本人身份证放在读卡器上时调取。",
    LicenceProblem.NO_CONSENT: "您还没有同意调取电子证照。",
    LicenceProblem.OFFLINE: "现在连不上电子证照库（网络不通），没能调取{names}。",
    LicenceProblem.REFUSED: "电子证照库没有同意这次调取{names}。",
    LicenceProblem.NOT_FOUND: "电子证照库里没有找到您的{names}。",
    LicenceProblem.EXPIRED: "电子证照库里您的{names}已过有效期。",
    LicenceProblem.UNVERIFIED: "调取到的{names}核对不一致，没有采用。",
}


def _names(materials: Iterable[Material]) -> str:
    return "、".join(f"《{m.name}》" for m in materials)


def next_route(materials: Sequence[Material], problem: LicenceProblem) -> str:
    """The next way to finish, said plainly: put the card back, promise, or the counter."""
    if problem in (LicenceProblem.NO_CARD, LicenceProblem.CARD_REMOVED):
        return "请把身份证放在读卡器上，再选一次“免提交（调取电子证照）”。"
    if materials and all(m.promisable for m in materials):
        return "您可以改选“承诺后补”，先把申请交上，以后再补交材料。"
    return "您可以点“预约窗口 / 上门服务”预约到窗口办理或申请上门服务，也可以请工作人员帮您代办。"


def _message(problem: LicenceProblem, materials: Sequence[Material]) -> str:
    return _WHAT[problem].format(names=_names(materials)) + next_route(materials, problem)


def _precheck(
    types: Sequence[str],
    holder: CardHolder | None,
    card_present: bool,
    consent: LicenceConsent | None,
) -> LicenceProblem | None:
    """The holder's card read in this visit, still on the reader, and their consent."""
    if holder is None:
        return LicenceProblem.NO_CARD
    if not card_present:
        return LicenceProblem.CARD_REMOVED
    if consent is None or not set(types) <= consent.licence_types:
        return LicenceProblem.NO_CONSENT
    return None


def _judge(answer: LicenceAnswer, wanted: Sequence[Material]) -> LicenceOutcome:
    """Keep only what was asked and verifies; say plainly what is missing and why."""
    types = {m.licence_type for m in wanted}
    by_type: dict[str, LicenceRef] = {}
    unverified: set[str] = set()
    for lic in answer.licences:
        if lic.licence_type not in types:
            continue  # never keep what was not asked for
        if licence_data_hash(lic.data) != lic.sha256:
            unverified.add(lic.licence_type)
            continue
        by_type[lic.licence_type] = LicenceRef(lic.licence_type, lic.number, lic.issuer, lic.sha256)
    expired = {kind for kind, reason in answer.missing if reason == "expired"}
    found = {m.name: by_type[m.licence_type] for m in wanted if m.licence_type in by_type}
    failed = [m for m in wanted if m.name not in found]
    if not failed:
        return LicenceOutcome(found=found)
    if any(m.licence_type in unverified for m in failed):
        problem = LicenceProblem.UNVERIFIED
    elif all(m.licence_type in expired for m in failed):
        problem = LicenceProblem.EXPIRED
    else:
        problem = LicenceProblem.NOT_FOUND
    return LicenceOutcome(
        found=found,
        failed=tuple(m.name for m in failed),
        problem=problem,
        message=_message(problem, failed),
    )


def refusal(materials: Sequence[Material], problem: LicenceProblem) -> LicenceOutcome:
    """Nothing obtained for ``materials``, with the plain sentence for ``problem``."""
    return LicenceOutcome(
        failed=tuple(m.name for m in materials),
        problem=problem,
        message=_message(problem, materials),
    )


def fetch_licences(
    port: LicencePort,
    *,
    item: ServiceItem,
    materials: Sequence[Material],
    holder: CardHolder | None,
    card_present: bool,
    consent: LicenceConsent | None,
    application_id: str,
) -> LicenceOutcome:
    """Fetch the licences standing for ``materials`` of ``item``, under the rules above."""
    wanted = [m for m in materials if m in licence_materials(item)]
    if len(wanted) != len(materials):
        raise ValueError("a material without an e-licence route was asked for")
    if not wanted:
        return LicenceOutcome()
    types = tuple(dict.fromkeys(m.licence_type for m in wanted))

    def refuse(problem: LicenceProblem) -> LicenceOutcome:
        return refusal(wanted, problem)

    problem = _precheck(types, holder, card_present, consent)
    if problem is not None:
        return refuse(problem)
    assert holder is not None and consent is not None
    query = LicenceQuery(
        business_ref=application_id,
        service_code=item.code,
        holder_id_number=holder.id_number,
        licence_types=types,
        consent_text=consent.text,
        agreed_at=consent.agreed_at,
    )
    try:
        answer = port.lookup(query)
    except LicenceUnavailableError:
        log.info("e-licence lookup for %s: library unreachable", item.code)
        return refuse(LicenceProblem.OFFLINE)
    except LicenceRefusedError:
        log.warning("e-licence lookup for %s refused by the library", item.code)
        return refuse(LicenceProblem.REFUSED)
    outcome = _judge(answer, wanted)
    log.info(
        "e-licence lookup for %s: %d asked, %d found", item.code, len(types), len(outcome.found)
    )
    return outcome


class LicenceDesk:
    """What the journey holds: the port, the clock, and the minting of the business reference."""

    def __init__(self, port: LicencePort, clock: Callable[[], dt.datetime]) -> None:
        self.port = port
        self.clock = clock

    def new_application_id(self) -> str:
        """The id the application will be filed under, minted now for the lookup to name."""
        return str(uuid7(int(self.clock().timestamp() * 1000)))

    def consent(self, item: ServiceItem, materials: Sequence[Material]) -> LicenceConsent:
        """Record the holder's tap on the consent shown for ``materials``."""
        return LicenceConsent(
            consent_text(item, materials),
            self.clock(),
            frozenset(m.licence_type for m in materials),
        )

    def fetch(
        self,
        *,
        item: ServiceItem,
        materials: Sequence[Material],
        holder: CardHolder | None,
        card_present: bool,
        consent: LicenceConsent | None,
        application_id: str,
    ) -> LicenceOutcome:
        return fetch_licences(
            self.port,
            item=item,
            materials=materials,
            holder=holder,
            card_present=card_present,
            consent=consent,
            application_id=application_id,
        )

    def prepare(
        self,
        *,
        item: ServiceItem,
        materials: Sequence[Material],
        holder: CardHolder | None,
        card_present: bool,
        consent: LicenceConsent | None,
        application_id: str,
    ) -> PendingLookup:
        """The lookup as :meth:`fetch` would make it, to be run later, on any thread."""
        return PendingLookup(
            self, item, tuple(materials), holder, card_present, consent, application_id
        )


@dataclass(frozen=True, eq=False)
class PendingLookup:
    """One lookup the holder agreed to, ready to :meth:`run` on a worker thread.

    Why it exists: on a dead link the platform client waits up to its timeout (8 s), and a
    touchscreen frozen that long looks broken to the resident standing at it. The journey
    hands one of these out on 同意调取 (``Journey.start_licence_lookup``) and takes the
    outcome back on its own thread, where it alone can tell whether the visit that asked is
    still there. :meth:`run` touches only the port and the values captured here, never the
    session. Compared by identity (``eq=False``): two lookups are never "the same" one, so a
    late answer cannot pass for the current lookup of the next resident.
    """

    desk: LicenceDesk
    item: ServiceItem
    materials: tuple[Material, ...]
    holder: CardHolder | None = field(repr=False)
    card_present: bool
    consent: LicenceConsent | None = field(repr=False)
    application_id: str

    def run(self) -> LicenceOutcome:
        """The lookup itself (blocks up to the client's timeout)."""
        return self.desk.fetch(
            item=self.item,
            materials=self.materials,
            holder=self.holder,
            card_present=self.card_present,
            consent=self.consent,
            application_id=self.application_id,
        )

    def refused(self, problem: LicenceProblem) -> LicenceOutcome:
        """The outcome when this lookup's answer cannot be used (e.g. the card left the reader)."""
        return refusal(self.materials, problem)
