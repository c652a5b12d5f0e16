"""Each fault of a bad link is a transient failure, and the retry delivers exactly once."""

from __future__ import annotations

import pytest

from sync.client import TransientError
from sync.protocol import BatchRequest, Outcome
from sync.testing.faultproxy import INJECTABLE, Fault, FaultProxy
from tests.sync.synchelpers import make_application, make_rating, make_request


@pytest.fixture
def proxy(platform):
    with FaultProxy(platform.running.port) as p:
        yield p


@pytest.mark.parametrize("fault", INJECTABLE, ids=lambda f: f.value)
def test_fault_then_retry_delivers_exactly_once(platform, client_for, proxy, fault):
    client = client_for(url=proxy.url)
    code = platform.code_of(client.credentials)
    batch = BatchRequest(
        applications=[make_application(n=1, code=code)],
        ratings=[make_rating(1)],
        requests=[make_request(1)],
    )
    proxy.schedule(fault)
    with pytest.raises(TransientError) as info:
        client.upload_batch(batch)
    if fault is Fault.HTTP_429:
        assert info.value.retry_after == proxy.retry_after_s
    ack = client.upload_batch(batch)
    processed_before = fault in (Fault.RESET_RESPONSE, Fault.TRUNCATE)
    expected = Outcome.DUPLICATE if processed_before else Outcome.ACCEPTED
    assert {r.outcome for r in ack.results} == {expected}
    assert len(platform.db.applications()) == 1
    from sync.protocol import ItemKind

    assert len(platform.db.items(ItemKind.RATING)) == 1
    assert len(platform.db.items(ItemKind.REQUEST)) == 1


def test_same_id_different_content_is_a_conflict(platform, client_for):
    client = client_for()
    app = make_application(n=1, code=platform.code_of(client.credentials))
    client.upload_batch(BatchRequest(applications=[app]))
    changed = app.model_copy(update={"form": {"reason": "别的内容"}})
    ack = client.upload_batch(BatchRequest(applications=[changed]))
    assert ack.results[0].outcome is Outcome.CONFLICT
    assert len(platform.db.conflicts()) == 1
    assert platform.db.applications()[0]["form"] == app.form


def test_one_bad_item_does_not_block_the_batch(platform, client_for):
    import gzip
    import json

    from sync import signing

    creds = platform.enrol()
    good = make_application(n=1, code=platform.code_of(creds)).model_dump(mode="json")
    bad = dict(good, id="0190d1c0-0000-7000-8000-000000000001", service_version=0)
    body = gzip.compress(json.dumps({"applications": [bad, good]}).encode())
    ts, nonce = f"{platform.clock():.3f}", signing.new_nonce()
    import httpx

    r = httpx.post(
        platform.url + "/v1/batch",
        content=body,
        headers={
            "X-Kiosk-Terminal": creds.terminal_id,
            "X-Kiosk-Timestamp": ts,
            "X-Kiosk-Nonce": nonce,
            "X-Kiosk-Signature": signing.sign_request(
                creds.secret, "POST", "/v1/batch", timestamp=ts, nonce=nonce, body=body
            ),
            "Content-Encoding": "gzip",
        },
    )
    results = r.json()["results"]
    assert [x["outcome"] for x in results] == ["rejected", "accepted"]
    assert "service_version" in results[0]["reason"]


def test_attachment_resumes_from_platform_offset(platform, client_for, proxy):
    import os

    data = os.urandom(300_000)
    client = client_for(url=proxy.url)
    app = make_application([data], code=platform.code_of(client.credentials))
    client.upload_batch(BatchRequest(applications=[app]))
    sha = app.attachments[0].sha256
    assert client.attachment_state(sha).offset == 0
    client.upload_chunk(sha, 0, data[:100_000])
    proxy.schedule(Fault.RESET_REQUEST)
    with pytest.raises(TransientError):
        client.upload_chunk(sha, 100_000, data[100_000:200_000])
    state = client.attachment_state(sha)
    assert state.offset == 100_000
    # a stale offset gets a 409 that tells where to resume
    assert client.upload_chunk(sha, 0, data[:100_000]).offset == 100_000
    client.upload_chunk(sha, 100_000, data[100_000:])
    assert client.attachment_state(sha).complete
    assert platform.db.attachment_bytes(sha) == data


def test_proxy_only_forwards_to_loopback():
    with pytest.raises(ValueError):
        FaultProxy(80, upstream_host="10.0.0.1")
