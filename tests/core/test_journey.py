"""The resident journey as a state machine: no Qt, a real store, a recording printer.

The journey's navigation is declared as data (kiosk/journey_flow.py); besides
the visits below, these tests walk the tables themselves and tap at random
(hypothesis) to check what every visit must keep: a back stack that is the path
of the visit, wipes that leave nothing, and filing only from the review (or,
with staff assisting, only from the resident's own consent).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.application import Application
from kiosk.cardholder import CardHolder, CardType
from kiosk.catalogue import FieldType, ServiceItem
from kiosk.core import KioskCore
from kiosk.errors import InvalidTransition
from kiosk.feedback import RatingLevel, RequestKind
from kiosk.journey import COUNTER_ONLY, Journey, Purpose, Session, Step, Visit
from kiosk.journey_flow import FLOWS, Back, Choice, Edge, Flow, Tap, Then, flow_for, spec_of
from kiosk.materials import MaterialChoice
from kiosk.states import ApplicationState
from kiosk.usecases.booking import BookingDesk
from kiosk.usecases.elicence import (
    LicenceAnswer,
    LicenceDesk,
    LicenceQuery,
    LicenceUnavailableError,
)
from kiosk.usecases.resident import CoreServices

ID = "130608195804123029"  # valid check digit
BAD_ID = "130608195804123028"
HOLDER = CardHolder(
    card_type=CardType.RESIDENT,
    name="李秀英",
    id_number=ID,
    gender="女",
    nation="汉",
    birth_date=dt.date(1958, 4, 12),
    address="河北省保定市清苑区东闾乡南王庄村一二三号",
)
OTHER = CardHolder(card_type=CardType.RESIDENT, name="王建国", id_number="11010519491231002X")


def at(journey: Journey) -> Step:
    """The journey's step, read fresh (a function, so type checkers do not pin it)."""
    return journey.step


class RecordingPrinter:
    def __init__(self) -> None:
        self.receipts: list[tuple[str, bool]] = []
        self.notices: list[str] = []
        self.results: list[str] = []

    def print_receipt(self, application: Application, *, reprint: bool) -> None:
        self.receipts.append((application.number, reprint))

    def print_notice(self, item: ServiceItem) -> None:
        self.notices.append(item.code)

    def print_result(self, application: Application) -> None:
        self.results.append(application.number)

    def print_booking(self, booking: object) -> None:
        self.results.append(f"booking {type(booking).__name__}")


@pytest.fixture
def core():
    """The real store with the bundled catalogue (not tests/core's one-item catalogue)."""
    core = KioskCore.open()
    yield core
    core.close()


@pytest.fixture
def printer() -> RecordingPrinter:
    return RecordingPrinter()


@pytest.fixture
def journey(core, printer) -> Journey:
    return Journey(CoreServices(core), printer)


def fill_pension(journey: Journey) -> None:
    """养老保险参保登记: name, id, address come from the card; phone and two choices typed."""
    journey.set_query("ylbx")
    assert "RS-YL-001" in [i.code for i in journey.visible_items()]
    journey.choose_item("RS-YL-001")
    assert at(journey) is Step.GUIDE
    journey.begin_form()
    assert at(journey) is Step.FORM
    while at(journey) is Step.FORM:
        field = journey.current_field()
        if field.key == "phone":
            journey.answer("13812345678")
        elif field.options:
            journey.answer(field.options[0])
        else:
            journey.answer(journey.session.answers.get(field.key, ""))
        assert journey.session.error is None, journey.session.error


def test_card_to_rating_files_one_application_and_prints_its_receipt(journey, printer, core):
    steps: list[Step] = []
    journey.subscribe(steps.append)
    journey.card_inserted(HOLDER)
    assert at(journey) is Step.FIND_ITEM
    fill_pension(journey)
    assert at(journey) is Step.REVIEW
    assert ("申请人", "李秀英") in journey.review_lines()
    journey.submit()
    assert at(journey) is Step.SUBMITTED
    number = journey.session.application.number
    assert printer.receipts == [(number, False)]
    stored = core.store.application(number)
    assert stored is not None and stored.state is ApplicationState.QUEUED
    assert stored.form["address"] == HOLDER.address  # pre-filled from the card
    assert core.store.draft_for(ID) is None  # filed: the draft is gone
    journey.to_rating()
    journey.rate(RatingLevel.VERY_SATISFIED)
    assert at(journey) is Step.END
    assert core.store.rating_for(number).level is RatingLevel.VERY_SATISFIED
    assert journey.session.applicant is None and not journey.session.answers  # wiped
    assert steps[0] is Step.FIND_ITEM and steps[-1] is Step.END


def test_typed_id_with_bad_check_digit_explains_and_stays(journey):
    journey.start(Purpose.APPLY)
    journey.choose_typing()
    journey.type_id_number(BAD_ID)
    assert at(journey) is Step.TYPE_ID
    assert journey.session.error.field == "id_number"
    assert "校验码" in journey.session.error.message
    journey.type_id_number(ID.lower())
    assert at(journey) is Step.TYPE_NAME
    journey.type_name("  ")
    assert journey.session.error.message == "请填写您的姓名。"
    journey.type_name("李秀英")
    assert at(journey) is Step.FIND_ITEM


def test_a_typed_latin_name_follows_the_foreigner_card_rule(journey):
    """The name typed on screen is judged by the same rule as filing, with its number."""
    journey.start(Purpose.APPLY)
    journey.choose_typing()
    journey.type_id_number("912411198802150021")  # 2023 foreigner's permanent residence card
    long_latin = "VAN DER BERG-OSTERHOUT MARIA JOHANNA ELISABETH"  # 46 characters, as on a card
    journey.type_name(long_latin.lower())
    assert journey.session.error is None and at(journey) is Step.FIND_ITEM
    assert journey.session.applicant.name == long_latin


def test_back_never_loses_answers(journey):
    journey.card_inserted(HOLDER)
    journey.choose_item("RS-YL-001")
    journey.begin_form()
    journey.answer("李秀英")
    journey.answer(ID)
    journey.answer("13812345678")
    assert journey.current_field().key == "address"
    journey.back()
    journey.back()
    assert journey.current_field().key == "id_number"
    journey.back()
    journey.back()
    assert at(journey) is Step.GUIDE
    journey.back()
    journey.choose_item("RS-YL-001")  # same item again: nothing lost
    journey.begin_form()
    assert journey.session.answers["phone"] == "13812345678"


def test_invalid_answer_shows_message_on_that_field_and_keeps_the_text(journey):
    journey.card_inserted(HOLDER)
    journey.choose_item("RS-YL-001")
    journey.begin_form()
    journey.answer("李秀英")
    journey.answer(ID)
    journey.answer("1381234")
    assert journey.current_field().key == "phone"
    assert journey.session.error.field == "phone"
    assert "11位" in journey.session.error.message
    assert journey.session.answers["phone"] == "1381234"


def test_review_edit_returns_to_review(journey):
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    journey.edit("phone")
    assert journey.current_field().key == "phone"
    journey.answer("13900001111")
    assert at(journey) is Step.REVIEW
    assert ("联系电话", "13900001111") in journey.review_lines() or any(
        v == "13900001111" for _, v in journey.review_lines()
    )


def test_items_needing_a_scan_go_to_the_counter(journey, printer):
    journey.card_inserted(HOLDER)
    journey.choose_item("RS-YL-002")  # requires a photo
    journey.print_notice()
    assert printer.notices == ["RS-YL-002"]
    journey.begin_form()
    assert at(journey) is Step.GUIDE
    assert journey.session.error.message == COUNTER_ONLY


def test_draft_offered_to_the_same_card_only(journey, core):
    journey.card_inserted(HOLDER)
    journey.choose_item("RS-YL-001")
    journey.begin_form()
    journey.answer("李秀英")
    journey.answer(ID)
    journey.answer("13812345678")
    journey.timeout()  # walked away
    assert at(journey) is Step.HOME and not journey.session.answers
    journey.card_inserted(OTHER)
    assert at(journey) is Step.FIND_ITEM  # someone else: no offer
    journey.timeout()
    journey.start(Purpose.APPLY)
    journey.choose_typing()
    journey.type_id_number(ID)
    journey.type_name("李秀英")
    assert at(journey) is Step.FIND_ITEM  # a typed number proves nothing: no offer
    journey.timeout()
    journey.card_inserted(HOLDER)
    assert at(journey) is Step.DRAFT_OFFER
    journey.resume_draft()
    assert at(journey) is Step.FORM
    assert journey.current_field().key == "grade"  # first unanswered
    assert journey.session.answers["phone"] == "13812345678"


def test_discarded_draft_is_gone(journey, core):
    core.store.save_draft(ID, "RS-YL-001", {"phone": "13812345678"})
    journey.card_inserted(HOLDER)
    journey.discard_draft()
    assert at(journey) is Step.FIND_ITEM
    assert core.store.draft_for(ID) is None


def test_another_card_mid_session_is_ignored(journey):
    journey.card_inserted(HOLDER)
    journey.choose_item("RS-YL-001")
    journey.card_removed()
    journey.card_inserted(OTHER)
    assert at(journey) is Step.GUIDE
    assert journey.session.applicant.name == "李秀英"


def test_my_applications_by_card_and_by_number_and_reprint(journey, printer, core):
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    journey.submit()
    number = journey.session.application.number
    journey.finish()
    journey.start(Purpose.MY_APPLICATIONS)
    journey.card_inserted(HOLDER)
    assert at(journey) is Step.MY_APPLICATIONS
    assert [a.number for a in journey.session.applications] == [number]
    journey.reprint(number)
    assert printer.receipts[-1] == (number, True)
    journey.finish()
    journey.start(Purpose.MY_APPLICATIONS)
    journey.lookup_by_number_instead()
    journey.lookup_number("000000-000000-0000-0")
    assert journey.session.error.field == "number"
    journey.lookup_number(number)
    assert at(journey) is Step.MY_APPLICATIONS


def test_one_rating_per_application(journey, core):
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    journey.submit()
    number = journey.session.application.number
    journey.to_rating()
    journey.rate(RatingLevel.DISSATISFIED)
    assert journey.session.error.field == "reason"  # 不满意 needs a reason
    journey.rate(RatingLevel.DISSATISFIED, "等了很久")
    assert at(journey) is Step.END
    journey.home()
    journey.start(Purpose.RATE)
    journey.lookup_number(number)
    assert at(journey) is Step.LOOKUP
    assert "已经评价" in journey.session.error.message


def test_skip_rating(journey):
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    journey.submit()
    journey.to_rating()
    journey.skip_rating()
    assert at(journey) is Step.END


def test_request_filed_with_validation(journey, core):
    journey.start(Purpose.REQUEST)
    journey.file_request(RequestKind.HELP, "路灯")
    assert journey.session.error.field == "content"
    journey.file_request(RequestKind.HELP, "村口路灯坏了一个月", phone="123")
    assert journey.session.error.field == "phone"
    journey.file_request(RequestKind.HELP, "村口路灯坏了一个月", phone="13812345678")
    assert at(journey) is Step.REQUEST_DONE
    assert core.store.request(journey.session.request_id).content == "村口路灯坏了一个月"


def test_search_by_hanzi_and_initials_and_most_used_first(journey, core):
    journey.card_inserted(HOLDER)
    journey.set_query("高龄")
    assert [i.code for i in journey.visible_items()] == ["MZ-GL-001"]
    journey.set_query("gljt")
    assert [i.code for i in journey.visible_items()] == ["MZ-GL-001"]
    fill_pension(journey)
    journey.submit()
    journey.finish()
    journey.card_inserted(HOLDER)
    assert journey.visible_items()[0].code == "RS-YL-001"  # most used first
    journey.choose_category("医疗保障")
    assert {i.category for i in journey.visible_items()} == {"医疗保障"}


def test_taps_out_of_order_are_refused(journey):
    with pytest.raises(InvalidTransition):
        journey.submit()
    with pytest.raises(InvalidTransition):
        journey.answer("x")


def test_the_core_journey_imports_no_qt():
    assert "kiosk.journey" in sys.modules
    import kiosk.journey_flow
    import kiosk.journey_session

    for module in (sys.modules["kiosk.journey"], kiosk.journey_flow, kiosk.journey_session):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "PySide6" not in source


_CRASHING_VISIT = """
import os, signal, sys
sys.path.insert(0, {root!r})
from kiosk.core import KioskCore
from kiosk.journey import Journey
from kiosk.usecases.resident import CoreServices
from tests.core.test_journey import HOLDER as SAMPLE_HOLDER

class NoPaper:
    def print_receipt(self, application, *, reprint): pass
    def print_notice(self, item): pass
    def print_result(self, application): pass

journey = Journey(CoreServices(KioskCore.open()), NoPaper())
journey.card_inserted(SAMPLE_HOLDER)
journey.choose_item("RS-YL-001")
journey.begin_form()
journey.answer(SAMPLE_HOLDER.name)
journey.answer(SAMPLE_HOLDER.id_number)
journey.answer("13812345678")
os.kill(os.getpid(), signal.SIGKILL)  # power cut in the middle of the form
"""


def test_draft_survives_a_killed_process_and_is_offered_to_the_same_card(journey, kiosk_home):
    import subprocess

    root = str(Path(__file__).resolve().parents[2])
    result = subprocess.run(
        [sys.executable, "-c", _CRASHING_VISIT.format(root=root)],
        env={**os.environ, "KIOSK_HOME": str(kiosk_home)},
        check=False,
        timeout=60,
    )
    assert result.returncode == -9
    journey.card_inserted(HOLDER)
    assert at(journey) is Step.DRAFT_OFFER
    journey.resume_draft()
    assert journey.session.answers["phone"] == "13812345678"
    assert journey.current_field().key == "grade"  # first question not answered yet


def test_assisted_filing_needs_the_residents_consent(journey, core):
    from kiosk.application import Channel

    journey.set_assisting("1001")
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    journey.submit()
    assert at(journey) is Step.CONSENT  # nothing filed before the resident's own tap
    assert core.store.applications() == []
    journey.back()
    assert at(journey) is Step.REVIEW
    journey.submit()
    journey.consent(True)
    assert at(journey) is Step.SUBMITTED
    filed = journey.session.application
    assert filed.channel is Channel.ASSISTED and filed.staff_id == "1001" and filed.consent
    journey.finish()
    journey.card_inserted(HOLDER)  # the next visit asks again
    fill_pension(journey)
    journey.submit()
    assert at(journey) is Step.CONSENT
    journey.consent(False)
    journey.submit()
    assert journey.session.application.channel is Channel.SELF_SERVICE


def test_my_applications_never_open_on_a_typed_id_number(journey):
    journey.start(Purpose.MY_APPLICATIONS)
    journey.choose_typing()
    assert at(journey) is Step.LOOKUP  # the receipt's number, or the card


# -- the journey as data: tables, back stack, sub-flows --------------------------------------------


def test_every_step_is_reachable_from_home_in_the_tables():
    """Walk every sub-flow's table from home: together they reach every screen."""
    reached: set[Step] = set()
    for flow, table in FLOWS.items():
        seen = {Step.HOME}
        todo = [Step.HOME]
        while todo:
            step = todo.pop()
            for edge in table[step].on.values():
                for target in edge.targets(step):
                    assert target in table, (flow, step, target)  # no edge out of its flow
                    if target not in seen:
                        seen.add(target)
                        todo.append(target)
        assert set(table) <= seen | {Step.END}, (flow, set(table) - seen)
        reached |= seen
    assert reached | {Step.END} == set(Step)


class _Unreachable:
    """An e-licence library that is never reached (the walk declines before any lookup)."""

    def lookup(self, query: LicenceQuery) -> LicenceAnswer:
        raise LicenceUnavailableError("offline")


def test_every_step_is_reached_by_taps(journey, core):
    """A few real visits show every screen of the journey at least once."""
    shown: set[Step] = {journey.step}
    journey.subscribe(shown.add)
    journey.start(Purpose.APPLY)
    journey.choose_typing()
    journey.type_id_number(ID)
    journey.back()
    journey.back()
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    journey.set_assisting("1001")
    journey.submit()
    journey.consent(True)
    number = journey.session.application.number
    journey.to_rating()
    journey.skip_rating()
    journey.set_assisting(None)
    core.store.save_draft(ID, "RS-YL-001", {"phone": "13812345678"})
    journey.card_inserted(HOLDER)
    journey.resume_draft()
    journey.home()
    journey.card_inserted(HOLDER)  # no camera: a needed paper is promised, then withdrawn
    journey.discard_draft()
    journey.choose_item("MZ-GL-001")
    journey.begin_form()
    journey.choose_material("居民户口簿", MaterialChoice.PROMISE)
    journey.materials_done()
    journey.withdraw()
    journey.licences = LicenceDesk(_Unreachable(), core.clock)  # 电子证照: asked, then declined
    journey.card_inserted(HOLDER)
    journey.choose_item("MZ-GL-001")
    journey.begin_form()
    journey.choose_material("居民户口簿", MaterialChoice.E_LICENCE)
    journey.materials_done()
    journey.decline_licences()
    journey.withdraw()
    journey.bookings = BookingDesk(core)  # 预约窗口办理 (issue 13 item 4)
    journey.card_inserted(HOLDER)
    journey.choose_item("CL-ZZ-001")
    journey.book_instead()
    journey.book_window(journey.slot_list().offers[0].slot)
    journey.finish()
    journey.start(Purpose.MY_APPLICATIONS)
    journey.lookup_by_number_instead()
    journey.lookup_number(number)
    journey.finish()
    journey.start(Purpose.REQUEST)
    journey.file_request(RequestKind.HELP, "村口路灯坏了一个月", phone="13812345678")
    assert shown == set(Step)


def test_filing_happens_only_on_submit_after_the_review_or_on_the_residents_consent():
    """The only edges that file: the review's 提交 (self-service), the consent (代办)."""
    filing = {
        (flow, step, tap)
        for flow, table in FLOWS.items()
        for step, spec in table.items()
        for tap, edge in spec.on.items()
        if edge.then is Then.FILE
    }
    assert filing == {
        (Flow.FILE, Step.REVIEW, Tap.SUBMIT),
        (Flow.ASSISTED, Step.CONSENT, Tap.AGREE),
    }
    assert Step.CONSENT not in FLOWS[Flow.FILE]  # self-service never asks for consent


def test_back_behaves_alike_for_a_step_in_every_flow_that_has_it():
    for step in Step:
        rules = {(t[step].back, t[step].transient) for t in FLOWS.values() if step in t}
        assert len(rules) == 1, (step, rules)
        assert spec_of(Flow.IDLE, step).back in Back


def test_the_step_cannot_be_set_by_hand(journey):
    """consent() used to set ``step`` to the review so that submit() passed its own guard;
    the step is now moved only by the tables, the back stack and the wipes."""
    with pytest.raises(AttributeError):
        journey.step = Step.REVIEW
    source = Path(sys.modules["kiosk.journey"].__file__).read_text(encoding="utf-8")
    assert "self.step =" not in source


class SpyServices(CoreServices):
    """The real services, noting on which screen (and flow) each application was filed."""

    def __init__(self, core: KioskCore) -> None:
        super().__init__(core)
        self.journey: Journey | None = None
        self.filed_at: list[tuple[Step, Flow]] = []
        self.numbers: list[str] = []

    def submit(self, *args, **kwargs):
        assert self.journey is not None
        self.filed_at.append((self.journey.step, self.journey.flow))
        application = super().submit(*args, **kwargs)
        self.numbers.append(application.number)
        return application


def test_consent_files_from_the_consent_step_not_from_a_hand_set_review(core):
    """With staff assisting, the application is filed by the resident's tap on the consent
    screen; before, consent() pretended to be on the review and called submit()."""
    services = SpyServices(core)
    journey = Journey(services, RecordingPrinter())
    services.journey = journey
    journey.set_assisting("1001")
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    with pytest.raises(InvalidTransition):
        journey.consent(True)  # not asked yet: only the review's 提交 leads to the question
    journey.submit()
    assert at(journey) is Step.CONSENT and services.filed_at == []
    with pytest.raises(InvalidTransition):
        journey.submit()  # no way around the resident's answer
    journey.consent(True)
    assert services.filed_at == [(Step.CONSENT, Flow.ASSISTED)]
    assert at(journey) is Step.SUBMITTED and journey.back_stack == ()
    journey.back()  # the visit is done: no way back to the consent or the review
    assert at(journey) is Step.END


def test_declining_consent_returns_to_the_review_and_files_as_self_service(core):
    services = SpyServices(core)
    journey = Journey(services, RecordingPrinter())
    services.journey = journey
    journey.set_assisting("1001")
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    below_review = journey.back_stack
    journey.submit()
    journey.consent(False)
    assert at(journey) is Step.REVIEW and journey.flow is Flow.FILE
    assert journey.back_stack == below_review  # the consent question is not kept
    journey.submit()
    assert services.filed_at == [(Step.REVIEW, Flow.FILE)]


def test_back_retraces_the_path_actually_visited(journey):
    journey.start(Purpose.APPLY)
    journey.choose_typing()
    journey.type_id_number(ID)
    journey.type_name("李秀英")
    journey.choose_item("RS-YL-001")
    assert [v.step for v in journey.back_stack] == [
        Step.HOME,
        Step.IDENTIFY,
        Step.TYPE_ID,
        Step.TYPE_NAME,
        Step.FIND_ITEM,
    ]
    journey.back()
    journey.back()
    assert at(journey) is Step.TYPE_NAME  # where the name was typed, not home
    journey.back()
    journey.back()
    assert at(journey) is Step.IDENTIFY
    assert journey.session.typed_id_number == ID  # nothing typed is lost on the way back
    journey.back()
    assert at(journey) is Step.HOME and journey.session == Session()


def test_changing_one_answer_from_the_review_comes_back_and_back_is_the_last_question(journey):
    journey.card_inserted(HOLDER)
    fill_pension(journey)
    last = journey.back_stack[-1]
    journey.edit("phone")
    journey.back()  # changed my mind: the review again
    assert at(journey) is Step.REVIEW
    journey.edit("phone")
    journey.answer("13900001111")
    assert at(journey) is Step.REVIEW and journey.back_stack[-1] == last
    journey.back()
    assert journey.current_field() is journey.questions()[last.index]


def test_a_resumed_draft_goes_back_through_the_form_it_was_filled_on(journey, core):
    core.store.save_draft(ID, "RS-YL-001", {"phone": "13812345678"})
    journey.card_inserted(HOLDER)
    journey.resume_draft()
    index = journey.session.field_index
    assert index > 0
    for expected in range(index - 1, -1, -1):
        journey.back()
        assert at(journey) is Step.FORM and journey.session.field_index == expected
    journey.back()
    assert at(journey) is Step.GUIDE
    journey.back()
    assert at(journey) is Step.FIND_ITEM  # not the draft offer: it was answered
    journey.back()
    assert at(journey) is Step.HOME


def test_each_purpose_runs_its_own_flow_on_the_shared_session(journey):
    journey.start(Purpose.RATE)
    assert journey.flow is Flow.RATE
    journey.card_inserted(HOLDER)  # rating goes by the receipt's number: the card is ignored
    assert at(journey) is Step.LOOKUP and journey.session.holder is None
    with pytest.raises(InvalidTransition):
        journey.choose_typing()
    journey.back()
    journey.start(Purpose.MY_APPLICATIONS)
    journey.card_inserted(HOLDER)
    assert journey.flow is Flow.MY_APPLICATIONS and at(journey) is Step.MY_APPLICATIONS
    assert journey.session.holder == HOLDER  # the card identified the session
    assert flow_for(Purpose.APPLY, assisted=True) is Flow.ASSISTED
    assert flow_for(None, assisted=False) is Flow.IDLE


def test_a_resolver_choosing_an_undeclared_step_is_a_bug(journey):
    rogue = Edge(Choice(lambda data: Visit(Step.SUBMITTED), frozenset({Step.FIND_ITEM})))
    with pytest.raises(RuntimeError):
        journey._take(rogue)


# -- random taps ----------------------------------------------------------------------------------


def _good_answer(journey: Journey) -> str:
    field = journey.current_field()
    if field.options:
        return field.options[0]
    known = journey.session.answers.get(field.key, "")
    return {
        FieldType.PHONE: "13812345678",
        FieldType.ID_NUMBER: ID,
        FieldType.NUMBER: "2",
        FieldType.DATE: "2020-01-01",
        FieldType.ATTACHMENT: "",
    }.get(field.type, known or "村口南王庄")


def _edit(journey: Journey, last: bool) -> None:
    keys = [f.key for f in journey.questions()]
    journey.edit(keys[-1 if last else 0] if keys else "none")


TAPS = {
    "apply": lambda j, s: j.start(Purpose.APPLY),
    "mine": lambda j, s: j.start(Purpose.MY_APPLICATIONS),
    "rate_from_home": lambda j, s: j.start(Purpose.RATE),
    "request": lambda j, s: j.start(Purpose.REQUEST),
    "card": lambda j, s: j.card_inserted(HOLDER),
    "other_card": lambda j, s: j.card_inserted(OTHER),
    "card_removed": lambda j, s: j.card_removed(),
    "type_instead": lambda j, s: j.choose_typing(),
    "by_number": lambda j, s: j.lookup_by_number_instead(),
    "id": lambda j, s: j.type_id_number(ID),
    "bad_id": lambda j, s: j.type_id_number(BAD_ID),
    "name": lambda j, s: j.type_name("李秀英"),
    "no_name": lambda j, s: j.type_name(" "),
    "resume": lambda j, s: j.resume_draft(),
    "discard": lambda j, s: j.discard_draft(),
    "search": lambda j, s: j.set_query("ylbx"),
    "category": lambda j, s: j.choose_category("社会保障"),
    "pension": lambda j, s: j.choose_item("RS-YL-001"),
    "other_item": lambda j, s: j.choose_item("MZ-GL-001"),
    "no_item": lambda j, s: j.choose_item("XX-000"),
    "notice": lambda j, s: j.print_notice(),
    "begin": lambda j, s: j.begin_form(),
    "answer": lambda j, s: j.answer(_good_answer(j) if j.step is Step.FORM else "x"),
    "answer2": lambda j, s: j.answer(_good_answer(j) if j.step is Step.FORM else "x"),
    "bad_answer": lambda j, s: j.answer("?"),
    "edit_first": lambda j, s: _edit(j, last=False),
    "edit_last": lambda j, s: _edit(j, last=True),
    "submit": lambda j, s: j.submit(),
    "agree": lambda j, s: j.consent(True),
    "decline": lambda j, s: j.consent(False),
    "to_rating": lambda j, s: j.to_rating(),
    "rate": lambda j, s: j.rate(RatingLevel.SATISFIED),
    "skip": lambda j, s: j.skip_rating(),
    "lookup": lambda j, s: j.lookup_number(s.numbers[-1] if s.numbers else "1"),
    "lookup_wrong": lambda j, s: j.lookup_number("000000-000000-0000-0"),
    "reprint": lambda j, s: j.reprint(s.numbers[-1] if s.numbers else ""),
    "file_request": lambda j, s: j.file_request(RequestKind.HELP, "村口路灯坏了一个月"),
    "staff_in": lambda j, s: j.set_assisting("1001"),
    "staff_out": lambda j, s: j.set_assisting(None),
    "back": lambda j, s: j.back(),
    "back2": lambda j, s: j.back(),
    "back3": lambda j, s: j.back(),
    "finish": lambda j, s: j.finish(),
    "home": lambda j, s: j.home(),
    "timeout": lambda j, s: j.timeout(),
}
WIPES = {"finish": Step.END, "home": Step.HOME, "timeout": Step.HOME}


def _position(journey: Journey) -> Visit:
    index = journey.session.field_index if journey.step is Step.FORM else 0
    again = (
        journey.step is Step.FORM
        and bool(journey.back_stack)
        and (journey.back_stack[-1].step is Step.REVIEW)
    )
    return Visit(journey.step, index, again)


def _check_back_stack(journey: Journey) -> None:
    stack = journey.back_stack
    if not stack:
        return
    assert stack[0] == Visit(Step.HOME)
    assert len(set(stack)) == len(stack), stack  # a path: no loops
    for visit in stack[1:]:
        spec = spec_of(journey.flow, visit.step)
        assert visit.step not in (Step.HOME, Step.END), stack
        assert not spec.transient and spec.back is Back.STACK, stack


TAP_OF = {
    "apply": Tap.START,
    "mine": Tap.START,
    "rate_from_home": Tap.START,
    "request": Tap.START,
    "card": Tap.CARD,
    "other_card": Tap.CARD,
    "type_instead": Tap.TYPE_INSTEAD,
    "by_number": Tap.BY_NUMBER,
    "id": Tap.ID_NUMBER,
    "bad_id": Tap.ID_NUMBER,
    "name": Tap.NAME,
    "no_name": Tap.NAME,
    "resume": Tap.RESUME,
    "discard": Tap.DISCARD,
    "search": Tap.SEARCH,
    "category": Tap.SEARCH,
    "pension": Tap.ITEM,
    "other_item": Tap.ITEM,
    "no_item": Tap.ITEM,
    "notice": Tap.PRINT_NOTICE,
    "begin": Tap.BEGIN,
    "answer": Tap.ANSWER,
    "answer2": Tap.ANSWER,
    "bad_answer": Tap.ANSWER,
    "edit_first": Tap.EDIT,
    "edit_last": Tap.EDIT,
    "submit": Tap.SUBMIT,
    "agree": Tap.AGREE,
    "decline": Tap.DECLINE,
    "to_rating": Tap.TO_RATING,
    "rate": Tap.RATE,
    "skip": Tap.SKIP,
    "lookup": Tap.NUMBER,
    "lookup_wrong": Tap.NUMBER,
    "reprint": Tap.REPRINT,
    "file_request": Tap.REQUEST,
}
"""The table's tap behind each random tap; the others (back, wipes, staff) are always possible."""


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_taps_keep_the_back_stack_a_path_and_wipes_leave_nothing(tmp_path_factory, data):
    """Each example a fresh terminal (a real store of its own), so every run replays alike."""
    from kiosk.paths import DataDir

    core = KioskCore.open(DataDir(tmp_path_factory.mktemp("visit")))
    try:
        _random_visit(core, data)
    finally:
        core.close()


def _random_visit(core: KioskCore, data: st.DataObject) -> None:
    services = SpyServices(core)
    journey = Journey(services, RecordingPrinter())
    services.journey = journey
    if data.draw(st.booleans(), label="a draft waits for the card"):
        core.store.save_draft(ID, "RS-YL-001", {"phone": "13812345678"})
    left_from: Visit | None = None  # where the last forward move to a new position came from
    for _ in range(data.draw(st.integers(0, 80), label="taps")):
        table = spec_of(journey.flow, journey.step).on
        listed = [n for n, tap in TAP_OF.items() if tap in table]
        anything = data.draw(st.integers(0, 5)) == 0 or not listed
        pool = sorted(TAPS) if anything else [*listed * 4, "back", "staff_in", "staff_out"]
        name = data.draw(st.sampled_from(pool))
        before, stack_before = _position(journey), journey.back_stack
        filed_before = len(services.filed_at)
        try:
            TAPS[name](journey, services)
        except InvalidTransition:
            # A refused tap changes nothing.
            assert _position(journey) == before and journey.back_stack == stack_before
            continue
        after = _position(journey)
        _check_back_stack(journey)
        if name in WIPES:
            assert at(journey) is WIPES[name] and journey.back_stack == ()
            assert journey.session == Session()
            left_from = None
            continue
        if name.startswith("back"):
            if left_from is not None:
                assert after == left_from, (before, after, left_from)
            left_from = None
            continue
        moved_forward = (
            after != before
            and after not in stack_before
            and after.step not in (Step.HOME, Step.END)
            and spec_of(journey.flow, after.step).back is Back.STACK
        )
        if moved_forward and not spec_of(journey.flow, before.step).transient:
            left_from = before if before.step is not Step.END else Visit(Step.HOME)
        elif after != before:
            left_from = None
        if len(services.filed_at) > filed_before:
            # Filed only from the review (self-service) or the consent (assisted).
            assert services.filed_at[-1] in {
                (Step.REVIEW, Flow.FILE),
                (Step.CONSENT, Flow.ASSISTED),
            }
            assert at(journey) is Step.SUBMITTED and journey.back_stack == ()
    # From anywhere, going back reaches home with nothing left.
    for _ in range(len(journey.back_stack) + 2):
        journey.back()
        if at(journey) is Step.END:
            journey.back()
        if at(journey) is Step.HOME:
            break
    assert at(journey) is Step.HOME and journey.back_stack == ()
    assert journey.session == Session()
