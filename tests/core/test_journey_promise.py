"""容缺受理 / 告知承诺 in the journey, without a camera (issue 13, item 3): no Qt."""

from __future__ import annotations

import pytest

from kiosk.application import Application
from kiosk.catalogue import ServiceItem
from kiosk.core import KioskCore
from kiosk.errors import InvalidTransition, ValidationError
from kiosk.journey import COUNTER_ONLY, Journey, Step
from kiosk.materials import MaterialChoice, MaterialStatus, promise_due
from kiosk.usecases.resident import CoreServices
from kiosk.usecases.submit import submit_application
from tests.core.test_journey import HOLDER, at

ELDER = "MZ-GL-001"  # 高龄津贴: the 户口簿 photo is required, and may be promised
HUKOU = "居民户口簿"


class Printer:
    def __init__(self) -> None:
        self.receipts: list[str] = []
        self.commitments: list[str] = []

    def print_receipt(self, application: Application, *, reprint: bool) -> None:
        self.receipts.append(application.number)

    def print_notice(self, item: ServiceItem) -> None:
        pass

    def print_result(self, application: Application) -> None:
        pass

    def print_commitment(self, application: Application) -> None:
        self.commitments.append(application.number)


@pytest.fixture
def core():
    core = KioskCore.open()
    yield core
    core.close()


def _to_materials(journey: Journey) -> None:
    journey.card_inserted(HOLDER)
    journey.choose_item(ELDER)
    journey.begin_form()
    assert at(journey) is Step.MATERIALS
    assert [m.name for m in journey.needed_here()] == [HUKOU]


def _answer_all(journey: Journey) -> None:
    while at(journey) is Step.FORM:
        field = journey.current_field()
        known = journey.session.answers.get(field.key, "")
        journey.answer(field.options[0] if field.options else known or "13812345678")
        assert journey.session.error is None, journey.session.error


def test_promise_files_with_the_commitment_and_a_due_date_within_the_time_limit(core):
    printer = Printer()
    journey = Journey(CoreServices(core), printer)
    _to_materials(journey)
    assert journey.choices_for(journey.needed_here()[0]) == (MaterialChoice.PROMISE,)
    journey.materials_done()  # nothing chosen yet
    assert at(journey) is Step.MATERIALS and journey.session.error is not None
    journey.choose_material(HUKOU, MaterialChoice.PROMISE)
    journey.materials_done()
    assert at(journey) is Step.PROMISE
    item = core.store.item(ELDER)
    due = promise_due(core.calendar, item, item.material(HUKOU), journey.services.today())
    assert (
        f"《{HUKOU}》" in journey.session.commitment
        and "记入个人信用记录" in journey.session.commitment
    )
    journey.back()  # 返回 from the commitment: the choices are kept
    assert at(journey) is Step.MATERIALS and journey.session.choices == {
        HUKOU: MaterialChoice.PROMISE
    }
    journey.materials_done()
    journey.promise()
    _answer_all(journey)
    journey.submit()
    assert at(journey) is Step.SUBMITTED
    stored = core.store.application(journey.session.application.number)
    hukou = next(m for m in stored.materials if m.name == HUKOU)
    assert hukou.status is MaterialStatus.PROMISED and hukou.due_on == due
    assert due <= core.calendar.estimated_completion(journey.services.today(), item.time_limit_days)
    others = [m.status for m in stored.materials if m.name != HUKOU]
    assert others and set(others) == {MaterialStatus.TO_BRING}
    assert stored.commitment is not None and stored.commitment.staff_id is None
    assert printer.commitments == printer.receipts == [stored.number]
    assert stored.upload_content()["materials"][1]["status"] == "promised"


def test_withdraw_files_nothing_and_ends_the_visit(core):
    printer = Printer()
    journey = Journey(CoreServices(core), printer)
    _to_materials(journey)
    journey.withdraw()
    assert at(journey) is Step.END and journey.session.item is None
    assert core.store.applications() == [] and printer.receipts == []


def test_bring_needs_staff_without_a_camera(core):
    journey = Journey(CoreServices(core), Printer())
    _to_materials(journey)
    journey.choose_material(HUKOU, MaterialChoice.SEEN)
    assert at(journey) is Step.MATERIALS and "工作人员" in journey.session.error.message
    assert journey.session.choices == {}


def test_assisted_filing_records_the_staff_member_on_the_commitment_and_the_seen_original(core):
    journey = Journey(CoreServices(core), Printer())
    journey.set_assisting("1001")
    _to_materials(journey)
    assert journey.choices_for(journey.needed_here()[0]) == (
        MaterialChoice.PROMISE,
        MaterialChoice.SEEN,
    )
    journey.choose_material(HUKOU, MaterialChoice.PROMISE)
    journey.materials_done()
    journey.promise()
    _answer_all(journey)
    journey.submit()
    journey.consent(True)
    stored = core.store.application(journey.session.application.number)
    assert stored.commitment is not None and stored.commitment.staff_id == "1001"


def test_a_promise_is_refused_where_the_catalogue_does_not_allow_it(core):
    journey = Journey(CoreServices(core), Printer())
    journey.card_inserted(HOLDER)
    journey.choose_item("MZ-YD-001")  # 优待证: the photo is a main material
    journey.begin_form()
    assert at(journey) is Step.GUIDE and journey.session.error.message == COUNTER_ONLY
    with pytest.raises(InvalidTransition):
        journey.choose_material("近期一寸免冠照片", MaterialChoice.PROMISE)
    with pytest.raises(ValidationError, match="不能这样提交"):
        submit_application(
            core,
            "MZ-YD-001",
            journey.session.applicant,
            {},
            material_choices={"近期一寸免冠照片": MaterialChoice.PROMISE},
        )


def test_a_promise_without_the_confirmed_commitment_is_refused_by_the_core(core):
    journey = Journey(CoreServices(core), Printer())
    _to_materials(journey)
    journey.choose_material(HUKOU, MaterialChoice.PROMISE)
    journey.materials_done()
    journey.promise()
    _answer_all(journey)
    s = journey.session
    for commitment, message in ((None, "请先阅读"), ("本人承诺。", "已更新")):
        with pytest.raises(ValidationError, match=message):
            submit_application(
                core,
                ELDER,
                s.applicant,
                s.answers,
                material_choices={HUKOU: MaterialChoice.PROMISE},
                commitment=commitment,
            )
    assert core.store.applications() == []


def test_without_a_camera_a_promisable_item_no_longer_ends_at_the_counter(core):
    """The dead end of issue 13: 开始填写 on an item with a required photo said 请到窗口办理
    even where the department accepts the paper later under a promise (容缺受理)."""
    journey = Journey(CoreServices(core), Printer())
    journey.card_inserted(HOLDER)
    journey.choose_item(ELDER)
    journey.begin_form()
    assert journey.session.error is None
    assert at(journey) is Step.MATERIALS


def test_choices_are_forgotten_when_another_item_is_chosen(core):
    journey = Journey(CoreServices(core), Printer())
    _to_materials(journey)
    journey.choose_material(HUKOU, MaterialChoice.PROMISE)
    journey.back()
    journey.back()
    assert at(journey) is Step.FIND_ITEM
    journey.choose_item("MZ-DB-001")  # also needs the 户口簿: a new decision, not a carried one
    journey.begin_form()
    assert at(journey) is Step.MATERIALS and journey.session.choices == {}
