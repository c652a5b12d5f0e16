"""The platform's e-licence endpoint (issue 13 item 2, "Must show"): refused without a valid
signature, answered and logged when allowed, never beyond the types the item needs."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from central.licences import LicenceLibrary, licence_hash
from kiosk.ids import uuid7
from sync import signing
from sync.client import LicenceRefusedError, PlatformClient
from sync.protocol import (
    H_NONCE,
    H_SIGNATURE,
    H_TERMINAL,
    H_TIMESTAMP,
    LicenceConsent,
    LicenceLookupAnswer,
    LicenceLookupRequest,
)

HOLDER = "130608195804123029"  # 李秀英, config/cards/resident-longterm.json
PATH = "/v1/licences/lookup"


def _request(
    types: list[str], holder: str = HOLDER, item: str = "MZ-DB-001"
) -> LicenceLookupRequest:
    return LicenceLookupRequest(
        business_ref=str(uuid7()),
        service_code=item,
        holder_id_number=holder,
        holder_by="id_card",
        licence_types=types,
        consent=LicenceConsent(
            text="同意调取本人电子证照", agreed_at=dt.datetime.now(dt.UTC).isoformat()
        ),
    )


def _logged(platform) -> int:
    return int(platform.db.query("SELECT COUNT(*) FROM licence_lookups")[0][0])


def _post(platform, body: bytes, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(timeout=10) as http:
        return http.post(
            platform.url + PATH,
            content=body,
            headers={"Content-Type": "application/json", **headers},
        )


def _signed_headers(terminal_id: str, secret: bytes, body: bytes) -> dict[str, str]:
    timestamp, nonce = f"{time.time():.3f}", signing.new_nonce()
    return {
        H_TERMINAL: terminal_id,
        H_TIMESTAMP: timestamp,
        H_NONCE: nonce,
        H_SIGNATURE: signing.sign_request(
            secret, "POST", PATH, timestamp=timestamp, nonce=nonce, body=body
        ),
    }


def test_licence_lookup_without_valid_signature_is_refused_and_not_logged(licence_platform):
    platform = licence_platform
    creds = platform.enrol()
    body = _request(["居民户口簿"]).model_dump_json().encode()

    unsigned = _post(platform, body, {})
    wrong_secret = _post(platform, body, _signed_headers(creds.terminal_id, b"x" * 32, body))
    headers = _signed_headers(creds.terminal_id, creds.secret, body)
    tampered = _post(platform, body.replace(HOLDER.encode(), b"110101195001011239"), headers)
    unknown = _post(platform, body, _signed_headers("Tnobody", creds.secret, body))

    for answer in (unsigned, wrong_secret, tampered, unknown):
        assert answer.status_code == 401, answer.text
        assert H_SIGNATURE not in answer.headers  # an unauthenticated refusal is never signed
        assert "licences" not in answer.json()
    assert _logged(platform) == 0


def test_licence_lookup_allowed_is_answered_signed_and_logged(licence_platform):
    platform = licence_platform
    creds = platform.enrol(region="130608001000")
    request = _request(["居民户口簿"])
    with PlatformClient(platform.url, creds) as client:
        answer = client.lookup_licences(request)
    assert isinstance(answer, LicenceLookupAnswer)
    assert [lic.licence_type for lic in answer.licences] == ["居民户口簿"]
    hukou = answer.licences[0]
    assert hukou.number == "130608-2019-004521" and hukou.issuer == "保定市公安局清苑分局"
    assert hukou.sha256 == licence_hash(hukou.data)
    assert answer.missing == []

    log = LicenceLibrary(platform.db).lookups()
    assert len(log) == 1
    entry = log[0]
    assert entry["terminal_id"] == creds.terminal_id
    assert entry["service_code"] == "MZ-DB-001"
    assert entry["business_ref"] == request.business_ref
    assert entry["holder"] == "130608********3029"  # masked for the console
    assert entry["requested"] == ["居民户口簿"] and entry["found"] == ["居民户口簿"]
    assert abs(entry["at"] - time.time()) < 60
    assert entry["region_code"] == "130608001000"
    # At rest the holder is sealed and keyed by an HMAC: the number is nowhere in clear.
    for holder, stored in platform.db.query("SELECT holder, holder_hash FROM licence_lookups"):
        assert HOLDER not in holder and HOLDER not in stored
    for (payload,) in platform.db.query("SELECT payload FROM licences"):
        assert "李秀英" not in payload and HOLDER not in payload


def test_licence_type_the_item_does_not_need_is_refused_and_not_logged(licence_platform):
    platform = licence_platform
    with PlatformClient(platform.url, platform.enrol()) as client:
        with pytest.raises(LicenceRefusedError):
            client.lookup_licences(_request(["居民户口簿", "结婚证"]))  # 低保 takes no 结婚证
        with pytest.raises(LicenceRefusedError):
            client.lookup_licences(_request(["居民户口簿"], item="NO-SUCH-ITEM"))
    assert _logged(platform) == 0


def test_licence_not_found_and_expired_are_said_and_logged(licence_platform):
    platform = licence_platform
    with PlatformClient(platform.url, platform.enrol()) as client:
        expired = client.lookup_licences(
            _request(["残疾人证"], holder="140702199009030015", item="MZ-CJ-001")
        )
        nothing = client.lookup_licences(_request(["居民户口簿"], holder="810000197911300016"))
    assert expired.licences == [] and [(m.licence_type, m.reason) for m in expired.missing] == [
        ("残疾人证", "expired")
    ]
    assert nothing.licences == [] and nothing.missing[0].reason == "not_found"
    assert _logged(platform) == 2
