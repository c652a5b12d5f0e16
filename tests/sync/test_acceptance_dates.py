"""受理日 and 办结期限 come from the platform and replace the kiosk's estimate (issue 14, item 12).

A real reference platform on 127.0.0.1 and a real kiosk store: the clerk's ``accepted`` is
dated by the platform (its clock moved to the day of the decision), the sync engine pulls the
status with its dates, and 我的办件, the staff queue and a reprinted receipt show them in place
of 预计办结. A 补正 stops the clock; the next ``accepted`` restarts it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from central.deadlines import CaseClock, next_clock
from kiosk.chinatime import CHINA_TZ
from kiosk.core import KioskCore
from kiosk.deadlines import CLOCK_STOPPED_TEXT, DeadlineKind, deadline_of
from kiosk.paths import DataDir
from kiosk.states import ApplicationState
from kiosk.usecases.my_applications import applications_of_card_holder, dates_of
from kiosk.usecases.queue_care import application_for_reprint, queue_entries
from kiosk.usecases.queue_view import queue_rows
from kiosk.workdays import shipped_calendar
from printouts.escpos.profile import PrinterProfile
from printouts.escpos.render import render_escpos
from printouts.from_domain import receipt_content
from printouts.layouts.receipt import layout_receipt
from sync.protocol import PlatformStatus
from tests.sync.synchelpers import Platform, fill_store

ID_NUMBER = "11010519491231002X"  # the applicant fill_store files for


def _decide_on(platform: Platform, day: dt.datetime, number: str, status: PlatformStatus) -> None:
    """The clerk's decision on ``day`` (China time); the platform's clock is put back after."""
    platform.clock.offset = day.replace(tzinfo=CHINA_TZ).timestamp() - (
        platform.clock() - platform.clock.offset
    )
    try:
        platform.db.set_status(
            number, status, reason="照片不清晰" if "supplement" in status else ""
        )
    finally:
        platform.clock.offset = 0.0


def _receipt_text(core: KioskCore, number: str) -> str:
    application = application_for_reprint(core, number)
    document = layout_receipt(receipt_content(application, core.settings, reprint=True))
    return "\n".join(str(block) for block in document.blocks)


def test_accepted_status_with_dates_reaches_my_applications_and_a_reprint(
    platform: Platform, kiosk_store, make_engine, tmp_path: Path
) -> None:
    platform.db.seed_catalogue_if_empty()  # the platform knows the item's time limit
    (app,) = fill_store(kiosk_store, apps=1, files_per_app=0, ratings=0, requests=0)
    engine = make_engine()
    engine.run_until_idle()
    core = KioskCore.open(DataDir(tmp_path / "kiosk"))
    try:
        before = applications_of_card_holder(core, ID_NUMBER)[0]
        assert deadline_of(before).kind is DeadlineKind.ESTIMATE
        assert [label for label, _ in dates_of(before)] == ["提交时间", "预计办结"]
        assert "预计办结" in _receipt_text(core, app.number)

        # Accepted on Wednesday 30 September 2026: 5 working days, the day itself not
        # counted, over National Day and the make-up Saturday 10 October -> 13 October.
        _decide_on(platform, dt.datetime(2026, 9, 30, 10), app.number, PlatformStatus.ACCEPTED)
        assert engine.run_round().statuses_applied == 1

        mine = applications_of_card_holder(core, ID_NUMBER)[0]
        assert mine.state is ApplicationState.ACCEPTED
        assert (mine.accepted_on, mine.due_on) == (dt.date(2026, 9, 30), dt.date(2026, 10, 13))
        assert dates_of(mine)[1:] == [("受理日", "2026年9月30日"), ("办结期限", "2026年10月13日前")]
        text = _receipt_text(core, app.number)
        assert "受理日" in text and "2026年9月30日" in text and "2026年10月13日前" in text
        assert "预计办结" not in text
        # ...and on the thermal printer's bytes (GB18030), not only in the layout.
        escpos = render_escpos(
            layout_receipt(receipt_content(mine, core.settings, reprint=True)),
            PrinterProfile(width_mm=80),
        )
        assert "办结期限".encode("gb18030") in escpos
        (entry,) = queue_entries(core)
        assert (entry.accepted_on, entry.due_on) == (dt.date(2026, 9, 30), dt.date(2026, 10, 13))
        assert ("办结期限", "2026年10月13日前") in entry.dates
        (row,) = queue_rows(core)
        assert row.to_json()["due_on"] == "2026-10-13"
        assert row.to_json()["deadline"] == "办结期限 2026年10月13日前"

        # A 补正 on Friday 9 October stops the clock...
        _decide_on(
            platform, dt.datetime(2026, 10, 9, 15), app.number, PlatformStatus.NEEDS_SUPPLEMENT
        )
        assert engine.run_round().statuses_applied == 1
        paused = applications_of_card_holder(core, ID_NUMBER)[0]
        assert (paused.accepted_on, paused.due_on) == (dt.date(2026, 9, 30), None)
        assert dates_of(paused)[2] == ("办结期限", CLOCK_STOPPED_TEXT)
        assert CLOCK_STOPPED_TEXT in _receipt_text(core, app.number)

        # ...and the supplement handed in on Monday 12 October restarts it: 5 working days
        # counted again from the day after; the 受理日 stays the department's first one.
        _decide_on(platform, dt.datetime(2026, 10, 12, 9), app.number, PlatformStatus.ACCEPTED)
        assert engine.run_round().statuses_applied == 1
        again = applications_of_card_holder(core, ID_NUMBER)[0]
        assert (again.accepted_on, again.due_on) == (dt.date(2026, 9, 30), dt.date(2026, 10, 19))
        assert "2026年10月19日前" in _receipt_text(core, app.number)
    finally:
        core.close()


def test_a_status_without_dates_keeps_the_recorded_ones(
    platform: Platform, kiosk_store, make_engine
) -> None:
    """An update from an older platform (no dates) must not erase what was recorded."""
    from kiosk.store.outbox import Outbox

    (app,) = fill_store(kiosk_store, apps=1, files_per_app=0, ratings=0, requests=0)
    make_engine().run_until_idle()
    outbox = Outbox(kiosk_store)
    now = dt.datetime.now(dt.UTC)
    assert outbox.apply_platform_status(
        app.id,
        ApplicationState.ACCEPTED,
        "",
        now,
        accepted_on=dt.date(2026, 11, 23),
        due_on=dt.date(2026, 11, 30),
    )
    assert outbox.apply_platform_status(app.id, ApplicationState.IN_PROGRESS, "", now)
    stored = kiosk_store.application(app.id)
    assert (stored.accepted_on, stored.due_on) == (dt.date(2026, 11, 23), dt.date(2026, 11, 30))


CALENDAR = shipped_calendar()


@pytest.mark.parametrize(
    ("clock", "status", "today", "supplement_on", "after"),
    [
        # first acceptance on a working day
        (
            CaseClock(),
            PlatformStatus.ACCEPTED,
            dt.date(2026, 11, 23),
            None,
            CaseClock(dt.date(2026, 11, 23), dt.date(2026, 11, 30)),
        ),
        # 补正 before acceptance starts nothing (行政许可法 art. 32)
        (CaseClock(), PlatformStatus.NEEDS_SUPPLEMENT, dt.date(2026, 11, 23), None, CaseClock()),
        # a supplement filed at a kiosk on Tuesday restarts the count from that day, even if
        # the clerk accepts it on Thursday
        (
            CaseClock(dt.date(2026, 11, 23), None, dt.date(2026, 11, 24)),
            PlatformStatus.ACCEPTED,
            dt.date(2026, 11, 26),
            dt.date(2026, 11, 24),
            CaseClock(dt.date(2026, 11, 23), dt.date(2026, 12, 1)),
        ),
        # a supplement older than the stop is not this supplement: restart from today
        (
            CaseClock(dt.date(2026, 11, 23), None, dt.date(2026, 11, 24)),
            PlatformStatus.ACCEPTED,
            dt.date(2026, 11, 26),
            dt.date(2026, 11, 20),
            CaseClock(dt.date(2026, 11, 23), dt.date(2026, 12, 3)),
        ),
        # in_progress / completed leave the dates alone
        (
            CaseClock(dt.date(2026, 11, 23), dt.date(2026, 11, 30)),
            PlatformStatus.COMPLETED,
            dt.date(2026, 11, 27),
            None,
            CaseClock(dt.date(2026, 11, 23), dt.date(2026, 11, 30)),
        ),
    ],
)
def test_the_platform_clock_rules(
    clock: CaseClock,
    status: PlatformStatus,
    today: dt.date,
    supplement_on: dt.date | None,
    after: CaseClock,
) -> None:
    assert (
        next_clock(
            clock,
            status,
            today=today,
            time_limit_days=5,
            calendar=CALENDAR,
            supplement_on=supplement_on,
        )
        == after
    )
