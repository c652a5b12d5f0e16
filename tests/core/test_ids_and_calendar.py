from __future__ import annotations

import datetime as dt

import pytest

from kiosk.ids import (
    application_number,
    is_valid_application_number,
    normalize_application_number,
    uuid7,
)
from kiosk.workdays import WorkCalendar, calendar_from_dict, shipped_calendar


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
