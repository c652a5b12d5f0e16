from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.chinatime import CHINA_TZ
from kiosk.core import KioskCore
from kiosk.deadlines import DeadlineKind, date_lines, deadline_of, fmt_day
from kiosk.ids import (
    application_number,
    is_valid_application_number,
    normalize_application_number,
    uuid7,
)
from kiosk.paths import DataDir
from kiosk.usecases.submit import submit_application
from kiosk.workdays import WorkCalendar, calendar_from_dict, shipped_calendar
from printouts.from_domain import receipt_content
from printouts.layouts.receipt import layout_receipt
from tests.core.conftest import PENSION, ZHANG


def test_uuid7_has_version_variant_and_time_order() -> None:
    first = uuid7(1_700_000_000_000)
    second = uuid7(1_700_000_000_001)
    assert first.version == 7
    assert first.variant == "specified in RFC 4122"
    assert first < second
    assert uuid7(1_700_000_000_000) != first  # random bits differ within one millisecond


def test_application_number_has_a_check_character_that_catches_typos() -> None:
    number = application_number("330102", dt.date(2026, 11, 23), 7)
    assert number.startswith("330102-261123-0007-")
    assert is_valid_application_number(number)
    typo = number[:15] + ("8" if number[15] != "8" else "9") + number[16:]
    assert not is_valid_application_number(typo)
    assert normalize_application_number(number.replace("-", "")) == number


@pytest.mark.parametrize("sequence", [0, 10_000])
def test_application_number_rejects_out_of_range_sequence(sequence: int) -> None:
    with pytest.raises(ValueError):
        application_number("330102", dt.date(2026, 1, 1), sequence)


@pytest.mark.parametrize(
    ("filed", "days", "promised"),
    [
        (
            dt.date(2026, 9, 30),
            5,
            dt.date(2026, 10, 13),
        ),  # over National Day and the Sat 10 Oct make-up day
        (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 14)),  # Saturday 14 Feb is a make-up workday
        (dt.date(2026, 2, 14), 1, dt.date(2026, 2, 24)),  # Spring Festival 15-23 Feb
        (dt.date(2026, 11, 20), 3, dt.date(2026, 11, 25)),  # a plain weekend
        (dt.date(2026, 11, 23), 0, dt.date(2026, 11, 23)),  # 即办: same day
        (dt.date(2026, 12, 31), 1, dt.date(2027, 1, 4)),  # New Year 2027 (provisional calendar)
    ],
)
def test_promised_dates_follow_the_holiday_calendar(
    filed: dt.date, days: int, promised: dt.date
) -> None:
    assert shipped_calendar().add_workdays(filed, days) == promised


def test_the_calendar_is_data_and_the_platform_can_replace_a_year() -> None:
    calendar = shipped_calendar()
    assert calendar.is_certain(dt.date(2026, 5, 1))
    assert not calendar.is_certain(dt.date(2027, 5, 1))  # shipped as provisional
    official = calendar_from_dict(
        {"year": 2027, "holidays": ["2027-05-03"], "workdays": ["2027-05-08"], "provisional": False}
    )
    calendar.replace_year(official)
    assert calendar.is_certain(dt.date(2027, 5, 1))
    assert not calendar.is_workday(dt.date(2027, 5, 3))
    assert calendar.is_workday(dt.date(2027, 5, 8))  # a Saturday


def test_years_without_a_calendar_fall_back_to_weekends() -> None:
    calendar = WorkCalendar([])
    assert calendar.add_workdays(dt.date(2030, 1, 4), 1) == dt.date(2030, 1, 7)
    assert not calendar.is_certain(dt.date(2030, 1, 4))


# --- 预计办结: the kiosk's estimate before the department accepts (issue 14, item 12) ----------


@pytest.mark.parametrize(
    ("filed", "days", "estimate"),
    [
        # National Day (Thu 1 Oct, a holiday): counting starts Thu 8 Oct, the first working day;
        # the make-up Saturday 10 Oct counts. Counting from 1 Oct itself gave 13 Oct, a day early.
        (dt.date(2026, 10, 1), 5, dt.date(2026, 10, 14)),
        # Spring Festival (Sun 15 Feb): counting starts Tue 24 Feb (was 24 Feb, a day early).
        (dt.date(2026, 2, 15), 1, dt.date(2026, 2, 25)),
        # A plain Saturday: counting starts Monday 23 Nov (was 25 Nov, a day early).
        (dt.date(2026, 11, 21), 3, dt.date(2026, 11, 26)),
        # A plain Sunday, 即办: the next working day, not the Sunday itself.
        (dt.date(2026, 11, 22), 0, dt.date(2026, 11, 23)),
        # A 调休 working Saturday is a working day: counting starts on it, as on a Monday.
        (dt.date(2026, 10, 10), 1, dt.date(2026, 10, 12)),
        (dt.date(2026, 2, 14), 1, dt.date(2026, 2, 24)),
        # A working day: unchanged, the filing day itself not counted.
        (dt.date(2026, 11, 23), 3, dt.date(2026, 11, 26)),
        (dt.date(2026, 11, 23), 0, dt.date(2026, 11, 23)),
    ],
)
def test_promised_dates_for_filings_on_a_holiday_start_from_the_next_working_day(
    filed: dt.date, days: int, estimate: dt.date
) -> None:
    calendar = shipped_calendar()
    assert calendar.estimated_completion(filed, days) == estimate
    # Never earlier than the department could finish if it accepted on its first working day.
    assert calendar.estimated_completion(filed, days) >= calendar.due_date(
        calendar.next_workday(filed), days
    )


def test_the_due_date_counts_from_acceptance_without_the_acceptance_day() -> None:
    calendar = shipped_calendar()
    assert calendar.due_date(dt.date(2026, 9, 30), 5) == dt.date(2026, 10, 13)
    assert calendar.next_workday(dt.date(2026, 10, 1)) == dt.date(2026, 10, 8)
    assert calendar.next_workday(dt.date(2026, 10, 10)) == dt.date(2026, 10, 10)  # 调休 Saturday


@pytest.mark.parametrize(
    ("filed_at_china", "estimate"),
    [
        (dt.datetime(2026, 10, 3, 9, 30), dt.date(2026, 10, 14)),  # a National Day holiday
        (dt.datetime(2026, 11, 21, 16, 0), dt.date(2026, 11, 30)),  # a Saturday
        (dt.datetime(2026, 2, 28, 10, 0), dt.date(2026, 3, 6)),  # a 调休 working Saturday counts
    ],
)
def test_an_application_filed_on_a_non_working_day_gets_the_estimate_and_receipt_says_so(
    kiosk_home: Path, filed_at_china: dt.datetime, estimate: dt.date
) -> None:
    """Was: the count started from the holiday itself, promising a day or more early."""
    moment = filed_at_china.replace(tzinfo=CHINA_TZ).astimezone(dt.UTC)
    core = KioskCore.open(DataDir(kiosk_home), clock=lambda: moment)
    try:
        core.store.save_catalogue([PENSION])  # 5 working days
        application = submit_application(
            core, PENSION.code, ZHANG, {"grade": "300元", "household": "3"}
        )
        assert application.promised_date == estimate
        stored = core.store.application(application.number)
        assert stored is not None and stored.promised_date == estimate
        assert deadline_of(stored).kind is DeadlineKind.ESTIMATE
        assert date_lines(stored)[1] == ("预计办结", f"{fmt_day(estimate)}前")
        receipt = receipt_content(stored, core.settings)
        assert (receipt.promised_by, receipt.accepted_on) == (estimate, None)
        text = "\n".join(str(block) for block in layout_receipt(receipt).blocks)
        assert "预计办结" in text and "限时办结" not in text and "受理时间" not in text
        assert "提交时间" in text
    finally:
        core.close()
