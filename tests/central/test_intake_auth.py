"""Issue 11 items 1 and 9: the headers are authenticated before a byte of body is read,
bodies are bounded and capped, and only authenticated requests get signed answers."""

from __future__ import annotations

import gzip
import json

import httpx

from sync import signing
from sync.client import Credentials
from sync.protocol import BatchRequest
from tests.central.intake import (
    connect,
    head_bytes,
    read_response,
    signed_headers,
    wait_until,
)
from tests.sync.synchelpers import make_application

SIXTEEN_MIB = 16 * 1024 * 1024


def _stranger() -> Credentials:
    return Credentials("Tdeadbeef00000000", signing.new_secret())


def _start_big_post(url: str, creds: Credentials, path: str = "/v1/batch", sent: int = 256 * 1024):
    """Send the head of a 16 MiB signed POST and the first ``sent`` bytes of its body."""
    body_start = b"\x1f\x8b" + b"\0" * (sent - 2)
    headers = signed_headers(creds, "POST", path, b"whatever")
    headers |= {"Content-Length": str(SIXTEEN_MIB), "Content-Encoding": "gzip"}
    sock = connect(url)
    sock.sendall(head_bytes("POST", path, headers))
    sock.sendall(body_start)
    return sock


def test_unknown_terminals_16mib_post_is_refused_before_its_body_is_read(start_platform):
    platform = start_platform()
    sock = _start_big_post(platform.url, _stranger())
    try:
        answer = read_response(sock)  # answered while 15.75 MiB are still unsent
    finally:
        sock.close()
    assert answer.status == 401
    assert answer.json()["error"] == "unknown_terminal"
    assert "x-kiosk-signature" not in answer.headers
    assert answer.headers.get("connection") == "close"  # the rest is not read either
    stats = platform.running.platform.stats
    assert stats.body_bytes_read == 0
    assert stats.refused_before_body == 1


def test_revoked_terminals_post_is_refused_before_its_body_is_read(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    platform.db.revoke(creds.terminal_id)
    read_before = platform.running.platform.stats.body_bytes_read  # the enrolment's
    sock = _start_big_post(platform.url, creds)
    try:
        answer = read_response(sock)
    finally:
        sock.close()
    assert answer.status == 403 and answer.json()["error"] == "revoked"
    assert "x-kiosk-signature" not in answer.headers  # not authenticated: never signed
    assert platform.running.platform.stats.body_bytes_read == read_before


def test_stale_timestamp_post_is_refused_before_its_body_is_read(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    platform.clock.offset = 3600.0
    read_before = platform.running.platform.stats.body_bytes_read  # the enrolment's
    sock = _start_big_post(platform.url, creds)
    try:
        answer = read_response(sock)
    finally:
        sock.close()
    assert answer.status == 401 and answer.json()["error"] == "stale_timestamp"
    assert platform.running.platform.stats.body_bytes_read == read_before


def test_declared_body_over_the_endpoints_limit_is_413_unread(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    read_before = platform.running.platform.stats.body_bytes_read  # the enrolment's
    sock = _start_big_post(platform.url, creds, path="/v1/heartbeat", sent=1024)
    try:
        answer = read_response(sock)
    finally:
        sock.close()
    assert answer.status == 413 and answer.json()["error"] == "too_large"
    assert platform.running.platform.stats.body_bytes_read == read_before


def test_chunked_body_is_cut_at_the_endpoints_limit(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    headers = signed_headers(creds, "POST", "/v1/heartbeat", b"x")
    headers |= {"Transfer-Encoding": "chunked", "Content-Type": "application/json"}
    sock = connect(platform.url)
    try:
        sock.sendall(head_bytes("POST", "/v1/heartbeat", headers))
        piece = b"x" * 16384
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        answer = None
        for _ in range(64):  # 1 MiB offered; the heartbeat's limit is 64 KiB
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        answer = read_response(sock)
    finally:
        sock.close()
    assert answer.status == 413
    assert platform.running.platform.stats.body_bytes_read <= 64 * 1024 + 128 * 1024


def test_gzip_bomb_is_413_not_memory(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    bomb = gzip.compress(b"[" + b" " * (17 * 1024 * 1024) + b"]")  # ~17 KB on the wire
    headers = signed_headers(creds, "POST", "/v1/batch", bomb) | {"Content-Encoding": "gzip"}
    r = httpx.post(platform.url + "/v1/batch", content=bomb, headers=headers)
    assert r.status_code == 413 and r.json()["error"] == "too_large"


def test_concurrent_bodies_are_capped_with_503_busy(start_platform):
    platform = start_platform(max_concurrent_bodies=1, busy_wait_s=0.2, busy_retry_after_s=7)
    creds = platform.enrol()
    body = json.dumps(
        {"queue_depth": 0, "oldest_unsent_age_s": None, "free_disk_bytes": 1, "terminal_time": 0.0}
    ).encode()
    headers = signed_headers(creds, "POST", "/v1/heartbeat", body)
    headers |= {"Content-Length": str(len(body)), "Content-Type": "application/json"}
    slow = connect(platform.url)
    try:
        slow.sendall(head_bytes("POST", "/v1/heartbeat", headers) + body[:10])
        stats = platform.running.platform.stats
        wait_until(lambda: stats.bodies_in_flight == 1, what="the first body to be in flight")
        second = httpx.post(
            platform.url + "/v1/heartbeat",
            content=body,
            headers=signed_headers(creds, "POST", "/v1/heartbeat", body),
        )
        assert second.status_code == 503 and second.json()["error"] == "busy"
        assert second.headers["retry-after"] == "7"
        slow.sendall(body[10:])
        assert read_response(slow).status == 200  # the first one was never disturbed
    finally:
        slow.close()


def test_bad_signature_answer_is_not_signed_so_it_is_no_signing_oracle(start_platform):
    """A caller without the key used to get a platform signature over its chosen nonce."""
    platform = start_platform()
    creds = platform.enrol()
    forger = Credentials(creds.terminal_id, signing.new_secret())
    chosen = "0123456789abcdef0123456789abcdef"
    batch = gzip.compress(
        BatchRequest(applications=[make_application()]).model_dump_json().encode()
    )
    headers = signed_headers(forger, "POST", "/v1/batch", batch, nonce=chosen)
    r = httpx.post(platform.url + "/v1/batch", content=batch, headers=headers)
    assert r.status_code == 401 and r.json()["error"] == "bad_signature"
    assert "x-kiosk-signature" not in r.headers
    for method, path in (("GET", "/v1/statuses?cursor=0"), ("GET", "/v1/catalogue")):
        headers = signed_headers(forger, method, path, b"", nonce=chosen)
        r = httpx.request(method, platform.url + path, headers=headers)
        assert r.status_code == 401 and "x-kiosk-signature" not in r.headers


def test_authenticated_refusals_stay_signed(start_platform):
    """A replayed nonce of a correctly signed request is still answered signed (it is the
    terminal's own request), and so is a revoked terminal's signed GET."""
    platform = start_platform()
    creds = platform.enrol()
    headers = signed_headers(creds, "GET", "/v1/statuses?cursor=0", b"")
    assert httpx.get(platform.url + "/v1/statuses?cursor=0", headers=headers).status_code == 200
    again = httpx.get(platform.url + "/v1/statuses?cursor=0", headers=headers)
    assert again.status_code == 401 and again.json()["error"] == "replayed_nonce"
    assert signing.verify_response(
        creds.secret,
        headers["X-Kiosk-Nonce"],
        401,
        again.content,
        again.headers["x-kiosk-signature"],
    )
    platform.db.revoke(creds.terminal_id)
    headers = signed_headers(creds, "GET", "/v1/catalogue", b"")
    revoked = httpx.get(platform.url + "/v1/catalogue", headers=headers)
    assert revoked.status_code == 403
    assert signing.verify_response(
        creds.secret,
        headers["X-Kiosk-Nonce"],
        403,
        revoked.content,
        revoked.headers["x-kiosk-signature"],
    )
