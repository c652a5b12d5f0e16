"""The standard-library transport (``sync.http``) against real peers on 127.0.0.1.

Each server is raw sockets (``tests/sync/rawhttp.py``), so a test decides every byte and every
close: what httpx did for the kiosk (kept-alive connections, gzip, timeouts, TLS, proxies) and
what it must never do (resend a request, follow a redirect, take a cut body for an answer).
"""

from __future__ import annotations

import base64
import gzip
import select
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync.client import (
    Credentials,
    PlatformClient,
    TransientError,
    _tls_context,
    platform_transport,
)
from sync.http import HttpTransport, Request, Timeout, TransportError
from sync.protocol import MAX_BODY_BYTES
from sync.proxyenv import ProxySettingError, proxy_for
from tests.sync.certs import self_signed
from tests.sync.rawhttp import (
    WAIT_S,
    RawServer,
    Reply,
    ScriptedServer,
    Seen,
    SilentServer,
    TunnelProxy,
    answer,
    gzipped,
)

LIMIT = 64 * 1024


def _transport(**kwargs: object) -> HttpTransport:
    kwargs.setdefault("max_body", LIMIT)
    kwargs.setdefault("environ", {})
    return HttpTransport(**kwargs)  # type: ignore[arg-type]


@pytest.fixture
def transport() -> Iterator[HttpTransport]:
    t = _transport()
    yield t
    t.close()


def _serve(script: Callable[[Seen], Reply], tls: ssl.SSLContext | None = None) -> ScriptedServer:
    return ScriptedServer(script, tls)


def _ok(seen: Seen) -> Reply:
    return Reply(answer(200, f"answer to {seen.target}".encode()))


def _get(transport: HttpTransport, server: RawServer, path: str = "/", **kw: object):
    return transport.send(Request("GET", f"http://127.0.0.1:{server.port}{path}", **kw))  # type: ignore[arg-type]


def _idle_socket(transport: HttpTransport) -> socket.socket:
    """The one kept connection's socket (white-box: to wait for the peer's FIN to arrive)."""
    [conn] = transport._idle.values()
    assert conn.sock is not None
    return conn.sock


# --- keep-alive ------------------------------------------------------------------------------


def test_one_connection_is_kept_and_reused_with_tcp_nodelay(transport):
    with _serve(_ok) as server:
        for n in range(3):
            assert _get(transport, server, f"/{n}").body == f"answer to /{n}".encode()
        assert server.accepted == 1
        assert [s.connection for s in server.seen] == [1, 1, 1]
        assert _idle_socket(transport).getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert server.seen[0].headers["accept-encoding"] == "gzip"


def test_an_idle_connection_the_peer_closed_is_replaced_and_the_request_sent_once(transport):
    with _serve(lambda seen: Reply(answer(200, b"one"), close=seen.target == "/first")) as server:
        assert _get(transport, server, "/first").body == b"one"
        server.wait_for(lambda: server.closed == 1, "the server to close the kept connection")
        # the FIN has reached the kiosk's socket (a condition, no sleep)
        assert select.select([_idle_socket(transport)], [], [], WAIT_S)[0]
        assert _get(transport, server, "/second").status == 200
        assert [(s.connection, s.target) for s in server.seen] == [(1, "/first"), (2, "/second")]
        assert server.accepted == 2


def test_a_request_whose_answer_never_came_is_not_sent_again(transport):
    """The peer read the request, then closed: part of it may have been processed, and a
    resend would reuse its signed nonce. The engine retries, with backoff."""
    with _serve(
        lambda seen: Reply(
            b"" if seen.target == "/lost" else answer(200), close=seen.target == "/lost"
        )
    ) as server:
        _get(transport, server, "/before")
        with pytest.raises(TransportError) as info:
            _get(transport, server, "/lost")
        assert isinstance(info.value.__cause__, ConnectionError)  # RemoteDisconnected
        _get(transport, server, "/after")  # a new connection; any resend would have come first
        assert [s.target for s in server.seen] == ["/before", "/lost", "/after"]
        assert server.accepted == 2


def test_a_request_while_the_kept_connection_is_busy_opens_another(transport):
    """An e-licence lookup while an upload is out: two requests at once, neither waits."""
    second_arrived = threading.Event()

    def script(seen: Seen) -> Reply:
        if seen.target == "/slow":
            assert second_arrived.wait(WAIT_S)
        else:
            second_arrived.set()
        return Reply(answer(200, seen.target.encode()))

    with _serve(script) as server:
        slow: list[bytes] = []
        thread = threading.Thread(target=lambda: slow.append(_get(transport, server, "/slow").body))
        thread.start()
        server.wait_for(lambda: len(server.seen) == 1, "the slow request")
        assert _get(transport, server, "/quick").body == b"/quick"
        thread.join(WAIT_S)
        assert slow == [b"/slow"]
        assert server.accepted == 2


def test_close_closes_the_kept_connection_and_refuses_further_requests(transport):
    with _serve(_ok) as server:
        _get(transport, server)
        transport.close()
        server.wait_for(lambda: server.closed == 1, "the kept connection to close")
        with pytest.raises(TransportError):
            _get(transport, server)
        assert server.accepted == 1


# --- bodies ------------------------------------------------------------------------------------


def test_a_gzip_answer_is_decompressed(transport):
    body = "受理回执".encode() * 500
    with _serve(lambda seen: Reply(gzipped(body))) as server:
        response = _get(transport, server)
    assert response.body == body
    assert response.headers["content-encoding"] == "gzip"


def test_a_decompressed_answer_beyond_the_limit_is_refused(transport):
    with _serve(lambda seen: Reply(gzipped(b"0" * (LIMIT + (seen.target == "/over"))))) as server:
        assert len(_get(transport, server, "/at").body) == LIMIT
        with pytest.raises(TransportError, match="larger than"):
            _get(transport, server, "/over")


def test_the_platform_transport_refuses_a_gzip_bomb_beyond_the_protocol_limit():
    bomb = gzipped(b"\0" * (MAX_BODY_BYTES + 1))
    assert len(bomb) < 100_000
    t = platform_transport("")
    with (
        _serve(lambda seen: Reply(bomb)) as server,
        pytest.raises(TransportError, match="larger than"),
    ):
        _get(t, server)
    t.close()


def test_an_answer_announcing_more_than_the_limit_is_refused_before_reading_it(transport):
    with (
        _serve(lambda seen: Reply(answer(200, b"x", length=LIMIT + 1))) as server,
        pytest.raises(TransportError, match="more than"),
    ):
        _get(transport, server)


def test_a_body_shorter_than_its_content_length_is_an_error(transport):
    with (
        _serve(lambda seen: Reply(answer(200, b"0123456789", length=100), close=True)) as server,
        pytest.raises(TransportError) as info,
    ):
        _get(transport, server)
    assert type(info.value.__cause__).__name__ == "IncompleteRead"


def test_a_chunked_body_cut_short_is_an_error(transport):
    cut = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
    whole = cut + b"6\r\n world\r\n0\r\n\r\n"
    with _serve(
        lambda seen: (
            Reply(whole, close=False) if seen.target == "/whole" else Reply(cut, close=True)
        )
    ) as server:
        assert _get(transport, server, "/whole").body == b"hello world"
        with pytest.raises(TransportError) as info:
            _get(transport, server, "/cut")
    assert type(info.value.__cause__).__name__ == "IncompleteRead"


def test_a_gzip_answer_cut_short_is_an_error(transport):
    packed = gzip.compress(b"x" * 10_000)[:-12]
    encoded = answer(200, packed, (("Content-Encoding", "gzip"),))
    with (
        _serve(lambda seen: Reply(encoded)) as server,
        pytest.raises(TransportError, match="cut short"),
    ):
        _get(transport, server)


def test_a_redirect_is_returned_not_followed(transport):
    moved = answer(302, b"", (("Location", "/elsewhere"),), reason="Found")
    with _serve(lambda seen: Reply(moved)) as server:
        response = _get(transport, server, "/v1/batch")
        assert (response.status, response.headers["location"]) == (302, "/elsewhere")
        assert [s.target for s in server.seen] == ["/v1/batch"]


def test_answer_headers_are_looked_up_whatever_their_case(transport):
    fields = (("X-Kiosk-Signature", "ab" * 32), ("retry-after", "7"), ("Via", "a"), ("VIA", "b"))
    with _serve(lambda seen: Reply(answer(503, b"", fields))) as server:
        headers = _get(transport, server).headers
    assert headers["x-kiosk-signature"] == headers["X-KIOSK-SIGNATURE"] == "ab" * 32
    assert headers.get("Retry-After") == "7"
    assert headers["via"] == "a, b"
    assert "content-length" in headers and "Content-Length" in headers


def test_request_body_and_headers_arrive_as_given(transport):
    with _serve(_ok) as server:
        transport.send(
            Request(
                "PATCH",
                f"http://127.0.0.1:{server.port}/v1/attachments/x?y=1",
                headers={"Upload-Offset": "5", "Content-Type": "application/offset+octet-stream"},
                body=b"\x00\x01chunk",
            )
        )
        [seen] = server.seen
    assert seen.line == "PATCH /v1/attachments/x?y=1 HTTP/1.1"
    assert seen.headers["upload-offset"] == "5" and seen.body == b"\x00\x01chunk"
    assert seen.headers["host"] == f"127.0.0.1:{server.port}"


# --- failures ----------------------------------------------------------------------------------


def test_a_refused_connection_is_a_transport_error(transport):
    with socket.socket() as bound:  # bound, never listening: the kernel refuses connections
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        with pytest.raises(TransportError) as info:
            transport.send(Request("GET", f"http://127.0.0.1:{port}/"))
    assert isinstance(info.value.__cause__, ConnectionRefusedError)


def test_a_server_that_never_answers_is_a_timeout(transport):
    with _serve(lambda seen: Reply(None)) as server:
        with pytest.raises(TransportError) as info:
            _get(transport, server, timeout=Timeout(connect=5.0, read=0.2))
        assert len(server.seen) == 1
    assert isinstance(info.value.__cause__, TimeoutError)


def test_the_connect_timeout_bounds_the_tls_handshake(transport):
    with SilentServer() as server, pytest.raises(TransportError) as info:
        transport.send(
            Request("GET", f"https://127.0.0.1:{server.port}/", timeout=Timeout(0.2, 5.0))
        )
    assert isinstance(info.value.__cause__, TimeoutError)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "http:///nohost", "http://127.0.0.1:99999/"])
def test_an_unusable_url_is_a_transport_error(transport, url):
    with pytest.raises(TransportError):
        transport.send(Request("GET", url))


def test_the_client_maps_a_transport_error_to_a_transient_network_failure():
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}"
        with (
            PlatformClient(url, Credentials("T1", b"s" * 32)) as client,
            pytest.raises(TransientError, match=r"^network: ConnectionRefusedError$"),
        ):
            client.pull_slots()


# --- TLS ---------------------------------------------------------------------------------------


def _tls_server(tmp_path: Path, **names: tuple[str, ...]) -> tuple[ssl.SSLContext, Path]:
    cert, key = self_signed(tmp_path, "platform", **names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


def test_tls_against_the_configured_ca_bundle(tmp_path):
    server_tls, cert = _tls_server(tmp_path)
    t = platform_transport(str(cert))
    with _serve(_ok, server_tls) as server:
        for _ in range(2):
            url = f"https://127.0.0.1:{server.port}/x"
            assert t.send(Request("GET", url)).body == b"answer to /x"
        assert server.accepted == 1
    t.close()


def test_tls_with_a_certificate_from_another_ca_is_refused_before_anything_is_sent(tmp_path):
    server_tls, _ = _tls_server(tmp_path)
    other, _ = self_signed(tmp_path, "other")
    t = _transport(ssl_context=_tls_context(str(other)))
    with _serve(_ok, server_tls) as server:
        with pytest.raises(TransportError) as info:
            t.send(Request("GET", f"https://127.0.0.1:{server.port}/"))
        server.wait_for(lambda: server.handshake_failures == 1, "the refused handshake")
        assert server.seen == []
    assert isinstance(info.value.__cause__, ssl.SSLCertVerificationError)
    t.close()


def test_tls_with_a_certificate_for_another_host_is_refused(tmp_path):
    server_tls, cert = _tls_server(tmp_path, ips=(), dns=("platform.test",))
    t = _transport(ssl_context=_tls_context(str(cert)))
    with _serve(_ok, server_tls) as server:
        with pytest.raises(TransportError) as info:
            t.send(Request("GET", f"https://127.0.0.1:{server.port}/"))
        assert server.seen == []
    assert isinstance(info.value.__cause__, ssl.SSLCertVerificationError)
    assert "127.0.0.1" in str(info.value.__cause__)
    t.close()


# --- proxies -----------------------------------------------------------------------------------


def test_https_goes_through_the_environment_proxy_as_a_connect_tunnel(tmp_path):
    """The proxy sees only CONNECT; TLS runs to the platform, checked for its name (which the
    kiosk never resolves itself); the tunnel is kept for the next request."""
    server_tls, cert = _tls_server(tmp_path, ips=(), dns=("platform.test",))
    with _serve(_ok, server_tls) as server, TunnelProxy(server.port) as proxy:
        environ = {"HTTPS_PROXY": f"http://kiosk:s%40cret@127.0.0.1:{proxy.port}"}
        t = _transport(ssl_context=_tls_context(str(cert)), environ=environ)
        url = f"https://platform.test:{server.port}/v1/slots"
        assert t.send(Request("GET", url)).body == b"answer to /v1/slots"
        assert t.send(Request("GET", url)).status == 200
        t.close()
        [(line, headers)] = proxy.heads
        assert line.startswith(f"CONNECT platform.test:{server.port} HTTP/1.")  # 1.0 before 3.12
        assert headers["host"] == f"platform.test:{server.port}"
        assert (
            headers["proxy-authorization"] == "Basic " + base64.b64encode(b"kiosk:s@cret").decode()
        )
        assert [s.headers["host"] for s in server.seen] == [f"platform.test:{server.port}"] * 2
        assert "proxy-authorization" not in server.seen[0].headers
        assert (proxy.accepted, server.accepted) == (1, 1)


def test_plain_http_goes_through_the_proxy_in_absolute_form():
    with TunnelProxy(upstream=1) as proxy:
        t = _transport(environ={"http_proxy": f"127.0.0.1:{proxy.port}"})
        assert t.send(Request("GET", "http://platform.test/v1/slots?x=1")).body == b"via proxy"
        t.close()
    [(line, headers)] = proxy.heads
    assert line == "GET http://platform.test/v1/slots?x=1 HTTP/1.1"
    assert headers["host"] == "platform.test"


def test_loopback_never_goes_through_a_proxy():
    with _serve(_ok) as server:
        t = _transport(
            environ={"HTTP_PROXY": "http://127.0.0.1:1", "ALL_PROXY": "http://127.0.0.1:1"}
        )
        assert _get(t, server).status == 200
        t.close()


def test_an_unusable_proxy_setting_is_a_transport_error():
    t = _transport(environ={"HTTPS_PROXY": "socks5://127.0.0.1:1080"})
    with pytest.raises(TransportError) as info:
        t.send(Request("GET", "https://platform.test/"))
    assert isinstance(info.value.__cause__, ProxySettingError)


@pytest.mark.parametrize(
    ("environ", "url", "expected"),
    [
        ({}, "https://platform.gov.cn", None),
        ({"HTTPS_PROXY": "http://p:3128"}, "https://platform.gov.cn", ("p", 3128)),
        ({"HTTPS_PROXY": "http://p:3128"}, "http://platform.gov.cn", None),
        ({"https_proxy": "p:1", "HTTPS_PROXY": "q:2"}, "https://x.cn", ("p", 1)),
        ({"ALL_PROXY": "http://p"}, "http://x.cn", ("p", 80)),
        ({"ALL_PROXY": "http://p", "NO_PROXY": "gov.cn"}, "https://platform.gov.cn", None),
        ({"ALL_PROXY": "http://p", "NO_PROXY": ".gov.cn"}, "https://gov.cn", None),
        (
            {"ALL_PROXY": "http://p", "no_proxy": "a.cn, platform.gov.cn:8443"},
            "https://platform.gov.cn:8443",
            None,
        ),
        (
            {"ALL_PROXY": "http://p", "NO_PROXY": "platform.gov.cn:8443"},
            "https://platform.gov.cn",
            ("p", 80),
        ),
        ({"ALL_PROXY": "http://p", "NO_PROXY": "ov.cn"}, "https://platform.gov.cn", ("p", 80)),
        ({"ALL_PROXY": "http://p", "NO_PROXY": "*"}, "https://platform.gov.cn", None),
        ({"ALL_PROXY": "http://p"}, "http://localhost:8080", None),
        ({"ALL_PROXY": "http://p"}, "http://[::1]:8080", None),
    ],
)
def test_which_proxy_the_environment_chooses(environ, url, expected):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxy = proxy_for(parts.scheme, parts.hostname or "", port, environ)
    assert ((proxy.host, proxy.port) if proxy else None) == expected
