"""The resident's journey declared as data: one navigation table per sub-flow, and a back stack.

Like Electrum's wizard navmap, each step of a sub-flow declares which taps it
accepts and where each leads (a step, or a function of the session choosing
among named steps), what a tap does on the way (``then``: file the application,
look up a draft...), and how "back" behaves. :class:`kiosk.journey.Journey`
only runs these tables: a tap not listed for the current step is refused, so a
guard can never be satisfied by setting the step by hand. Filing is the
``then`` of exactly two edges: the review's submit in self-service, the consent
in assisted filing (代办).

Going back pops :class:`BackStack`, the path of the visit so far. It holds
positions (step and question), never answers: going back loses nothing typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from kiosk.catalogue import FormField, Material
from kiosk.journey_session import Purpose, Session
from kiosk.materials import MaterialChoice


class Step(StrEnum):
    """Every screen of the resident's journey; the router maps each to one screen."""

    HOME = "home"
    IDENTIFY = "identify"  # put the ID card on the reader, or choose to type the number
    TYPE_ID = "type_id"  # type the ID number (number pad)
    TYPE_NAME = "type_name"  # type the name (only when filing with a typed ID number)
    DRAFT_OFFER = "draft_offer"  # "you left a half-filled form: continue it?"
    FIND_ITEM = "find_item"  # category tiles, most used first, search
    GUIDE = "guide"  # guide and one-time notice; print and leave, or continue
    MATERIALS = "materials"  # no camera: per needed material promise / brought / withdraw
    PROMISE = "promise"  # the 告知承诺书, read aloud, confirmed with 我承诺
    ELICENCE_CONSENT = "elicence_consent"  # 同意调取本人电子证照, read aloud; then the lookup
    BOOKING = "booking"  # 预约窗口办理 (a slot) or 申请上门服务 (phone), issue 13 item 4
    BOOKED = "booked"  # the booking slip: number, slot or 待确认, what to bring
    FORM = "form"  # one question per screen
    REVIEW = "review"  # summary, read aloud, submit
    CONSENT = "consent"  # assisted filing: the resident's own tap consents to 代办
    SUBMITTED = "submitted"  # the application number, large
    RATING = "rating"  # 好差评, skippable
    LOOKUP = "lookup"  # type an application number (my applications, rating from home)
    MY_APPLICATIONS = "my_applications"  # statuses with "as of", reprint
    REQUEST = "request"  # 我要反映
    REQUEST_DONE = "request_done"
    END = "end"  # thank you; the session is already wiped


class Tap(StrEnum):
    """What the resident (or a device on their behalf) did; each is one method of the journey."""

    START = "start"  # a purpose tile on the home screen
    CARD = "card"  # an ID card was read
    TYPE_INSTEAD = "type_instead"  # no card: type the number instead
    BY_NUMBER = "by_number"  # no card: the receipt's application number instead
    ID_NUMBER = "id_number"
    NAME = "name"
    RESUME = "resume"  # continue the saved draft
    DISCARD = "discard"  # throw the saved draft away
    SEARCH = "search"  # a query or a category tile
    ITEM = "item"
    PRINT_NOTICE = "print_notice"
    BEGIN = "begin"  # 开始填写
    CHOOSE = "choose"  # one needed material: 承诺后补, or 我带了材料 (staff saw it)
    MATERIALS_DONE = "materials_done"  # 下一步 on the materials step
    WITHDRAW = "withdraw"  # 不办了
    PROMISE = "promise"  # 我承诺
    BOOK = "book"  # 预约窗口办理 / 申请上门服务 instead of filing here (guide, materials)
    BOOK_WINDOW = "book_window"  # a slot chosen: the window booking is filed
    HOME_VISIT = "home_visit"  # the home visit requested (phone given)
    DISABILITY = "disability"  # "我持有残疾人证": the home visit is offered first
    ANSWER = "answer"  # 下一步 on a question
    PHOTO = "photo"  # the document camera took (or failed to take) a photo
    RETAKE = "retake"
    EDIT = "edit"  # 修改 one answer from the review
    SUBMIT = "submit"
    AGREE = "agree"  # consent to assisted filing
    DECLINE = "decline"  # no: file it as my own
    TO_RATING = "to_rating"
    RATE = "rate"
    SKIP = "skip"
    NUMBER = "number"  # an application number typed or scanned
    REPRINT = "reprint"
    PRINT_RESULT = "print_result"
    REQUEST = "request"  # 我要反映 sent


class Flow(StrEnum):
    """The sub-flows; all share one :class:`~kiosk.journey_session.Session`."""

    IDLE = "idle"  # nobody has chosen anything yet
    FILE = "file"  # 办事, self-service
    ASSISTED = "assisted"  # 办事 with staff signed in: the resident's consent before filing
    MY_APPLICATIONS = "my_applications"  # 查进度
    RATE = "rate"  # 好差评 from the home screen
    REQUEST = "request"  # 我要反映


class Back(StrEnum):
    """What "back" does on a step."""

    STACK = "stack"  # to the step visited before (home when there is none)
    FINISH = "finish"  # the visit is done (something was filed or shown): goodbye, wiped
    HOME = "home"  # already home: wipe and stay


class Then(StrEnum):
    """Work a tap does on its way, before the next step is chosen (Electrum's ``accept``)."""

    OFFER_DRAFT = "offer_draft"  # a card holder's saved draft is looked up
    LIST_APPLICATIONS = "list_applications"  # the card holder's applications are read
    FILE = "file"  # the application is filed: the only way anything is submitted
    FETCH_LICENCES = "fetch_licences"  # the holder's e-licences are looked up (after consent)


@dataclass(frozen=True)
class Visit:
    """A position on the back stack: a step and, on the form, which question.

    ``again`` marks a question asked again from the review (修改, or the core
    refusing an answer when filing): answering it returns to the review.
    """

    step: Step
    index: int = 0
    again: bool = False


class FlowData(Protocol):
    """What a resolver may read to choose the next step: the session and the form's shape."""

    @property
    def session(self) -> Session: ...

    @property
    def came_from(self) -> Visit | None:
        """The visit "back" would return to."""
        ...

    def questions(self) -> list[FormField]: ...

    def needed_here(self) -> list[Material]:
        """Materials needed at filing that this kiosk cannot photograph (no camera)."""
        ...


@dataclass(frozen=True)
class Choice:
    """A next step chosen by a function of the session, among steps named up front.

    Naming them keeps the table readable and lets tests walk it: every step is
    reachable from home, and a resolver choosing an undeclared step is a bug.
    """

    choose: Callable[[FlowData], Visit]
    among: frozenset[Step]


@dataclass(frozen=True)
class Edge:
    """Where one tap leads: ``to`` a step, a :class:`Choice`, or ``None`` to stay on the screen."""

    to: Step | Choice | None = None
    then: Then | None = None

    def targets(self, here: Step) -> frozenset[Step]:
        if self.to is None:
            return frozenset({here})
        if isinstance(self.to, Choice):
            return self.to.among
        return frozenset({self.to})


@dataclass(frozen=True)
class StepSpec:
    """One step in one sub-flow: the taps it accepts and how "back" behaves.

    ``transient`` steps are questions answered once (keep the draft? consent?):
    they are never kept on the back stack, so "back" does not return to them.
    """

    on: Mapping[Tap, Edge] = field(default_factory=dict)
    back: Back = Back.STACK
    transient: bool = False


STAY = Edge()


# -- resolvers: functions of the session choosing the next step -----------------------------------


def _after_card(data: FlowData) -> Visit:
    return Visit(Step.DRAFT_OFFER if data.session.draft is not None else Step.FIND_ITEM)


def _first_question(data: FlowData) -> Visit:
    return Visit(Step.FORM, 0) if data.questions() else Visit(Step.REVIEW)


def _after_guide(data: FlowData) -> Visit:
    """Papers the kiosk cannot photograph are settled first: the resident learns before
    typing anything whether the visit can end in a filing."""
    return Visit(Step.MATERIALS) if data.needed_here() else _first_question(data)


def _after_materials(data: FlowData) -> Visit:
    """E-licences to fetch first (their consent), then the commitment when something was
    promised, else the form where it stands."""
    s = data.session
    if any(
        c is MaterialChoice.E_LICENCE and name not in s.licences for name, c in s.choices.items()
    ):
        return Visit(Step.ELICENCE_CONSENT)
    return _after_licences(data)


def _after_licences(data: FlowData) -> Visit:
    """After the lookup: back to the choices with the plain message when something could
    not be fetched (the next route is chosen there), else as after the materials."""
    if data.session.error is not None:
        return Visit(Step.MATERIALS)
    if MaterialChoice.PROMISE in data.session.choices.values():
        return Visit(Step.PROMISE)
    return _form_where_it_stands(data)


def _form_where_it_stands(data: FlowData) -> Visit:
    """The question the session is at (0 when begun; a resumed draft's first unanswered)."""
    return Visit(Step.FORM, data.session.field_index) if data.questions() else Visit(Step.REVIEW)


def _resume(data: FlowData) -> Visit:
    """A resumed draft settles the papers first, like a fresh start."""
    return Visit(Step.MATERIALS) if data.needed_here() else _question(data)


def _question(data: FlowData) -> Visit:
    return Visit(Step.FORM, data.session.field_index)


def _question_again(data: FlowData) -> Visit:
    return Visit(Step.FORM, data.session.field_index, again=True)


def _next_question(data: FlowData) -> Visit:
    """The next question, or the review when it is done or this was a change from the review."""
    index = data.session.field_index
    came_from = data.came_from
    if (came_from is not None and came_from.step is Step.REVIEW) or index + 1 >= len(
        data.questions()
    ):
        return Visit(Step.REVIEW)
    return Visit(Step.FORM, index + 1)


def _after_filing(data: FlowData) -> Visit:
    """The receipt; or, when the core refused, the question at fault (else the review)."""
    s = data.session
    if s.application is not None:
        return Visit(Step.SUBMITTED)
    keys = [f.key for f in data.questions()]
    if s.error is not None and s.error.field in keys:
        return Visit(Step.FORM, keys.index(s.error.field), again=True)
    return Visit(Step.REVIEW)


def _rate_unless_rated(data: FlowData) -> Visit:
    s = data.session
    return Visit(Step.END if s.rating_number in s.rated else Step.RATING)


AFTER_GUIDE = Choice(_after_guide, frozenset({Step.MATERIALS, Step.FORM, Step.REVIEW}))
AFTER_MATERIALS = Choice(
    _after_materials, frozenset({Step.ELICENCE_CONSENT, Step.PROMISE, Step.FORM, Step.REVIEW})
)
AFTER_LICENCES = Choice(
    _after_licences, frozenset({Step.MATERIALS, Step.PROMISE, Step.FORM, Step.REVIEW})
)
AFTER_PROMISE = Choice(_form_where_it_stands, frozenset({Step.FORM, Step.REVIEW}))
RESUME = Choice(_resume, frozenset({Step.MATERIALS, Step.FORM}))
AFTER_CARD = Choice(_after_card, frozenset({Step.DRAFT_OFFER, Step.FIND_ITEM}))
FIRST_QUESTION = Choice(_first_question, frozenset({Step.FORM, Step.REVIEW}))
QUESTION = Choice(_question, frozenset({Step.FORM}))
QUESTION_AGAIN = Choice(_question_again, frozenset({Step.FORM}))
NEXT_QUESTION = Choice(_next_question, frozenset({Step.FORM, Step.REVIEW}))
AFTER_FILING = Choice(_after_filing, frozenset({Step.SUBMITTED, Step.FORM, Step.REVIEW}))
RATE_UNLESS_RATED = Choice(_rate_unless_rated, frozenset({Step.RATING, Step.END}))


# -- the sub-flows ------------------------------------------------------------------------------


def _ends(entry: Step | None, card: Edge | None = None) -> dict[Step, StepSpec]:
    """Home and goodbye, alike in every flow: a purpose tile starts the flow at ``entry``."""
    on: dict[Tap, Edge] = {}
    if entry is not None:
        on[Tap.START] = Edge(entry)
    if card is not None:
        on[Tap.CARD] = card
    spec = StepSpec(on=on, back=Back.HOME)
    return {Step.HOME: spec, Step.END: spec}


_CARD = Edge(AFTER_CARD, Then.OFFER_DRAFT)
_RATING = StepSpec({Tap.RATE: Edge(Step.END), Tap.SKIP: Edge(Step.END)}, back=Back.FINISH)

_FILE: dict[Step, StepSpec] = {
    # A card on the reader at the home screen starts filing (journey.card_inserted).
    **_ends(Step.IDENTIFY, card=_CARD),
    Step.IDENTIFY: StepSpec({Tap.CARD: _CARD, Tap.TYPE_INSTEAD: Edge(Step.TYPE_ID)}),
    Step.TYPE_ID: StepSpec({Tap.CARD: _CARD, Tap.ID_NUMBER: Edge(Step.TYPE_NAME)}),
    # A typed number proves nothing about who typed it: no draft is offered.
    Step.TYPE_NAME: StepSpec({Tap.CARD: _CARD, Tap.NAME: Edge(Step.FIND_ITEM)}),
    Step.DRAFT_OFFER: StepSpec(
        {Tap.RESUME: Edge(RESUME), Tap.DISCARD: Edge(Step.FIND_ITEM)}, transient=True
    ),
    Step.FIND_ITEM: StepSpec({Tap.SEARCH: STAY, Tap.ITEM: Edge(Step.GUIDE)}),
    Step.GUIDE: StepSpec(
        {Tap.PRINT_NOTICE: STAY, Tap.BEGIN: Edge(AFTER_GUIDE), Tap.BOOK: Edge(Step.BOOKING)}
    ),
    # No camera: each needed material is promised (where the catalogue allows it), seen by
    # the assisting staff member, or the resident withdraws (容缺受理 / 告知承诺, issue 13).
    Step.MATERIALS: StepSpec(
        {
            Tap.CHOOSE: STAY,
            Tap.MATERIALS_DONE: Edge(AFTER_MATERIALS),
            Tap.WITHDRAW: Edge(Step.END),
            Tap.PRINT_NOTICE: STAY,
            Tap.BOOK: Edge(Step.BOOKING),
        }
    ),
    # No dead end (issue 13 item 4): a window slot or a home visit, with a slip either way.
    Step.BOOKING: StepSpec(
        {
            Tap.BOOK_WINDOW: Edge(Step.BOOKED),
            Tap.HOME_VISIT: Edge(Step.BOOKED),
            Tap.DISABILITY: STAY,
            Tap.WITHDRAW: Edge(Step.END),
        }
    ),
    Step.BOOKED: StepSpec(back=Back.FINISH),
    Step.PROMISE: StepSpec({Tap.PROMISE: Edge(AFTER_PROMISE), Tap.WITHDRAW: Edge(Step.END)}),
    # 电子证照: the holder's own tap consents and looks up; declining returns to the choices.
    Step.ELICENCE_CONSENT: StepSpec(
        {
            Tap.AGREE: Edge(AFTER_LICENCES, Then.FETCH_LICENCES),
            Tap.DECLINE: Edge(Step.MATERIALS),
            Tap.WITHDRAW: Edge(Step.END),
        },
        transient=True,
    ),
    Step.FORM: StepSpec({Tap.ANSWER: Edge(NEXT_QUESTION), Tap.PHOTO: STAY, Tap.RETAKE: STAY}),
    Step.REVIEW: StepSpec(
        {Tap.EDIT: Edge(QUESTION_AGAIN), Tap.SUBMIT: Edge(AFTER_FILING, Then.FILE)}
    ),
    Step.SUBMITTED: StepSpec({Tap.TO_RATING: Edge(RATE_UNLESS_RATED)}, back=Back.FINISH),
    Step.RATING: _RATING,
}

_ASSISTED: dict[Step, StepSpec] = {
    **_FILE,
    # Staff signed in: submitting asks the resident first; only their own tap files.
    Step.REVIEW: StepSpec({Tap.EDIT: Edge(QUESTION_AGAIN), Tap.SUBMIT: Edge(Step.CONSENT)}),
    Step.CONSENT: StepSpec(
        {Tap.AGREE: Edge(AFTER_FILING, Then.FILE), Tap.DECLINE: Edge(Step.REVIEW)},
        transient=True,
    ),
}

_LIST = Edge(Step.MY_APPLICATIONS, Then.LIST_APPLICATIONS)

_MY_APPLICATIONS: dict[Step, StepSpec] = {
    **_ends(Step.IDENTIFY),
    # Never on a typed ID number: anyone who knows a neighbour's number could read
    # which services they applied for. Without the card, the receipt's number is the key.
    Step.IDENTIFY: StepSpec(
        {Tap.CARD: _LIST, Tap.TYPE_INSTEAD: Edge(Step.LOOKUP), Tap.BY_NUMBER: Edge(Step.LOOKUP)}
    ),
    Step.LOOKUP: StepSpec({Tap.CARD: _LIST, Tap.NUMBER: Edge(Step.MY_APPLICATIONS)}),
    Step.MY_APPLICATIONS: StepSpec({Tap.REPRINT: STAY, Tap.PRINT_RESULT: STAY}, back=Back.FINISH),
}

_RATE: dict[Step, StepSpec] = {
    **_ends(Step.LOOKUP),
    Step.LOOKUP: StepSpec({Tap.NUMBER: Edge(Step.RATING)}),
    Step.RATING: _RATING,
}

_REQUEST: dict[Step, StepSpec] = {
    **_ends(Step.REQUEST),
    Step.REQUEST: StepSpec({Tap.REQUEST: Edge(Step.REQUEST_DONE)}),
    Step.REQUEST_DONE: StepSpec(back=Back.FINISH),
}

FLOWS: Mapping[Flow, Mapping[Step, StepSpec]] = {
    Flow.IDLE: _ends(None),
    Flow.FILE: _FILE,
    Flow.ASSISTED: _ASSISTED,
    Flow.MY_APPLICATIONS: _MY_APPLICATIONS,
    Flow.RATE: _RATE,
    Flow.REQUEST: _REQUEST,
}
"""Every sub-flow's navigation table."""

_BY_PURPOSE = {
    Purpose.APPLY: Flow.FILE,
    Purpose.MY_APPLICATIONS: Flow.MY_APPLICATIONS,
    Purpose.RATE: Flow.RATE,
    Purpose.REQUEST: Flow.REQUEST,
}


def flow_for(purpose: Purpose | None, *, assisted: bool) -> Flow:
    """The sub-flow a session is in: its purpose, and for filing whether staff assist."""
    if purpose is None:
        return Flow.IDLE
    flow = _BY_PURPOSE[purpose]
    return Flow.ASSISTED if flow is Flow.FILE and assisted else flow


def spec_of(flow: Flow, step: Step) -> StepSpec:
    """``step`` in ``flow``; a step the flow does not know (staff signed out on the consent
    screen) accepts no tap but goes back like it does wherever it is declared."""
    table = FLOWS[flow]
    if step in table:
        return table[step]
    for other in FLOWS.values():
        if step in other:
            return StepSpec(back=other[step].back, transient=other[step].transient)
    return StepSpec()


class BackStack:
    """The path of this visit: where "back" goes.

    A path, not a history: moving forward to a position already on it (the
    review again after changing one answer, or after declining consent) unwinds
    to it, so the stack never holds a loop and "back" from the review is the last
    question, not the detour. A question asked again from the review is a position
    of its own (``Visit.again``): from it, "back" is the review.
    """

    def __init__(self) -> None:
        self._visits: list[Visit] = []

    def __iter__(self) -> Iterator[Visit]:
        return iter(tuple(self._visits))

    def __len__(self) -> int:
        return len(self._visits)

    @property
    def top(self) -> Visit | None:
        return self._visits[-1] if self._visits else None

    def push(self, visit: Visit) -> None:
        self._visits.append(visit)

    def pop(self) -> Visit | None:
        return self._visits.pop() if self._visits else None

    def unwind_to(self, visit: Visit) -> bool:
        """Drop ``visit`` and everything above it; False (nothing dropped) when absent."""
        if visit not in self._visits:
            return False
        del self._visits[self._visits.index(visit) :]
        return True

    def reset(self, *visits: Visit) -> None:
        self._visits[:] = visits
