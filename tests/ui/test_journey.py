"""The resident journey as a state machine: no Qt, a real store, a recording printer."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

from kiosk.application import Application
from kiosk.cardholder import CardHolder, CardType
from kiosk.catalogue import ServiceItem
from kiosk.core import KioskCore
from kiosk.errors import InvalidTransition
from kiosk.feedback import RatingLevel, RequestKind
from kiosk.journey import COUNTER_ONLY, Journey, Purpose, Step
from kiosk.states import ApplicationState
from kiosk.usecases.resident import CoreServices
from tests.ui.taps import at

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


@pytest.fixture
def core():
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
    import kiosk.journey as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    assert "PySide6" not in source


_CRASHING_VISIT = """
import os, signal, sys
sys.path.insert(0, {root!r})
from kiosk.core import KioskCore
from kiosk.journey import Journey
from kiosk.usecases.resident import CoreServices
from ui.tour import SAMPLE_HOLDER

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
