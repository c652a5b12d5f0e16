"""Promised materials in the staff queue: outstanding, reminded before the due date, lapsed
after it, counted from the 受理日 once the department accepted (issue 13, item 3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from kiosk.application import Application
from kiosk.catalogue import ServiceItem
from kiosk.chinatime import CHINA_TZ
from kiosk.core import KioskCore
from kiosk.journey import Journey
from kiosk.materials import MaterialChoice, PromiseStatus, promise_due
from kiosk.usecases.queue_care import QueueFilter, promised_outstanding, queue_entries
from kiosk.usecases.resident import CoreServices
from tests.core.test_journey import HOLDER

HUKOU = "居民户口簿"


class _Printer:
    def print_receipt(self, application: Application, *, reprint: bool) -> None: ...
    def print_notice(self, item: ServiceItem) -> None: ...
    def print_result(self, application: Application) -> None: ...
    def print_commitment(self, application: Application) -> None: ...


def _file_with_promise(core: KioskCore) -> Application:
    journey = Journey(CoreServices(core), _Printer())
    journey.card_inserted(HOLDER)
    journey.choose_item("MZ-GL-001")
    journey.begin_form()
    journey.choose_material(HUKOU, MaterialChoice.PROMISE)
    journey.materials_done()
    journey.promise()
    while journey.session.application is None and journey.step.value == "form":
        field = journey.current_field()
        known = journey.session.answers.get(field.key, "")
        journey.answer(field.options[0] if field.options else known or "13812345678")
    journey.submit()
    application = journey.session.application
    assert application is not None
    return application


def test_promised_materials_are_reminded_then_lapse_in_the_staff_queue():
    moment = [dt.datetime(2026, 12, 4, 10, 0, tzinfo=CHINA_TZ).astimezone(dt.UTC)]  # a Friday
    core = KioskCore.open(clock=lambda: moment[0])
    try:
        filed = _file_with_promise(core)
        due = core.store.application(filed.number).materials[1].due_on
        assert due is not None

        def promises() -> list[PromiseStatus]:
            entries = queue_entries(core, QueueFilter.PROMISES)
            return [p.status for e in entries for p in e.promises]

        assert promises() == [PromiseStatus.OUTSTANDING]
        entry = queue_entries(core, QueueFilter.PROMISES)[0]
        assert entry.number == filed.number and HUKOU in entry.promise_note
        moment[0] = dt.datetime.combine(due, dt.time(10), CHINA_TZ).astimezone(dt.UTC)
        assert promises() == [PromiseStatus.DUE_SOON]  # the reminder
        moment[0] += dt.timedelta(days=1)
        assert promises() == [PromiseStatus.LAPSED]
        assert "已逾期" in queue_entries(core, QueueFilter.PROMISES)[0].promise_note
    finally:
        core.close()


def test_once_accepted_the_due_date_counts_from_the_acceptance_day():
    moment = [dt.datetime(2026, 12, 4, 10, 0, tzinfo=CHINA_TZ).astimezone(dt.UTC)]
    core = KioskCore.open(clock=lambda: moment[0])
    try:
        filed = core.store.application(_file_with_promise(core).number)
        accepted = dt.date(2026, 12, 10)
        item = core.store.item("MZ-GL-001")
        expected = promise_due(core.calendar, item, item.material(HUKOU), accepted, accepted)
        [outstanding] = promised_outstanding(core, replace(filed, accepted_on=accepted), accepted)
        assert outstanding.due_on == expected > filed.materials[1].due_on
    finally:
        core.close()
