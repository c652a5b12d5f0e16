"""The resident's journey at the touchscreen, as one UI-agnostic state machine.

The UI shows one screen per :class:`Step` and calls the methods of
:class:`Journey` when the resident taps; the journey validates with the core's
rules, files through the use cases behind :class:`JourneyServices`, and asks
:class:`PrintPort` for paper. Where each tap leads is not coded here but declared
as data in :mod:`kiosk.journey_flow` (one navigation table per sub-flow, and a
back stack). Nothing here knows about Qt, so every path of the journey is tested
without a screen (tests/core/test_journey.py).

Everything the resident told us lives in one :class:`Session`, wiped in place
at the end of the visit (finish, idle timeout), so no personal data outlives
the visit in memory. Drafts on disk are saved only for card holders and offered
back only to the same card (a typed ID number proves nothing about who typed it).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from kiosk.application import Applicant, Application, LicenceRef
from kiosk.booking import Booking, BookingKind, Slot, SlotList
from kiosk.cardholder import CardHolder
from kiosk.catalogue import FieldType, FormField, Material, Route, ServiceItem, search
from kiosk.errors import InvalidTransition, ValidationError
from kiosk.feedback import RatingLevel, RequestKind
from kiosk.forms import validate_field
from kiosk.identity import normalize_id_number, normalize_name
from kiosk.journey_flow import (
    Back,
    BackStack,
    Choice,
    Edge,
    Flow,
    Step,
    Tap,
    Then,
    Visit,
    flow_for,
    spec_of,
)
from kiosk.journey_session import (
    CARD_PREFILL,
    FieldError,
    Purpose,
    Session,
    first_unanswered,
    prefill,
)
from kiosk.materials import (
    MaterialChoice,
    can_finish_here,
    choices_offered,
    commitment_text,
    fields_without_material,
    needed_at_filing,
)
from kiosk.request_progress import RequestProgress
from kiosk.store import NewAttachment
from kiosk.usecases.booking import BookingDesk
from kiosk.usecases.elicence import (
    LicenceDesk,
    LicenceOutcome,
    LicenceProblem,
    PendingLookup,
    consent_text,
)

__all__ = [
    "CARD_PREFILL",
    "COUNTER_ONLY",
    "FieldError",
    "Flow",
    "Journey",
    "JourneyServices",
    "PrintPort",
    "Purpose",
    "Session",
    "Step",
    "Visit",
    "answers_in_order",
    "can_file_here",
    "photo_prompt",
]

log = logging.getLogger(__name__)


class JourneyServices(Protocol):
    """What the journey needs from the core; kiosk.usecases.resident implements it."""

    def catalogue(self) -> list[ServiceItem]: ...

    def most_used(self, limit: int) -> list[str]:
        """Codes of the items filed most often on this terminal, most used first."""
        ...

    def today(self) -> dt.date: ...

    def submit(
        self,
        item_code: str,
        applicant: Applicant,
        answers: dict[str, str],
        *,
        staff_id: str | None = None,
        consent: bool = False,
        attachments: Sequence[NewAttachment] = (),
        material_choices: Mapping[str, MaterialChoice] | None = None,
        commitment: str | None = None,
        licences: Sequence[LicenceRef] = (),
        application_id: str | None = None,
    ) -> Application:
        """Self-service without ``staff_id``; assisted (代办) with it, only after ``consent``.

        ``material_choices`` settle needed materials the kiosk could not photograph;
        ``commitment`` is the 告知承诺书 the resident confirmed for the promised ones;
        ``licences`` the e-licences fetched under ``application_id`` (the lookup's reference).
        """
        ...

    def promise_due(self, item: ServiceItem, material: Material) -> dt.date:
        """The day a material promised today must be brought by (kiosk.materials.promise_due)."""
        ...

    def save_draft(self, id_number: str, item_code: str, answers: dict[str, str]) -> None: ...

    def draft_for(self, id_number: str) -> tuple[str, dict[str, str]] | None: ...

    def discard_draft(self, id_number: str) -> None: ...

    def applications_of(self, id_number: str) -> list[Application]: ...

    def application(self, number: str) -> Application | None: ...

    def rate(self, application_number: str, level: RatingLevel, reason: str) -> None: ...

    def already_rated(self, application_number: str) -> bool: ...

    def file_request(
        self, kind: RequestKind, content: str, name: str, phone: str, id_number: str
    ) -> str: ...

    def requests_of(self, id_number: str) -> list[RequestProgress]:
        """A card holder's requests (诉求) with the platform's state and reply (issue 12)."""
        ...

    def request_progress(self, key: str) -> RequestProgress | None:
        """One request by its id or its look-up number (F + day + sequence)."""
        ...


class PrintPort(Protocol):
    """Paper, asked for without waiting: the UI's adapter prints on a device thread."""

    def print_receipt(self, application: Application, *, reprint: bool) -> None: ...

    def print_notice(self, item: ServiceItem) -> None: ...

    def print_result(self, application: Application) -> None: ...

    def print_commitment(self, application: Application) -> None:
        """The 告知承诺书 slip of an application filed with promised materials."""
        ...

    def print_booking(self, booking: Booking) -> None:
        """The slip of a window booking or a home-visit request (issue 13 item 4)."""
        ...


COUNTER_ONLY = (
    "这个事项需要提交材料照片，本机暂不能上传。请打印告知单，带齐材料到窗口办理，"
    "或请工作人员帮您代办。"
)


def can_file_here(item: ServiceItem, *, camera: bool = False, assisted: bool = False) -> bool:
    """Whether a visit for ``item`` can end in a filing here with the routes built today.

    Without a document camera, a material needed at filing must be promised (where the
    catalogue allows it) or seen by the assisting staff member; otherwise the item still
    goes to the counter (until booking and e-licences exist: see kiosk.materials).
    """
    return can_finish_here(item, camera=camera, assisted=assisted)


BOOK_INSTEAD = (
    "这个事项需要查看材料原件，本机不能拍照上传。您可以预约到乡镇便民服务中心窗口办理，"
    "或申请工作人员上门服务；也可以打印告知单，带齐材料再来。"
)
"""The guide's message where no route finishes the item here (no dead end: the booking buttons)."""

NOT_HERE_WITHOUT_STAFF = (
    "本机没有高拍仪，您带来的材料需要工作人员查看。请请工作人员帮您代办，或选择承诺后补。"
)
CHOOSE_EACH = "请为每一项材料选择办理方式。"


def photo_prompt(form_field: FormField) -> str:
    """What the capture step asks for one attachment field."""
    return f"请把《{form_field.label}》放在高拍仪下，点“拍照”。"


Listener = Callable[[Step], None]


class Journey:
    """The resident's visit. Methods are the taps; :attr:`step` is the screen to show.

    Each tap method checks the tap against the navigation table of the current
    sub-flow (:data:`~kiosk.journey_flow.FLOWS`), does its own validation, and
    then takes the table's edge. The step is never set by a tap: only the table
    (forward), the back stack (back) and the wipes (finish, home, timeout) move it.
    """

    def __init__(
        self,
        services: JourneyServices,
        printer: PrintPort,
        most_used: int = 6,
        *,
        camera: bool = False,
        licences: LicenceDesk | None = None,
        bookings: BookingDesk | None = None,
    ) -> None:
        self.services = services
        self.printer = printer
        # The platform's e-licence library (电子证照), when this kiosk has a platform.
        self.licences = licences
        # Window slots and home visits (预约 / 上门服务), when this kiosk offers them.
        self.bookings = bookings
        # A document camera is wired in: attachment fields become photo steps of the form.
        self.camera = camera
        self.session = Session()
        self.staff_number: str | None = None  # a signed-in staff member assists (代办)
        self._most_used = most_used
        self._listeners: list[Listener] = []
        self._at = Visit(Step.HOME)
        self._trail = BackStack()
        # The e-licence lookup running off the GUI thread for this step of this visit, if any.
        self._lookup: PendingLookup | None = None
        self._then: dict[Then, Callable[[], None]] = {
            Then.OFFER_DRAFT: self._offer_draft,
            Then.LIST_APPLICATIONS: self._list_applications,
            Then.FILE: self._file,
            Then.FETCH_LICENCES: self._fetch_licences,
        }

    # -- where we are --------------------------------------------------------------

    @property
    def step(self) -> Step:
        """The screen to show."""
        return self._at.step

    @property
    def flow(self) -> Flow:
        """The sub-flow the session is in (its purpose; for filing, assisted or not)."""
        return flow_for(self.session.purpose, assisted=self.assisted)

    @property
    def came_from(self) -> Visit | None:
        """Where "back" returns to (None: home)."""
        return self._trail.top

    @property
    def back_stack(self) -> tuple[Visit, ...]:
        """The path of this visit below the current step, oldest first."""
        return tuple(self._trail)

    # -- observation -------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(step)`` after every change (also when the step stays, e.g. an error)."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener(self.step)

    # -- running the tables ------------------------------------------------------------

    def _edge(self, tap: Tap, flow: Flow | None = None) -> Edge | None:
        return spec_of(flow or self.flow, self.step).on.get(tap)

    def _expect(self, tap: Tap, flow: Flow | None = None) -> Edge:
        edge = self._edge(tap, flow)
        if edge is None:
            raise InvalidTransition(f"{tap.value} not allowed at {self.step.value}")
        return edge

    def _take(self, edge: Edge, *, done: bool = False) -> None:
        """Do the edge's work (unless ``done`` already, off the GUI thread), let it choose the
        next step, and go there."""
        if edge.then is not None and not done:
            self._then[edge.then]()
        if edge.to is None:
            target = self._at
        elif isinstance(edge.to, Choice):
            target = edge.to.choose(self)
            if target.step not in edge.to.among:
                raise RuntimeError(f"{target.step.value} is not declared for this tap")
        else:
            target = Visit(edge.to)
        self._move(target)

    def _move(self, target: Visit) -> None:
        """Go forward to ``target``, keeping the back stack a path of this visit."""
        here = self._at
        if target.step in (Step.HOME, Step.END):  # the visit is over
            self.session.wipe()
            self._trail.reset()
        elif target == here:
            pass
        elif spec_of(self.flow, target.step).back is Back.FINISH:
            self._trail.reset()  # filed or shown: nothing before can be returned to
        elif self._trail.unwind_to(target):
            pass
        elif here.step in (Step.HOME, Step.END):
            self._trail.reset(Visit(Step.HOME))
        elif not spec_of(self.flow, here.step).transient:
            self._trail.push(here)
        self._arrive(target)

    def _arrive(self, visit: Visit) -> None:
        self._at = visit
        self._lookup = None  # any step change (back, 不同意, finish, the idle wipe) drops it
        if visit.step is Step.FORM:
            self.session.field_index = visit.index
        self._notify()

    def _stay(self) -> None:
        """The tap was refused with a message (``session.error``): same screen, redrawn."""
        self._notify()

    def _begin(self, purpose: Purpose) -> None:
        self.session.wipe()
        self.session.purpose = purpose

    # -- home and identification -------------------------------------------------------

    def start(self, purpose: Purpose) -> None:
        self._expect(Tap.START, flow_for(purpose, assisted=False))
        self._begin(purpose)
        self._take(self._expect(Tap.START))

    def card_inserted(self, holder: CardHolder) -> None:
        """A card was read. At home it starts filing; while identifying it identifies.

        Elsewhere it is ignored (the table has no card edge there): the card of the
        person already identified coming back changes nothing, and another person's
        card never joins a session.
        """
        if self.step in (Step.HOME, Step.END):
            self._begin(Purpose.APPLY)
        s = self.session
        if s.holder is not None and s.holder.id_number == holder.id_number:
            s.card_present = True  # the holder's card is back on the reader
        edge = self._edge(Tap.CARD)
        if edge is None:
            return
        s.holder = holder
        s.card_present = True
        s.applicant = Applicant(
            name=holder.name, id_number=holder.id_number, address=holder.address or ""
        )
        s.error = None
        self._take(edge)

    def card_removed(self) -> None:
        """Nothing is lost: the session stays until the resident finishes or the idle timer ends it.

        Only e-licences notice: they are fetched only while the card is on the reader, so a
        lookup still running is dropped at once and the resident is told why.
        """
        self.session.card_present = False
        lookup = self._lookup
        if lookup is not None and self.step is Step.ELICENCE_CONSENT:
            self._lookup = None
            self._licences_answered(lookup.refused(LicenceProblem.CARD_REMOVED))

    def choose_typing(self) -> None:
        """Type the ID number instead of reading the card.

        "My applications" never opens on a typed ID number (see its flow): without
        the card, the receipt's application number is the key.
        """
        edge = self._expect(Tap.TYPE_INSTEAD)
        self.session.error = None
        self._take(edge)

    def type_id_number(self, raw: str) -> None:
        edge = self._expect(Tap.ID_NUMBER)
        s = self.session
        try:
            s.typed_id_number = normalize_id_number(raw, self.services.today())
        except ValidationError as exc:
            s.error = FieldError("id_number", exc.message)
            self._stay()
            return
        s.error = None
        self._take(edge)

    def type_name(self, raw: str) -> None:
        edge = self._expect(Tap.NAME)
        s = self.session
        if not raw.strip():
            s.error = FieldError("name", "请填写您的姓名。")
            self._stay()
            return
        try:  # the one name rule, judged with the number it goes with (Latin for 9… cards)
            name = normalize_name(raw, s.typed_id_number)
        except ValidationError as exc:
            s.error = FieldError("name", exc.message)
            self._stay()
            return
        s.error = None
        s.applicant = Applicant(name=name, id_number=s.typed_id_number)
        self._take(edge)

    def _offer_draft(self) -> None:
        """Drafts are offered only to the card they were saved for."""
        s = self.session
        if not s.by_card:
            return
        draft = self.services.draft_for(s.id_number)
        if draft is not None and self._item(draft[0]) is not None:
            s.draft = draft

    def _list_applications(self) -> None:
        s = self.session
        s.applications[:] = self.services.applications_of(s.id_number)
        if self.bookings is not None:  # 预约 / 上门服务 too (issue 13 item 4)
            s.bookings[:] = self.bookings.bookings_of(s.id_number)
        s.requests[:] = self.services.requests_of(s.id_number)  # 诉求 and their replies

    # -- drafts --------------------------------------------------------------------------

    def resume_draft(self) -> None:
        """Continue the saved form where it was left; back walks the path it was filled on."""
        edge = self._expect(Tap.RESUME)
        s = self.session
        assert s.draft is not None
        code, answers = s.draft
        item = self._item(code)
        assert item is not None
        s.item = item
        s.answers.clear()
        s.answers.update(prefill(s, item))
        s.answers.update(answers)
        s.draft = None
        s.field_index = first_unanswered(s, self.questions())
        for visit in (Visit(Step.FIND_ITEM), Visit(Step.GUIDE)):
            self._trail.push(visit)
        if not self.needed_here():  # else the papers are settled first, from the guide
            for index in range(s.field_index):
                self._trail.push(Visit(Step.FORM, index))
        self._take(edge)

    def discard_draft(self) -> None:
        edge = self._expect(Tap.DISCARD)
        self.services.discard_draft(self.session.id_number)
        self.session.draft = None
        self._take(edge)

    # -- finding the item -------------------------------------------------------------------

    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self._open_items():
            seen.setdefault(item.category, None)
        return list(seen)

    def set_query(self, query: str) -> None:
        edge = self._expect(Tap.SEARCH)
        self.session.query = query
        self.session.category = None
        self._take(edge)

    def choose_category(self, category: str | None) -> None:
        edge = self._expect(Tap.SEARCH)
        self.session.category = category
        self.session.query = ""
        self._take(edge)

    def visible_items(self) -> list[ServiceItem]:
        """What the item screen lists: search hits, a category, or the most used first."""
        s = self.session
        items = self._open_items()
        if s.query.strip():
            return search(items, s.query)
        if s.category is not None:
            return [i for i in items if i.category == s.category]
        by_code = {i.code: i for i in items}
        used = [by_code[c] for c in self.services.most_used(self._most_used) if c in by_code]
        rest = [i for i in items if i not in used]
        return (used + rest)[: self._most_used]

    def choose_item(self, code: str) -> None:
        edge = self._expect(Tap.ITEM)
        item = self._item(code)
        s = self.session
        if item is None or not item.accepts_new:
            s.error = FieldError("service_code", "这个事项暂时不能在本机办理，请咨询工作人员。")
            self._stay()
            return
        s.error = None
        if s.item is None or s.item.code != code:
            s.answers.clear()
            s.choices.clear()  # what was chosen or promised was for the other item's papers
            s.commitment = ""
            s.promised = False
        s.item = item
        self._take(edge)

    def print_notice(self) -> None:
        self._expect(Tap.PRINT_NOTICE)
        assert self.session.item is not None
        self.printer.print_notice(self.session.item)

    # -- the form ---------------------------------------------------------------------------------

    def begin_form(self) -> None:
        edge = self._expect(Tap.BEGIN)
        s = self.session
        assert s.item is not None
        if not (
            can_file_here(s.item, camera=self.camera, assisted=self.assisted)
            or self._licences_could_finish(s.item)
        ):
            s.error = FieldError(
                "service_code", BOOK_INSTEAD if self.bookings is not None else COUNTER_ONLY
            )
            self._stay()
            return
        for key, value in prefill(s, s.item).items():
            s.answers.setdefault(key, value)
        s.error = None
        s.field_index = 0
        self._take(edge)

    # -- materials the kiosk cannot photograph (容缺受理 / 告知承诺) ------------------------------

    def needed_here(self) -> list[Material]:
        """Materials needed at filing that this kiosk cannot photograph (none with a camera)."""
        item = self.session.item
        if item is None or self.camera:
            return []
        return needed_at_filing(item)

    def choices_for(self, material: Material) -> tuple[MaterialChoice, ...]:
        """What the materials step offers for ``material`` (withdrawing is always offered):
        免提交 by e-licence first, for the holder of a card read in this visit."""
        offered = choices_offered(material, assisted=self.assisted)
        if self._licence_route(material):
            return (MaterialChoice.E_LICENCE, *offered)
        return offered

    # -- 电子证照 (issue 13 item 2) ------------------------------------------------------------

    def _licence_route(self, material: Material) -> bool:
        return (
            self.licences is not None
            and self.session.by_card
            and material.allows(Route.E_LICENCE)
            and bool(material.licence_type)
        )

    def _licences_could_finish(self, item: ServiceItem) -> bool:
        """Every needed material can come some way here once e-licences are offered."""
        if self.licences is None or not self.session.by_card or fields_without_material(item):
            return False
        return all(self.choices_for(m) for m in self.needed_here())

    def licences_to_fetch(self) -> list[Material]:
        """Materials chosen 免提交 whose e-licence has not been fetched yet."""
        s = self.session
        return [
            m
            for m in self.needed_here()
            if s.choices.get(m.name) is MaterialChoice.E_LICENCE and m.name not in s.licences
        ]

    def licence_consent_text(self) -> str:
        """The consent shown and read aloud: which licences, for which item."""
        item = self.session.item
        return consent_text(item, self.licences_to_fetch()) if item is not None else ""

    def agree_licences(self) -> None:
        """同意调取: the holder's own tap records the consent, then the lookup runs here
        (scripts and the core's tests; the touchscreen uses :meth:`start_licence_lookup`)."""
        edge = self._expect(Tap.AGREE)
        s = self.session
        assert s.item is not None and self.licences is not None
        s.licence_consent = self.licences.consent(s.item, self.licences_to_fetch())
        s.error = None
        self._take(edge)

    def decline_licences(self) -> None:
        """不同意: nothing is fetched; back to the choices to pick another way."""
        edge = self._expect(Tap.DECLINE)
        s = self.session
        for material in self.licences_to_fetch():
            s.choices.pop(material.name, None)
        s.licence_consent = None
        s.error = None
        self._take(edge)

    def start_licence_lookup(self) -> PendingLookup | None:
        """同意调取 on the touchscreen: the consent is recorded and the lookup handed out.

        The caller runs :meth:`PendingLookup.run` off the GUI thread (a dead link takes the
        client's whole timeout) and hands the outcome back with :meth:`licence_lookup_done`;
        meanwhile the step stays, :attr:`licence_lookup_pending` is true and the screen says
        it is looking. None: nothing to run — the card is already off the reader (answered
        at once, the journey moved on) or a lookup is already running.
        """
        edge = self._expect(Tap.AGREE)
        if self._lookup is not None:
            return None
        s = self.session
        assert s.item is not None and self.licences is not None
        s.licence_consent = self.licences.consent(s.item, self.licences_to_fetch())
        s.error = None
        lookup = self._prepare_lookup()
        if not s.card_present:  # refused here, without asking the platform
            self._licences_answered(lookup.run(), edge)
            return None
        self._lookup = lookup
        self._stay()
        return lookup

    @property
    def licence_lookup_pending(self) -> bool:
        """A lookup started by 同意调取 has not answered yet (the screen waits)."""
        return self._lookup is not None

    def licence_lookup_done(self, lookup: PendingLookup, outcome: LicenceOutcome) -> bool:
        """The outcome of ``lookup``, back on the journey's thread. Used only if ``lookup`` is
        still the one this visit is waiting for: after 不同意, 返回, 结束办理, the idle wipe or
        the card leaving the reader, a late answer is dropped, never shown to anyone (it may
        be the previous resident's licences). True when it was used."""
        if lookup is not self._lookup:
            return False
        self._lookup = None
        self._licences_answered(outcome)
        return True

    def _licences_answered(self, outcome: LicenceOutcome, edge: Edge | None = None) -> None:
        self._apply_licences(outcome)
        self._take(edge or self._expect(Tap.AGREE), done=True)

    def _prepare_lookup(self) -> PendingLookup:
        s = self.session
        assert s.item is not None and self.licences is not None
        if not s.application_id:
            s.application_id = self.licences.new_application_id()
        return self.licences.prepare(
            item=s.item,
            materials=self.licences_to_fetch(),
            holder=s.holder,
            card_present=s.card_present,
            consent=s.licence_consent,
            application_id=s.application_id,
        )

    def _fetch_licences(self) -> None:
        """The lookup, here and now (Then.FETCH_LICENCES of :meth:`agree_licences`)."""
        self._apply_licences(self._prepare_lookup().run())

    def _apply_licences(self, outcome: LicenceOutcome) -> None:
        """What was found is kept; what failed is unchosen, with a plain message."""
        s = self.session
        s.licences.update(outcome.found)
        for name in outcome.failed:
            s.choices.pop(name, None)
        s.licence_consent = None  # one consent, one lookup
        s.error = FieldError("licences", outcome.message) if outcome.message else None

    def choose_material(self, name: str, choice: MaterialChoice) -> None:
        """承诺后补 or 我带了材料 for one needed material; the screen stays for the others."""
        edge = self._expect(Tap.CHOOSE)
        s = self.session
        material = next((m for m in self.needed_here() if m.name == name), None)
        if material is None:
            return
        if choice not in self.choices_for(material):
            message = (
                NOT_HERE_WITHOUT_STAFF
                if choice is MaterialChoice.SEEN
                else f"《{name}》不能承诺后补。"
                + (
                    "可以点“预约窗口 / 上门服务”，或请工作人员代办。"
                    if self.bookings is not None
                    else "请带原件到窗口或请工作人员代办。"
                )
            )
            s.error = FieldError(f"material:{name}", message)
            self._stay()
            return
        s.choices[name] = choice
        s.promised = False  # a changed choice is a new commitment
        s.error = None
        self._take(edge)

    def materials_done(self) -> None:
        """下一步: every needed material chosen; the commitment is written for the promised ones."""
        edge = self._expect(Tap.MATERIALS_DONE)
        s = self.session
        assert s.item is not None
        needed = self.needed_here()
        missing = [m.name for m in needed if s.choices.get(m.name) not in self.choices_for(m)]
        if missing:
            s.error = FieldError(f"material:{missing[0]}", CHOOSE_EACH)
            self._stay()
            return
        promised = [
            (m.name, self.services.promise_due(s.item, m))
            for m in needed
            if s.choices.get(m.name) is MaterialChoice.PROMISE
        ]
        s.commitment = commitment_text(s.item, promised) if promised else ""
        s.error = None
        self._take(edge)

    def promised_materials(self) -> list[tuple[str, dt.date]]:
        """(name, due date) of what the resident is promising, as the commitment lists it."""
        s = self.session
        if s.item is None:
            return []
        return [
            (m.name, self.services.promise_due(s.item, m))
            for m in self.needed_here()
            if s.choices.get(m.name) is MaterialChoice.PROMISE
        ]

    def promise(self) -> None:
        """我承诺: the resident confirmed the commitment shown (and read aloud)."""
        edge = self._expect(Tap.PROMISE)
        self.session.promised = True
        self.session.error = None
        self._take(edge)

    # -- 预约窗口办理 / 申请上门服务 (issue 13 item 4) ------------------------------------------------

    @property
    def can_book(self) -> bool:
        """Booking is offered: a desk is wired in, an item chosen and the resident identified."""
        s = self.session
        return self.bookings is not None and s.item is not None and s.applicant is not None

    def book_instead(self) -> None:
        """预约窗口办理 / 申请上门服务 from the guide or the materials step."""
        edge = self._expect(Tap.BOOK)
        if not self.can_book:
            self.session.error = FieldError("booking", "请先读取身份证，再预约。")
            self._stay()
            return
        self.session.error = None
        self._take(edge)

    def slot_list(self) -> SlotList:
        assert self.bookings is not None
        return self.bookings.slots()

    @property
    def home_visit_first(self) -> bool:
        """Aged 70 or over by the card's birth date, or a 残疾人证 holder: 上门服务 is shown first."""
        s = self.session
        if self.bookings is None:
            return False
        birth = s.holder.birth_date if s.holder is not None else None
        types = [ref.licence_type for ref in s.licences.values()]
        return self.bookings.home_visit_first(birth, types, says_disabled=s.says_disabled)

    def declare_disability(self, holds: bool) -> None:
        """我持有残疾人证 (the resident's word): the home visit moves first."""
        edge = self._expect(Tap.DISABILITY)
        self.session.says_disabled = holds
        self._take(edge)

    def book_window(self, slot: Slot) -> None:
        """A slot chosen: the booking is filed (queued for the platform) and its slip printed."""
        self._book(Tap.BOOK_WINDOW, BookingKind.WINDOW, slot=slot)

    def request_home_visit(self, phone: str, address: str | None = None) -> None:
        """申请上门服务 with the phone staff will call; the address is the card's unless typed."""
        self._book(Tap.HOME_VISIT, BookingKind.HOME_VISIT, phone=phone, address=address)

    def _book(
        self,
        tap: Tap,
        kind: BookingKind,
        *,
        slot: Slot | None = None,
        phone: str = "",
        address: str | None = None,
    ) -> None:
        edge = self._expect(tap)
        s = self.session
        assert self.bookings is not None and s.item is not None and s.applicant is not None
        if address is None:
            address = s.applicant.address or (s.holder.address if s.holder else "") or ""
        try:
            booking = self.bookings.book(
                kind,
                s.item,
                name=s.applicant.name,
                id_number=s.applicant.id_number,
                address=address,
                slot=slot,
                phone=phone,
                priority=self.home_visit_first,
            )
        except ValidationError as exc:
            s.error = FieldError(exc.field or "booking", exc.message)
            self._stay()
            return
        s.error = None
        s.booking = booking
        log.info("%s filed", kind.value)
        self.printer.print_booking(booking)
        self._take(edge)

    def withdraw(self) -> None:
        """不办了: nothing is filed; the visit ends (a card holder's draft stays on disk)."""
        self._take(self._expect(Tap.WITHDRAW))

    def questions(self) -> list[FormField]:
        """The fields asked at the kiosk; attachments only with a camera (else at the counter)."""
        item = self.session.item
        if item is None:
            return []
        return [f for f in item.form if self.camera or f.type is not FieldType.ATTACHMENT]

    def current_field(self) -> FormField:
        return self.questions()[self.session.field_index]

    def answer(self, raw: str) -> None:
        """Validate one answer; on success move to the next question (or back to the review)."""
        edge = self._expect(Tap.ANSWER)
        s = self.session
        assert s.item is not None
        current = self.current_field()
        if current.type is FieldType.ATTACHMENT:
            if current.required and current.key not in s.photos:
                s.error = FieldError(current.key, f"请先拍照《{current.label}》。")
                self._stay()
                return
            s.error = None
            self._take(edge)
            return
        try:
            value = validate_field(current, raw, self.services.today())
        except ValidationError as exc:
            s.answers[current.key] = raw
            s.error = FieldError(current.key, exc.message)
            self._stay()
            return
        s.error = None
        s.answers[current.key] = value
        if s.by_card:
            self.services.save_draft(s.id_number, s.item.code, dict(s.answers))
        self._take(edge)

    # -- photos of papers (with a document camera) ------------------------------------------------

    def photo_taken(self, field_key: str, content: bytes, mime_type: str = "image/jpeg") -> None:
        """The camera's (already downscaled) photo for ``field_key``; shown, not yet confirmed.

        A photo arriving after the resident moved on (or the session was wiped) is dropped.
        """
        edge = self._edge(Tap.PHOTO)
        s = self.session
        if edge is None or s.item is None:
            return
        current = self.current_field()
        if current.key != field_key or current.type is not FieldType.ATTACHMENT:
            return
        suffix = {"image/jpeg": ".jpg", "image/png": ".png"}.get(mime_type, "")
        s.photos[field_key] = NewAttachment(field_key, field_key + suffix, mime_type, content)
        s.error = None
        self._take(edge)

    def photo_failed(self, field_key: str, message: str) -> None:
        """The camera could not take the photo: ``message`` (Chinese) is shown under the question."""
        edge = self._edge(Tap.PHOTO)
        if edge is None or self.current_field().key != field_key:
            return
        self.session.error = FieldError(field_key, message)
        self._take(edge)

    def retake(self) -> None:
        """重拍: forget the photo of the current field."""
        edge = self._expect(Tap.RETAKE)
        self.session.photos.pop(self.current_field().key, None)
        self.session.error = None
        self._take(edge)

    def edit(self, key: str) -> None:
        """From the review, change one answer and come back to the review."""
        edge = self._expect(Tap.EDIT)
        keys = [f.key for f in self.questions()]
        self.session.field_index = keys.index(key)
        self.session.error = None
        self._take(edge)

    def review_lines(self) -> list[tuple[str, str]]:
        """(label, answer) pairs shown and read aloud on the review screen."""
        s = self.session
        lines: list[tuple[str, str]] = []
        if s.applicant is not None:
            lines.append(("申请人", s.applicant.name))
        for form_field in self.questions():
            if form_field.type is FieldType.ATTACHMENT:
                taken = form_field.key in s.photos
                lines.append((form_field.label, "已拍照" if taken else "（未拍照）"))
                continue
            lines.append((form_field.label, s.answers.get(form_field.key, "") or "（未填写）"))
        return lines

    # -- assisted filing -----------------------------------------------------------------------

    def set_assisting(self, staff_number: str | None) -> None:
        """Staff signed in (their number) or out (None); spans visits, unlike the session."""
        self.staff_number = staff_number

    @property
    def assisted(self) -> bool:
        return self.staff_number is not None and not self.session.self_filed

    def consent(self, agreed: bool) -> None:
        """The resident's answer on the consent screen: agreeing files; declining files as their own.

        Declining leaves the assisted flow for the self-service one (``self_filed``)
        and returns to the review, where submitting files without staff.
        """
        edge = self._expect(Tap.AGREE if agreed else Tap.DECLINE)
        if agreed:
            self.session.consent = True
        else:
            self.session.self_filed = True
            self.session.error = None
        self._take(edge)

    # -- submit, rate, finish ---------------------------------------------------------------------------

    def submit(self) -> None:
        """提交 on the review: files (self-service), or asks the resident's consent (assisted)."""
        self._take(self._expect(Tap.SUBMIT))

    def _file(self) -> None:
        """File the application; a refusal leaves its message (and question) in the session."""
        s = self.session
        assert s.item is not None and s.applicant is not None
        s.application = None
        questions = self.questions()
        answers = {f.key: s.answers[f.key] for f in questions if s.answers.get(f.key)}
        staff = self.staff_number if self.assisted else None
        photos = [s.photos[f.key] for f in questions if f.key in s.photos]
        needed = {m.name for m in self.needed_here()}
        choices = {name: c for name, c in s.choices.items() if name in needed}
        fetched = {
            s.licences[name].licence_type: s.licences[name]
            for name, c in choices.items()
            if c is MaterialChoice.E_LICENCE and name in s.licences
        }
        try:
            application = self.services.submit(
                s.item.code,
                s.applicant,
                answers,
                staff_id=staff,
                consent=s.consent,
                attachments=photos,
                material_choices=choices,
                commitment=s.commitment if s.promised else None,
                licences=tuple(fetched.values()),
                application_id=s.application_id if fetched else None,
            )
        except ValidationError as exc:
            keys = [f.key for f in questions]
            s.error = FieldError(exc.field or "", exc.message)
            if exc.field in keys:
                s.field_index = keys.index(exc.field)
            return
        s.error = None
        s.application = application
        if s.by_card:
            self.services.discard_draft(s.id_number)
        log.info("application filed")
        self.printer.print_receipt(application, reprint=False)
        if application.commitment is not None:
            self.printer.print_commitment(application)

    def to_rating(self) -> None:
        edge = self._expect(Tap.TO_RATING)
        s = self.session
        assert s.application is not None
        s.rating_number = s.application.number
        self._take(edge)

    def rate(self, level: RatingLevel, reason: str = "") -> None:
        edge = self._expect(Tap.RATE)
        s = self.session
        try:
            self.services.rate(s.rating_number, level, reason)
        except ValidationError as exc:
            s.error = FieldError(exc.field or "reason", exc.message)
            self._stay()
            return
        s.rated.add(s.rating_number)
        self._take(edge)

    def skip_rating(self) -> None:
        self._take(self._expect(Tap.SKIP))

    def finish(self) -> None:
        """The resident is done: wipe the session and say goodbye."""
        self._move(Visit(Step.END))

    def timeout(self) -> None:
        """The idle countdown ran out: wipe and return home (drafts of card holders stay on disk)."""
        self._move(Visit(Step.HOME))

    def home(self) -> None:
        """Back to the home screen from the goodbye screen or by the resident's choice."""
        self._move(Visit(Step.HOME))

    # -- my applications and rating by number ---------------------------------------------------

    def lookup_number(self, raw: str) -> None:
        """A typed application number: its status (my applications) or its rating (好差评)."""
        edge = self._expect(Tap.NUMBER)
        s = self.session
        found = self.services.application(raw.strip())
        if found is None and s.purpose is Purpose.MY_APPLICATIONS and self.bookings is not None:
            booking = self.bookings.by_number(raw)  # the number on a booking slip
            if booking is not None:
                s.error = None
                s.applications.clear()
                s.bookings[:] = [booking]
                self._take(edge)
                return
        if found is None and s.purpose is Purpose.MY_APPLICATIONS:
            request = self.services.request_progress(raw)  # the number shown for a 诉求
            if request is not None and request.number:
                s.error = None
                s.applications.clear()
                s.requests[:] = [request]
                self._take(edge)
                return
        if found is None:
            s.error = FieldError("number", "没有找到这个办件编号，请核对回执上的编号。")
            self._stay()
            return
        s.error = None
        if s.purpose is Purpose.RATE:
            if found.number in s.rated or self.services.already_rated(found.number):
                s.error = FieldError("number", "这件办件已经评价过了，谢谢您。")
                self._stay()
                return
            s.rating_number = found.number
        else:
            s.applications[:] = [found]
        self._take(edge)

    def lookup_by_number_instead(self) -> None:
        edge = self._expect(Tap.BY_NUMBER)
        self.session.error = None
        self._take(edge)

    def reprint(self, number: str) -> None:
        self._expect(Tap.REPRINT)
        for application in self.session.applications:
            if application.number == number:
                self.printer.print_receipt(application, reprint=True)
                return

    def print_result(self, number: str) -> None:
        """Print the result notice the platform sent down for one of the listed applications."""
        self._expect(Tap.PRINT_RESULT)
        for application in self.session.applications:
            if application.number == number and application.result_notice:
                self.printer.print_result(application)
                return

    # -- requests ----------------------------------------------------------------------------------

    def file_request(self, kind: RequestKind, content: str, phone: str = "") -> None:
        edge = self._expect(Tap.REQUEST)
        s = self.session
        name = s.applicant.name if s.applicant is not None else ""
        try:
            s.request_id = self.services.file_request(kind, content, name, phone, s.id_number)
        except ValidationError as exc:
            s.error = FieldError(exc.field or "content", exc.message)
            self._stay()
            return
        s.error = None
        self._take(edge)

    # -- going back ---------------------------------------------------------------------------------

    def back(self) -> None:
        """One step back, to the one visited before, without losing anything typed.

        Where the step's table says the visit is done (a receipt or a list shown),
        back says goodbye; from the first step of a visit, it goes home.
        """
        self.session.error = None
        rule = spec_of(self.flow, self.step).back
        if rule is Back.FINISH:
            self.finish()
            return
        previous = self._trail.pop() if rule is Back.STACK else None
        if previous is None or previous.step is Step.HOME:
            self.home()
            return
        self._arrive(previous)

    # -- helpers ------------------------------------------------------------------------------------

    def _open_items(self) -> list[ServiceItem]:
        return [i for i in self.services.catalogue() if i.accepts_new]

    def _item(self, code: str) -> ServiceItem | None:
        for item in self.services.catalogue():
            if item.code == code:
                return item
        return None


def answers_in_order(fields: Sequence[FormField], answers: dict[str, str]) -> list[str]:
    """Answers listed in form order (helper for read-aloud and tests)."""
    return [answers.get(f.key, "") for f in fields]
