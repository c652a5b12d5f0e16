"""Issue 11 item 8: docs/openapi.json is exact — schemathesis against the live server.

A bounded run per operation, twice: with the generated (random, so unauthenticated)
signature headers, and through a signing hook that signs each generated request as an
enrolled terminal. It fails on any 5xx and on any status, content type, header or body
the document does not describe.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sync import signing
from sync.client import Credentials
from sync.openapi import build_openapi
from sync.protocol import H_NONCE, H_SIGNATURE, H_TERMINAL, H_TIMESTAMP
from tests.sync.synchelpers import Platform

# tus's chunk media type is plain bytes on the wire
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

SCHEMA = schemathesis.openapi.from_dict(build_openapi())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 12


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, Credentials]]:
    from central.db import CentralDB
    from central.server import RunningPlatform
    from tests.sync.synchelpers import MovableClock

    clock = MovableClock()
    db = CentralDB(tmp_path_factory.mktemp("live") / "central.sqlite3", clock=clock)
    db.seed_catalogue_if_empty()
    running = RunningPlatform(db, clock)
    platform = Platform(running, clock)
    try:
        yield platform, platform.enrol()
    finally:
        running.stop()


def _request(http: httpx.Client, case: schemathesis.Case, base_url: str) -> httpx.Request:
    kwargs = case.as_transport_kwargs(base_url=base_url)
    if "json" in kwargs:
        content = json.dumps(kwargs["json"]).encode()
    else:
        data = kwargs.get("data", b"")
        content = data.encode() if isinstance(data, str) else bytes(data or b"")
    headers = {
        k: (v.encode("latin-1", "replace") if isinstance(v, str) else v)
        for k, v in kwargs["headers"].items()
    }
    return http.build_request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params") or None,
        content=content or None,
        headers=headers,
    )


def _sign(request: httpx.Request, creds: Credentials) -> None:
    """What the kiosk does: sign method, path with query, a fresh timestamp and nonce, body."""
    timestamp, nonce = f"{time.time():.3f}", signing.new_nonce()
    request.headers[H_TERMINAL] = creds.terminal_id
    request.headers[H_TIMESTAMP] = timestamp
    request.headers[H_NONCE] = nonce
    request.headers[H_SIGNATURE] = signing.sign_request(
        creds.secret,
        request.method,
        request.url.raw_path.decode("ascii"),
        timestamp=timestamp,
        nonce=nonce,
        body=request.read(),
    )


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method}:{op.path}")
def test_live_server_answers_only_what_the_document_says(live, operation, signed):
    platform, creds = live

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        with httpx.Client(timeout=10.0) as http:
            request = _request(http, case, platform.url)
            if signed:
                _sign(request, creds)
            response = http.send(request)
        case.validate_response(response, checks=CHECKS)

    run()
