"""Test data and helpers of the staff tests: personal values that must never appear in any log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.logs import contains_personal_data
from kiosk.application import Applicant

# A valid GB 11643 number (check digit computed) and a mobile number: fictitious.
RESIDENT = Applicant(
    name="王秀兰",
    id_number="110101195001011239",
    phone="13800138000",
    address="浙江省杭州市西湖区三墩镇石马村 12 号",
)
STAFF_NAME = "李卫东"
TECH_NAME = "陈技术"
PERSONAL_VALUES = (
    RESIDENT.name,
    RESIDENT.id_number,
    RESIDENT.phone,
    RESIDENT.address,
    STAFF_NAME,
    TECH_NAME,
)

START = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


class MovableClock:
    """A clock tests move by hand; no sleeps."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


SIMPLE_ITEM = "YB-CB-001"  # 城乡居民基本医疗保险参保登记: no required attachments
PHOTO_ITEM = "MZ-DB-001"  # 最低生活保障申请: needs a hukou photo


def answers_for(item) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Valid answers to the non-prefilled questions of a sample item."""
    from kiosk.catalogue import FieldType

    answers: dict[str, str] = {}
    for f in item.form:
        if f.prefill or f.type is FieldType.ATTACHMENT or not f.required:
            continue
        if f.options:
            answers[f.key] = f.options[0]
        elif f.type is FieldType.DATE:
            answers[f.key] = "2026-01-01"
        elif f.type is FieldType.NUMBER:
            answers[f.key] = "2"
        elif f.type is FieldType.PHONE:
            answers[f.key] = RESIDENT.phone
        else:
            answers[f.key] = "务农"
    return answers


# Tests that need a deliberately unredacted log as input put it under a folder of this name.
UNREDACTED_FIXTURE = "unredacted-fixture"


def _kiosk_logs(base: Path) -> list[Path]:
    return sorted(
        p
        for p in base.rglob("*")
        if p.is_file()
        and (p.name.startswith("kiosk.log") or p.name.startswith("kiosk-logs-"))
        and UNREDACTED_FIXTURE not in p.relative_to(base).parts
    )


def scan_for_personal_data(base: Path) -> list[str]:
    """``file:line`` of every kiosk log line under ``base`` that holds personal data."""
    offending = []
    for path in _kiosk_logs(base):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if contains_personal_data(line, PERSONAL_VALUES):
                offending.append(f"{path.relative_to(base)}:{number}")
    return offending


@dataclass
class ReferencePlatform:
    """The repository's reference platform on 127.0.0.1, and a sync engine for ``core``."""

    db: Any
    url: str
    engine: Any

    def sync(self) -> None:
        report = self.engine.run_until_idle()
        assert report.ok, report.error
