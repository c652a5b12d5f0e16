"""Signature checks: every kind of forged or replayed request is refused."""

from __future__ import annotations

import gzip

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import signing
from sync.client import AuthError, Credentials, TransientError
from sync.protocol import BatchRequest, ErrorBody, ErrorCode
from tests.sync.synchelpers import make_application


def _signed_post(
    url: str,
    creds: Credentials,
    body: bytes,
    *,
    timestamp: str,
    nonce: str,
    sign_body: bytes | None = None,
    key: bytes | None = None,
) -> httpx.Response:
    path = "/v1/batch"
    sig = signing.sign_request(
        key or creds.secret,
        "POST",
        path,
        timestamp=timestamp,
        nonce=nonce,
        body=body if sign_body is None else sign_body,
    )
    return httpx.post(
        url + path,
        content=body,
        headers={
            "X-Kiosk-Terminal": creds.terminal_id,
            "X-Kiosk-Timestamp": timestamp,
            "X-Kiosk-Nonce": nonce,
            "X-Kiosk-Signature": sig,
            "Content-Encoding": "gzip",
        },
    )


def _body(code: str = "330102") -> bytes:
    batch = BatchRequest(applications=[make_application(code=code)])
    return gzip.compress(batch.model_dump_json().encode())


def _error(response: httpx.Response) -> ErrorCode:
    return ErrorBody.model_validate_json(response.content).error


def test_well_signed_request_is_accepted(platform):
    creds = platform.enrol()
    body = _body(platform.code_of(creds))
    r = _signed_post(
        platform.url, creds, body, timestamp=f"{platform.clock():.3f}", nonce=signing.new_nonce()
    )
    assert r.status_code == 200
    assert len(platform.db.applications()) == 1


def test_tampered_body_is_rejected(platform):
    creds = platform.enrol()
    body = _body()
    tampered = gzip.compress(
        gzip.decompress(body).replace(b"\\u5f20", b"\\u674e").replace("张".encode(), "李".encode())
    )
    assert tampered != body
    r = _signed_post(
        platform.url,
        creds,
        tampered,
        timestamp=f"{platform.clock():.3f}",
        nonce=signing.new_nonce(),
        sign_body=body,
    )
    assert r.status_code == 401 and _error(r) is ErrorCode.BAD_SIGNATURE
    assert platform.db.applications() == []


def test_wrong_key_is_rejected(platform):
    creds = platform.enrol()
    r = _signed_post(
        platform.url,
        creds,
        _body(),
        timestamp=f"{platform.clock():.3f}",
        nonce=signing.new_nonce(),
        key=signing.new_secret(),
    )
    assert r.status_code == 401 and _error(r) is ErrorCode.BAD_SIGNATURE
    assert platform.db.applications() == []


@pytest.mark.parametrize("shift", [-301.0, 301.0])
def test_stale_timestamp_is_rejected(platform, shift):
    creds = platform.enrol()
    r = _signed_post(
        platform.url,
        creds,
        _body(),
        timestamp=f"{platform.clock() + shift:.3f}",
        nonce=signing.new_nonce(),
    )
    assert r.status_code == 401 and _error(r) is ErrorCode.STALE_TIMESTAMP
    assert platform.db.applications() == []


def test_replayed_nonce_is_rejected(platform):
    creds = platform.enrol()
    body = _body()
    ts, nonce = f"{platform.clock():.3f}", signing.new_nonce()
    assert _signed_post(platform.url, creds, body, timestamp=ts, nonce=nonce).status_code == 200
    r = _signed_post(platform.url, creds, body, timestamp=ts, nonce=nonce)
    assert r.status_code == 401 and _error(r) is ErrorCode.REPLAYED_NONCE


def test_revoked_terminal_is_rejected_and_client_pauses(platform, client_for):
    creds = platform.enrol()
    client = client_for(creds)
    platform.db.revoke(creds.terminal_id)
    # a body is refused before it is read, so that answer cannot be authenticated: unsigned,
    # transient (issue 11.1, 11.9) ...
    with pytest.raises(TransientError):
        client.upload_batch(BatchRequest(applications=[make_application()]))
    # ... and the signed GET that starts every round tells the kiosk to pause
    with pytest.raises(AuthError) as info:
        client.pull_catalogue(0)
    assert info.value.code is ErrorCode.REVOKED
    assert platform.db.applications() == []


def test_unsigned_unknown_terminal_is_transient_not_a_pause(platform, client_for):
    """Anyone on the path can answer an unsigned 401: it must never pause the queue (11.9)."""
    client = client_for(Credentials("Tnobody", signing.new_secret()))
    with pytest.raises(TransientError):
        client.pull_statuses(0)


def test_client_with_wrong_key_cannot_verify_answers(platform, client_for):
    creds = platform.enrol()
    client = client_for(Credentials(creds.terminal_id, signing.new_secret()))
    # the platform answers bad_signature signed with the real key: the kiosk cannot verify it,
    # so it must not believe anything, and nothing is stored
    with pytest.raises(TransientError):
        client.upload_batch(BatchRequest(applications=[make_application()]))
    assert platform.db.applications() == []


def test_enrolment_code_is_one_time(platform):
    from sync.client import enrol
    from sync.protocol import EnrolRequest

    code = platform.db.new_enrol_code()
    enrol(platform.url, EnrolRequest(code=code, region_code="330102", station_name="站"))
    with pytest.raises(AuthError):
        enrol(platform.url, EnrolRequest(code=code, region_code="330102", station_name="站"))


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=200),
    field=st.sampled_from(["method", "path", "timestamp", "nonce", "body"]),
    flip=st.integers(min_value=0, max_value=10_000),
)
def test_any_single_change_breaks_the_signature(body, field, flip):
    secret = b"k" * 32
    parts = {
        "method": "POST",
        "path": "/v1/batch?cursor=3",
        "timestamp": "1763900000.000",
        "nonce": "ab" * 16,
        "body": body,
    }
    sig = signing.sign_request(
        secret,
        parts["method"],
        parts["path"],
        timestamp=parts["timestamp"],
        nonce=parts["nonce"],
        body=parts["body"],
    )
    changed = dict(parts)
    value = changed[field]
    if isinstance(value, bytes):
        changed[field] = (
            value + b"\x00"
            if not value
            else value[: flip % len(value)]
            + bytes([value[flip % len(value)] ^ 1])
            + value[flip % len(value) + 1 :]
        )
    else:
        i = flip % len(value)
        changed[field] = value[:i] + chr(ord(value[i]) ^ 1) + value[i + 1 :]
    assert (
        not signing.verify_request(
            secret,
            changed["method"],
            changed["path"],
            timestamp=changed["timestamp"],
            nonce=changed["nonce"],
            body=changed["body"],
            signature=sig,
        )
        or changed == parts
    )


def test_response_signature_is_bound_to_the_request_nonce():
    secret = b"s" * 32
    sig = signing.sign_response(secret, "n1", 200, b'{"results":[]}')
    assert signing.verify_response(secret, "n1", 200, b'{"results":[]}', sig)
    assert not signing.verify_response(secret, "n2", 200, b'{"results":[]}', sig)
    assert not signing.verify_response(secret, "n1", 200, b'{"results":[ ]}', sig)
    assert not signing.verify_response(secret, "n1", 201, b'{"results":[]}', sig)
