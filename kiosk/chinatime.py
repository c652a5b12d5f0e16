"""China Standard Time: the one zone residents, receipts and daily counters live in.

Times are stored in UTC; dates a person reads (filing day, promised date,
daily summary) are taken in UTC+8, which has no daylight saving.
"""

from __future__ import annotations

import datetime as dt

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")


def china_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA_TZ).date()


def china_day_bounds_utc(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), CHINA_TZ)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)
