"""The wire models after pydantic (issue 16, goal 2): same bytes, same hashes, same refusals.

The hashes and byte digests below were computed with the pydantic models these replaced
(``sync/protocol.py`` before the change): a kiosk and a platform of either version must
agree on every item's content hash, or retries would turn into conflicts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sync import protocol as p
from sync.wire import ValidationError

ROOT = Path(__file__).resolve().parents[2]

ID_NUMBER = "110101194001011234"

APPLICATION: dict[str, Any] = {
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    "number": "330102-20261203-0007",
    "service_code": "11330100MB0001-01",
    "service_version": 3,
    "applicant": {
        "name": "张三",
        "id_number": ID_NUMBER,
        "phone": "13800000000",
        "address": "某某村 3 组",
    },
    "form": {"reason": "高龄津贴申请", "bank": "农商银行"},
    "attachments": [
        {
            "sha256": "a" * 64,
            "field_key": "photo",
            "filename": "户口本.jpg",
            "mime_type": "image/jpeg",
            "size": 12345,
        }
    ],
    "channel": "assisted",
    "staff_id": "S001",
    "consent": True,
    "created_at": "2026-12-03T09:30:00+08:00",
    "local_seq": 7,
    "supersedes": None,
    "materials": [
        {"name": "身份证", "status": "e_licence", "trust": "A"},
        {"name": "户口本", "status": "promised", "trust": "D", "due_on": "2026-12-20"},
    ],
    "commitment": {
        "text": "本人承诺……",
        "confirmed_at": "2026-12-03T09:29:00+08:00",
        "staff_id": "S001",
    },
    "licences": [
        {"licence_type": "身份证", "number": ID_NUMBER, "issuer": "公安厅", "sha256": "b" * 64}
    ],
}

UPLOADS: dict[str, tuple[type[p.WireModel], dict[str, Any]]] = {
    "application": (p.ApplicationUpload, APPLICATION),
    "rating": (
        p.RatingUpload,
        {
            "id": "r-1",
            "application_number": "330102-20261203-0007",
            "level": 5,
            "reason": "很满意",
            "created_at": "2026-12-03T10:00:00+08:00",
        },
    ),
    "request": (
        p.RequestUpload,
        {
            "id": "q-1",
            "kind": "help",
            "content": "路灯坏了",
            "name": "李四",
            "phone": "13900000000",
            "id_number": "110101195001011234",
            "created_at": "2026-12-03T10:05:00+08:00",
        },
    ),
    "booking": (
        p.BookingUpload,
        {
            "id": "b-1",
            "number": "Y20261203001",
            "kind": "booking",
            "service_code": "X1",
            "slot": "2026-12-07/am",
            "priority": True,
            "materials": ["身份证"],
            "name": "王五",
            "id_number": "110101194501011234",
            "created_at": "2026-12-03T10:10:00+08:00",
        },
    ),
}

# Computed with pydantic 2.14 on the models before the change: (content hash, sha-256 of
# model_dump_json()).
PYDANTIC_ERA = {
    "application": (
        "c683be98d1fd703bd437a72470ac100bd823042002dab186abd950873909336a",
        "bf72b531710c5fb64c91d2d0f9f6f7f84501ac48a5ecf59ed6755977a0d25a61",
    ),
    "rating": (
        "f0dce74856ae5c4dd2c5f497804a56f4833b8c522239089a2c9f2d925e95efb5",
        "e77e5c305a766d9bff37eb437fd0c2cd598fdd4cb61f144c14f3f17192de0de9",
    ),
    "request": (
        "444cd69ac13f68f8dd9f89ea95d7d334b078ba31989bbe0e920177767d1b096f",
        "82cd2c00f051ec1831c232aaa9bc1a5ddeb5697b4621c4506fe81cf1a47f29f5",
    ),
    "booking": (
        "0b69349e71b9ad38e460aab1d4a49ce97b66ce13fa4c8a88edfd58e188ccaccb",
        "2c5e2ef436419159ba93e77f0e4fd3f1600cfdf9597554f4d06dfe87e59a66ca",
    ),
}


@pytest.mark.parametrize("kind", sorted(UPLOADS))
def test_uploads_hash_and_serialise_as_the_pydantic_models_did(kind: str) -> None:
    model, document = UPLOADS[kind]
    item = model.model_validate(document)
    content, text = PYDANTIC_ERA[kind]
    assert p.content_hash(item) == content
    assert hashlib.sha256(item.model_dump_json().encode()).hexdigest() == text
    # The platform parses what the kiosk sent: the same item, the same hash.
    again = model.model_validate_json(item.model_dump_json().encode())
    assert again == item and p.content_hash(again) == content


def test_an_application_without_the_later_fields_hashes_its_v1_bytes() -> None:
    """``exclude_if``: unset optional fields are absent on the wire, not null."""
    item = p.ApplicationUpload.model_validate(
        {**APPLICATION, "materials": None, "commitment": None, "licences": None}
    )
    dumped = item.model_dump(mode="json")
    for later in ("materials", "commitment", "licences", "provisional_number"):
        assert later not in dumped
    assert dumped["supersedes"] is None  # a v1 field: null stays on the wire
    assert (
        p.content_hash(item) == "d7d4fd8e3acfccadb1c516f39dc78108e38c545f2e36ef63646dbc3613c36fbb"
    )


def test_json_is_compact_utf8_in_declaration_order() -> None:
    text = p.ErrorBody(error=p.ErrorCode.TIMEOUT, message="中文", server_time=1).model_dump_json()
    assert text == '{"error":"timeout","message":"中文","server_time":1.0}'


def _errors(model: type[p.WireModel], document: Any) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(document)
    return [(tuple(e["loc"]), e["type"]) for e in refused.value.errors()]


def test_refusals_name_where_and_why_in_order() -> None:
    broken = json.loads(json.dumps(APPLICATION))
    del broken["applicant"]["name"]
    broken["attachments"][0]["size"] = -1
    broken["channel"] = "fax"
    broken["surplus"] = 1
    assert _errors(p.ApplicationUpload, broken) == [
        (("applicant", "name"), "missing"),
        (("attachments", 0, "size"), "greater_than_equal"),
        (("channel",), "literal_error"),
        (("surplus",), "extra_forbidden"),
    ]


def test_a_refusal_never_quotes_the_input() -> None:
    """The platform logs and answers with these messages: no personal data in them."""
    broken = {**APPLICATION, "applicant": {**APPLICATION["applicant"], "phone": 13800000000}}
    broken["id"] = ID_NUMBER + "\n"
    with pytest.raises(ValidationError) as refused:
        p.ApplicationUpload.model_validate(broken)
    assert ID_NUMBER not in str(refused.value)
    assert "13800000000" not in str(refused.value)
    assert "13800000000" not in repr(refused.value.errors())


@pytest.mark.parametrize(
    ("value", "read"),
    [("7", 7), (" 7 ", 7), (7.0, 7), (True, 1)],
)
def test_integers_are_read_as_pydantic_lax_mode_read_them(value: Any, read: int) -> None:
    assert p.RequestUpdate(seq=value, request_id="q", state="open", changed_at=1).seq == read


@pytest.mark.parametrize("value", [7.5, "7.5", "seven", None, [7]])
def test_what_is_not_an_integer_is_refused(value: Any) -> None:
    assert _errors(
        p.RequestUpdate, {"seq": value, "request_id": "q", "state": "open", "changed_at": 1}
    )[0][0] == ("seq",)


def test_a_string_field_takes_no_number_and_a_pattern_no_trailing_newline() -> None:
    assert _errors(p.Applicant, {"name": 1, "id_number": "x", "phone": "", "address": ""}) == [
        (("name",), "string_type")
    ]
    ref = {"sha256": "a" * 64, "field_key": "k", "filename": "f", "mime_type": "m", "size": 1}
    assert p.AttachmentRef.model_validate(ref).sha256 == "a" * 64
    assert _errors(p.AttachmentRef, {**ref, "sha256": "a" * 64 + "\n"}) == [
        (("sha256",), "string_pattern_mismatch")
    ]


def test_lengths_of_strings_and_lists() -> None:
    consent = {"text": "同意", "agreed_at": "2026-12-03T10:00:00+08:00"}
    lookup = {
        "business_ref": "b-1",
        "service_code": "X1",
        "holder_id_number": ID_NUMBER,
        "holder_by": "id_card",
        "licence_types": ["身份证"],
        "consent": consent,
    }
    assert p.LicenceLookupRequest.model_validate(lookup).consent.text == "同意"
    assert _errors(p.LicenceLookupRequest, {**lookup, "licence_types": []}) == [
        (("licence_types",), "too_short")
    ]
    assert _errors(p.LicenceLookupRequest, {**lookup, "licence_types": ["x"] * 9}) == [
        (("licence_types",), "too_long")
    ]
    assert _errors(p.LicenceLookupRequest, {**lookup, "consent": {**consent, "text": ""}}) == [
        (("consent", "text"), "string_too_short")
    ]
    assert _errors(p.LicenceLookupRequest, {**lookup, "holder_by": "face"}) == [
        (("holder_by",), "literal_error")
    ]


def test_days_are_dates_and_a_midnight_datetime_is_its_day() -> None:
    def received(on: Any) -> dt.date:
        return p.MaterialReceived(name="户口本", received_on=on).received_on

    assert received("2026-12-03") == dt.date(2026, 12, 3)
    assert received("2026-12-03T00:00:00+08:00") == dt.date(2026, 12, 3)
    assert received(dt.date(2026, 12, 3)) == dt.date(2026, 12, 3)
    for refused in ("2026-12-03T09:00:00", "20261203", "2026-02-30", 20261203):
        assert _errors(p.MaterialReceived, {"name": "户口本", "received_on": refused})[0][0] == (
            "received_on",
        )
    dumped = p.MaterialReceived(name="户口本", received_on="2026-12-03").model_dump(mode="json")
    assert dumped == {"name": "户口本", "received_on": "2026-12-03"}


def test_enums_read_their_values_and_dump_them() -> None:
    ack = p.BatchAck.model_validate_json(
        b'{"results":[{"kind":"rating","id":"r-1","outcome":"duplicate"}],"server_time":5}'
    )
    assert ack.results[0].outcome is p.Outcome.DUPLICATE
    assert ack.server_time == 5.0 and isinstance(ack.server_time, float)
    assert ack.model_dump()["results"][0]["outcome"] is p.Outcome.DUPLICATE
    assert ack.model_dump(mode="json")["results"][0]["outcome"] == "duplicate"
    assert _errors(p.ItemResult, {"kind": "rating", "id": "r", "outcome": "lost"}) == [
        (("outcome",), "enum")
    ]


def test_non_finite_numbers_are_null_in_json_text() -> None:
    ack = p.HeartbeatAck(server_time=math.inf)
    assert ack.model_dump(mode="json")["server_time"] == math.inf
    assert json.loads(ack.model_dump_json()) == {"received": True, "server_time": None}


@pytest.mark.parametrize(
    "body", [b"", b"{", b"\xff\xfe\xfa", b"[" * 100_000 + b"]" * 100_000, b'"text"', b"[]"]
)
def test_bodies_that_are_not_a_message_are_one_kind_of_refusal(body: bytes) -> None:
    with pytest.raises(ValidationError):
        p.HeartbeatAck.model_validate_json(body)


def test_messages_are_frozen_values() -> None:
    first = p.ErrorBody(error="busy", server_time=1)
    with pytest.raises(AttributeError):
        first.message = "changed"  # type: ignore[misc]
    assert first == p.ErrorBody(error=p.ErrorCode.BUSY, server_time=1.0)
    assert hash(first) == hash(p.ErrorBody(error="busy", server_time=1.0))
    moved = first.model_copy(update={"message": "稍后再试"})
    assert moved.message == "稍后再试" and first.message == ""


def test_mutable_defaults_are_not_shared_between_messages() -> None:
    one, two = p.BatchRequest(), p.BatchRequest()
    one.ratings.append(p.RatingUpload.model_validate(UPLOADS["rating"][1]))
    assert two.ratings == []


def test_no_side_of_the_protocol_imports_pydantic() -> None:
    """The kiosk's client and engine, the platform and the OpenAPI builder: ~13 MB less on an
    enrolled terminal (issue 16, goal 2)."""
    code = (
        "import sys; sys.path.insert(0, ROOT)\n"
        "import sync.engine, sync.client, sync.openapi, central.server\n"
        "sync.openapi.build_openapi()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))\n"
    ).replace("ROOT", repr(str(ROOT)))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
