"""Helpers for the sync tests: platform wrapper, item builders, condition waits."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

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
    codes: dict[str, str] = field(default_factory=dict)  # terminal id -> terminal code

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def db(self) -> CentralDB:
        return self.running.db

    def enrol(self, region: str = "330102001000") -> Credentials:
        code = self.db.new_enrol_code(region)
        answer = enrol(self.url, EnrolRequest(code=code, region_code=region, station_name="测试站"))
        self.codes[answer.terminal_id] = answer.terminal_code
        return Credentials(answer.terminal_id, decode_secret(answer.secret))

    def code_of(self, credentials: Credentials) -> str:
        """The terminal code the platform assigned at enrolment (numbers must carry it)."""
        return self.codes[credentials.terminal_id]


def make_application(
    attachments: list[bytes] | None = None,
    service_code: str = "TEST-001",
    n: int = 0,
    code: str = "330102",
) -> ApplicationUpload:
    """An upload numbered ``CODE-261123-NNNN-X``: pass the uploading terminal's code
    (``platform.code_of(creds)``) and a distinct ``n`` when the platform must take it."""
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
        number=f"{code}-261123-{n % 10000:04d}-X",
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


# --- the kiosk side -------------------------------------------------------------------------


def open_store(root):
    from kiosk.catalogue import load_sample_catalogue
    from kiosk.paths import DataDir
    from kiosk.store import Store

    store = Store(DataDir(root).ensure())
    if store.catalogue_is_empty():
        store.save_catalogue(load_sample_catalogue())
    return store


def fill_store(
    store,
    apps: int = 3,
    files_per_app: int = 1,
    file_size: int = 5000,
    ratings: int = 1,
    requests: int = 1,
    seed: int = 0,
    code: str | None = None,
):
    """Queue applications (with attachments), ratings and requests directly through the store.

    Numbers are minted as the terminal would: under the code enrolment recorded (see
    ``make_engine``), else the provisional code; ``code`` forces one (a terminal enrolled
    without the store knowing, e.g. settings written by hand).
    """
    import datetime as dt
    import random

    from kiosk.application import Applicant as KApplicant
    from kiosk.application import Channel
    from kiosk.feedback import CitizenRequest, Rating, RatingLevel, RequestKind
    from kiosk.ids import application_number
    from kiosk.store import NewApplication, NewAttachment

    rng = random.Random(seed)
    item = store.item("RS-YL-001")
    today = dt.date(2026, 11, 23)
    made = []
    for i in range(apps):
        files = [
            NewAttachment(
                field_key="hukou_photo",
                filename=f"户口本{i}-{j}.jpg",
                mime_type="image/jpeg",
                content=rng.randbytes(file_size),
            )
            for j in range(files_per_app)
        ]
        made.append(
            store.submit(
                NewApplication(
                    item=item,
                    applicant=KApplicant(
                        name=f"王{i}",
                        id_number="11010519491231002X",
                        phone="13800138000",
                        address="浙江省杭州市西湖区某村",
                    ),
                    form={"name": f"王{i}", "grade": "一档", "note": "x" * 200},
                    channel=Channel.SELF_SERVICE,
                    staff_id=None,
                    consent=False,
                ),
                files,
                id_factory=lambda: str(uuid7()),
                number_factory=(
                    (lambda seq: application_number(code, today, seq)) if code else None
                ),
                promised=lambda day: day,
            )
        )
    now = dt.datetime.now(dt.UTC)
    for i in range(ratings):
        store.add_rating(
            Rating(
                id=str(uuid7()),
                application_number=made[i % len(made)].number if made else "x",
                level=RatingLevel(5 - i % 5),
                reason="排队太久" if 5 - i % 5 <= 2 else "",
                created_at=now,
            )
        )
    for i in range(requests):
        store.add_request(
            CitizenRequest(
                id=str(uuid7()),
                kind=RequestKind.SUGGESTION,
                content=f"建议{i}",
                name="赵六",
                phone="13700137000",
                id_number="",
                created_at=now,
            )
        )
    return made


def assert_platform_holds_exactly(platform_db, store):
    """Every item of the kiosk is on the platform once, byte-identical; attachments too."""
    from sync.protocol import ItemKind

    apps = platform_db.applications()
    ids = [a["id"] for a in apps]
    assert len(ids) == len(set(ids))
    local = {r["id"] for r in store.conn.query("SELECT id FROM applications")}
    assert set(ids) == local, (len(ids), len(local))
    for a in apps:
        mine = store.application(a["id"])
        digest, stored = platform_db.stored_content(ItemKind.APPLICATION, a["id"])
        assert digest == mine.content_hash()
        for att in mine.attachments:
            assert platform_db.attachment_bytes(att.sha256) == store.attachment_content(att.sha256)
        assert stored == mine.upload_content()
    for kind, table in ((ItemKind.RATING, "ratings"), (ItemKind.REQUEST, "requests")):
        remote = [r["id"] for r in platform_db.items(kind)]
        assert len(remote) == len(set(remote))
        assert set(remote) == {r["id"] for r in store.conn.query(f"SELECT id FROM {table}")}
    assert platform_db.conflicts() == []
