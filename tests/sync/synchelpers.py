"""Helpers for the sync tests: platform wrapper, item builders, condition waits."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from central.db import CentralDB
from central.server import RunningPlatform
from kiosk.ids import uuid7
from sync.client import Credentials, enrol
from sync.protocol import (
    Applicant,
    ApplicationUpload,
    AttachmentRef,
    EnrolRequest,
    RatingUpload,
    RequestUpload,
)
from sync.signing import decode_secret


class MovableClock:
    """A wall clock tests can shift (the platform's or the kiosk's)."""

    def __init__(self) -> None:
        import time

        self._time = time.time
        self.offset = 0.0

    def __call__(self) -> float:
        return self._time() + self.offset


@dataclass
class Platform:
    running: RunningPlatform
    clock: MovableClock

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def db(self) -> CentralDB:
        return self.running.db

    def enrol(self, region: str = "330102001000") -> Credentials:
        code = self.db.new_enrol_code(region)
        answer = enrol(self.url, EnrolRequest(code=code, region_code=region, station_name="测试站"))
        return Credentials(answer.terminal_id, decode_secret(answer.secret))


def make_application(
    attachments: list[bytes] | None = None, service_code: str = "TEST-001", n: int = 0
) -> ApplicationUpload:
    refs = [
        AttachmentRef(
            sha256=hashlib.sha256(a).hexdigest(),
            field_key="photo",
            filename=f"a{i}.jpg",
            mime_type="image/jpeg",
            size=len(a),
        )
        for i, a in enumerate(attachments or [])
    ]
    return ApplicationUpload(
        id=str(uuid7()),
        number=f"330102-261123-{n % 10000:04d}-X",
        service_code=service_code,
        service_version=1,
        applicant=Applicant(
            name="张三", id_number="11010519491231002X", phone="13800138000", address="浙江省杭州市"
        ),
        form={"reason": "测试" * 10, "n": str(n)},
        attachments=refs,
        channel="self_service",
        staff_id=None,
        consent=False,
        created_at="2026-11-23T02:00:00+00:00",
        local_seq=n,
        supersedes=None,
    )


def make_rating(n: int = 0) -> RatingUpload:
    return RatingUpload(
        id=str(uuid7()),
        application_number=f"330102-261123-{n:04d}-X",
        level=5,
        reason="",
        created_at="2026-11-23T02:00:00+00:00",
    )


def make_request(n: int = 0) -> RequestUpload:
    return RequestUpload(
        id=str(uuid7()),
        kind="suggestion",
        content=f"路灯坏了 {n}",
        name="李四",
        phone="13900139000",
        id_number="",
        created_at="2026-11-23T02:00:00+00:00",
    )


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Wait for a condition (no fixed sleeps): poll on an Event with a deadline."""
    import time

    event = threading.Event()
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        event.wait(0.01)
