"""Issue 11 item 2: half-sent heads, slow bodies and connection floods are cut off, a
legitimate terminal still gets through, and the log gets one line per interval."""

from __future__ import annotations

import json
import logging

import httpx

from central.server import GuardedH11Protocol, RateLimitedLog
from tests.central.intake import (
    closed_by_peer,
    connect,
    head_bytes,
    read_response,
    signed_headers,
    wait_until,
)


def test_half_sent_request_head_is_closed_within_the_header_timeout(start_platform):
    platform = start_platform(header_timeout_s=0.3)
    refused_before = GuardedH11Protocol.refused
    half = connect(platform.url, timeout=5.0)  # the socket timeout bounds the wait
    silent = connect(platform.url, timeout=5.0)
    try:
        half.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Kiosk-Term")
        assert closed_by_peer(half)
        assert closed_by_peer(silent)  # never sent a byte: closed too
    finally:
        half.close()
        silent.close()
    assert GuardedH11Protocol.refused >= refused_before + 2
    wait_until(lambda: platform.running.open_connections == 0, what="connections to be released")


def test_a_dripping_head_on_a_kept_alive_connection_is_closed(start_platform):
    platform = start_platform(header_timeout_s=0.3)
    creds = platform.enrol()
    sock = connect(platform.url, timeout=5.0)
    try:
        headers = signed_headers(creds, "GET", "/v1/statuses", b"")
        sock.sendall(head_bytes("GET", "/v1/statuses", headers))
        assert read_response(sock).status == 200  # kept alive after a real request ...
        sock.sendall(b"GET /v1/statuses HTTP/1.1\r\n")  # ... then one byte at a time
        assert closed_by_peer(sock)
    finally:
        sock.close()


def test_slow_body_is_answered_408_after_the_idle_timeout(start_platform):
    platform = start_platform(body_idle_timeout_s=0.3)
    creds = platform.enrol()
    body = b'{"queue_depth": 0}'
    headers = signed_headers(creds, "POST", "/v1/heartbeat", body)
    headers["Content-Length"] = str(len(body))
    sock = connect(platform.url, timeout=5.0)
    try:
        sock.sendall(head_bytes("POST", "/v1/heartbeat", headers) + body[:5])
        answer = read_response(sock)
    finally:
        sock.close()
    assert answer.status == 408 and json.loads(answer.body)["error"] == "timeout"
    assert platform.running.platform.stats.bodies_in_flight == 0  # its slot was given back


def test_connections_over_the_limit_are_closed_and_logged_once(start_platform, caplog):
    platform = start_platform(max_connections=4, header_timeout_s=30.0)
    creds = platform.enrol()
    wait_until(lambda: platform.running.open_connections == 0, what="the enrolment to close")
    caplog.set_level(logging.WARNING, logger="central.server")
    flood = [connect(platform.url, timeout=5.0) for _ in range(12)]
    try:
        # the first four are held open (half-sent), the other eight are closed on accept
        for sock in flood[:4]:
            sock.sendall(b"GET /v1/statuses HTTP/1.1\r\n")
        for sock in flood[4:]:
            assert closed_by_peer(sock)
        refusals = [r for r in caplog.records if "refused a connection" in r.getMessage()]
        assert len(refusals) == 1  # once per interval, not once per attempt
    finally:
        for sock in flood:
            sock.close()
    wait_until(lambda: platform.running.open_connections == 0, what="the flood to be released")
    r = httpx.get(
        platform.url + "/v1/statuses", headers=signed_headers(creds, "GET", "/v1/statuses", b"")
    )
    assert r.status_code == 200  # a legitimate terminal gets through afterwards


def test_rate_limited_log_says_how_many_it_left_out(caplog):
    now = [0.0]
    limited = RateLimitedLog(logging.getLogger("test.ratelog"), 60.0, clock=lambda: now[0])
    caplog.set_level(logging.WARNING, logger="test.ratelog")
    assert limited.warning("k", "refused %s", "x")
    for _ in range(999):
        assert not limited.warning("k", "refused %s", "x")
    assert limited.warning("other", "another kind")
    now[0] = 61.0
    assert limited.warning("k", "refused %s", "x")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "refused x",
        "another kind",
        "refused x (and 999 more like it in the last 60 s)",
    ]
