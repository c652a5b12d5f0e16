"""Issue 11 item 7: every malformed request gets a 4xx with the protocol's error body,
never a 500 (a non-ASCII signature, ``"applications": 5``, deeply nested JSON…)."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from sync.protocol import ErrorBody
from tests.central.intake import connect, head_bytes, read_response, signed_headers


def _protocol_error(status: int, body: bytes) -> str:
    assert 400 <= status < 500, (status, body[:200])
    return ErrorBody.model_validate_json(body).error.value


def test_non_ascii_signature_is_a_401_not_a_500(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    headers = signed_headers(creds, "GET", "/v1/statuses", b"")
    headers["X-Kiosk-Signature"] = "é" * 64  # compare_digest raised TypeError on this
    sock = connect(platform.url)
    try:
        sock.sendall(head_bytes("GET", "/v1/statuses", headers))
        answer = read_response(sock)
    finally:
        sock.close()
    assert answer.status == 401
    assert _protocol_error(answer.status, answer.body) == "bad_signature"


def test_signed_batch_with_applications_not_a_list_is_a_400(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    for document in ({"applications": 5}, {"ratings": "x"}, {"requests": {"a": 1}}, [1, 2]):
        body = gzip.compress(json.dumps(document).encode())
        headers = signed_headers(creds, "POST", "/v1/batch", body) | {"Content-Encoding": "gzip"}
        r = httpx.post(platform.url + "/v1/batch", content=body, headers=headers)
        assert _protocol_error(r.status_code, r.content) == "bad_request", document
    assert platform.db.applications() == []


@pytest.mark.parametrize("path", ["/v1/batch", "/v1/heartbeat"])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(start_platform, path):
    platform = start_platform()
    creds = platform.enrol()
    depth = 20_000  # 40 KB: under the heartbeat's 64 KiB limit
    nested = b'{"applications": [' + b"[" * depth + b"]" * depth + b"]}"
    body = gzip.compress(nested) if path == "/v1/batch" else nested
    headers = signed_headers(creds, "POST", path, body)
    if path == "/v1/batch":
        headers["Content-Encoding"] = "gzip"
    r = httpx.post(platform.url + path, content=body, headers=headers)
    assert _protocol_error(r.status_code, r.content) == "bad_request"


def test_deeply_nested_item_is_rejected_alone(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    deep: object = "x"
    for _ in range(500):
        deep = {"k": deep}
    body = gzip.compress(json.dumps({"applications": [{"id": "A1", "form": deep}]}).encode())
    headers = signed_headers(creds, "POST", "/v1/batch", body) | {"Content-Encoding": "gzip"}
    r = httpx.post(platform.url + "/v1/batch", content=body, headers=headers)
    assert r.status_code == 200
    assert r.json()["results"][0]["outcome"] == "rejected"


@pytest.mark.parametrize("offset", ["-1", "abc", "", "1e3", "99999999999999999999"])
def test_patch_at_a_bad_offset_is_a_400(start_platform, offset):
    platform = start_platform()
    creds = platform.enrol()
    path = "/v1/attachments/" + "a" * 64
    headers = signed_headers(creds, "PATCH", path, b"abc") | {"Upload-Offset": offset}
    r = httpx.patch(platform.url + path, content=b"abc", headers=headers)
    assert r.status_code == 400 and r.json()["error"] == "bad_request"


def test_non_hex_attachment_name_is_a_400(start_platform):
    platform = start_platform()
    creds = platform.enrol()
    path = "/v1/attachments/not-a-hash"
    r = httpx.get(platform.url + path, headers=signed_headers(creds, "GET", path, b""))
    assert r.status_code == 400 and r.json()["error"] == "bad_request"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Content-Length", "12abc"),
        ("X-Kiosk-Timestamp", "soon"),
        ("X-Kiosk-Timestamp", "nan"),
        ("X-Kiosk-Nonce", ""),
        ("X-Kiosk-Terminal", "../../etc"),
        ("Content-Encoding", "br"),
    ],
)
def test_malformed_headers_are_4xx_with_the_error_body(start_platform, header, value):
    platform = start_platform()
    creds = platform.enrol()
    body = gzip.compress(b'{"applications": []}')
    headers = signed_headers(creds, "POST", "/v1/batch", body) | {"Content-Encoding": "gzip"}
    headers[header] = value
    if header != "Content-Length":
        headers["Content-Length"] = str(len(body))
    sock = connect(platform.url)
    try:
        sock.sendall(head_bytes("POST", "/v1/batch", headers) + body)
        answer = read_response(sock)
    except ConnectionError:
        pytest.fail("connection closed without an answer")
    finally:
        sock.close()
    assert 400 <= answer.status < 500
    # uvicorn answers a head it cannot parse itself (a bad Content-Length) in plain text
    if answer.headers.get("content-type", "").startswith("application/json"):
        _protocol_error(answer.status, answer.body)


def test_unknown_path_and_method_get_the_error_body_and_allow(start_platform):
    platform = start_platform()
    r = httpx.get(platform.url + "/v1/nothing")
    assert _protocol_error(r.status_code, r.content) == "not_found"
    r = httpx.put(platform.url + "/v1/attachments/" + "a" * 64)
    assert _protocol_error(r.status_code, r.content) == "method_not_allowed"
    assert {m.strip() for m in r.headers["allow"].split(",")} == {"GET", "HEAD", "PATCH"}


def test_non_ascii_signature_in_an_answer_is_transient_for_the_kiosk():
    """The kiosk's side of the same fault: an answer (from anyone on the path) whose
    signature header is not ASCII must not crash the engine with compare_digest's TypeError."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from sync.client import Credentials, PlatformClient, TransientError
    from sync.signing import new_secret

    class Liar(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"updates": [], "cursor": 0, "more": false, "server_time": 0}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Kiosk-Signature", "é" * 64)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Liar)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with (
            PlatformClient(url, Credentials("T1", new_secret())) as client,
            pytest.raises(TransientError),
        ):
            client.pull_statuses(0)
    finally:
        server.shutdown()
        server.server_close()
