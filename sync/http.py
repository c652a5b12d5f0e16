"""The kiosk's HTTP/1.1 transport on the standard library (``http.client`` and ``ssl``).

It replaced httpx (issue 16, goal 2): httpx with httpcore, h11, anyio, idna and certifi
cost ~2.7 MB more than this once the client is built (~7 MB in a development venv, where
httpcore also loads trio), for what the platform client needs: a few requests to one host.
What it keeps from httpx, and why:

- One kept-alive connection per (scheme, host, port): on a 500 ms link a new TCP (and TLS)
  connection costs one to three round trips. Before an idle connection is reused it is
  checked for a close by the peer (readable while idle: EOF, reset or stray bytes, as
  httpcore checks) and replaced by a new one if so. A request is NEVER sent again once any
  of it was sent: a resend would reuse the signed nonce, and the engine retries with backoff.
- TCP_NODELAY on every socket (a request's head and body are separate writes); a connect
  timeout (also bounding the TLS handshake) and a read timeout, which a request may override.
- ``Accept-Encoding: gzip``, decompressed here, bounded: an answer beyond ``max_body``
  bytes, compressed or not, is refused, so a gzip bomb cannot exhaust the kiosk's memory.
  The whole body is read, and a body cut short (Content-Length not reached, a chunked
  stream cut) is an error, never a short answer.
- Redirects are returned, not followed (the client takes them for unverified answers).
- ``HTTP(S)_PROXY`` and ``NO_PROXY`` from the environment (:mod:`sync.proxyenv`).

Every failure of the network or of the HTTP framing is one :class:`TransportError`, its
cause chained; the platform client maps it to a transient failure.
"""

from __future__ import annotations

import http.client
import os
import select
import socket
import ssl
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from sync.proxyenv import Proxy, ProxySettingError, proxy_for

_PIECE = 64 * 1024
"""Read size for bodies without a Content-Length (chunked, or until the peer closes)."""


class TransportError(Exception):
    """The request failed on the way (connect, TLS, send, receive, framing, decoding).

    Part of the request may have reached the platform; it must not be resent here.
    """


@dataclass(frozen=True, slots=True)
class Timeout:
    """Seconds to connect (TCP and TLS handshake), and to wait for each read or write."""

    connect: float = 15.0
    read: float = 60.0


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request; ``timeout`` None means the transport's own."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    timeout: Timeout | None = None


class Headers(Mapping[str, str]):
    """Response header fields, looked up case-insensitively (field names are, RFC 9110 5.1).

    A field sent more than once is one value joined with ", " (RFC 9110 5.3).
    """

    def __init__(self, fields: Iterable[tuple[str, str]] = ()) -> None:
        self._fields: dict[str, str] = {}
        for name, value in fields:
            key = name.lower()
            self._fields[key] = f"{self._fields[key]}, {value}" if key in self._fields else value

    def __getitem__(self, name: str) -> str:
        return self._fields[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"Headers({self._fields!r})"


@dataclass(frozen=True, slots=True)
class Response:
    """A whole answer: ``body`` is complete and already decompressed."""

    status: int
    headers: Headers
    body: bytes


class Transport(Protocol):
    """What the platform client sends through: the real one, or a wrapper (dev dock, Ctrl-C)."""

    def send(self, request: Request) -> Response:
        """The answer, or :class:`TransportError`."""
        ...

    def close(self) -> None:
        """Close every kept connection."""
        ...


def _peer_closed(sock: socket.socket) -> bool:
    """Whether an idle connection is unusable: readable means EOF, a reset or stray bytes.

    Nothing was asked on it, so nothing may be waiting; a TLS record already decrypted
    (``pending``) is stray too.
    """
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):  # closed under us: unusable as well
        return True


def _gunzip(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit:
        raise TransportError(f"answer larger than {limit} bytes once decompressed")
    if not inflater.eof:
        raise TransportError("gzip answer cut short")
    return out


def _read_body(answer: http.client.HTTPResponse, limit: int) -> bytes:
    """The whole body; ``IncompleteRead`` if the framing says more was due."""
    if answer.length is not None:  # Content-Length: read() raises IncompleteRead if short
        if answer.length > limit:
            raise TransportError(f"answer of {answer.length} bytes, more than {limit}")
        return answer.read()
    parts: list[bytes] = []
    size = 0
    while piece := answer.read(_PIECE):  # chunked (IncompleteRead if cut) or until EOF
        size += len(piece)
        if size > limit:
            raise TransportError(f"answer larger than {limit} bytes")
        parts.append(piece)
    return b"".join(parts)


_Key = tuple[str, str, int]


class HttpTransport:
    """HTTP/1.1 over ``http.client``: kept-alive connections, no retries, no redirects.

    Thread-safe: a connection serves one request at a time; a request made while the kept
    one is busy (an e-licence lookup during an upload) opens another, closed after use.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: Timeout | None = None,
        max_body: int,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._ssl_context = ssl_context
        self.timeout = timeout or Timeout()
        self.max_body = max_body
        source = os.environ if environ is None else environ
        self._environ = {k: v for k, v in source.items() if k.lower().endswith("_proxy")}
        self._idle: dict[_Key, http.client.HTTPConnection] = {}
        self._lock = threading.Lock()
        self._closed = False

    def send(self, request: Request) -> Response:
        key, target = self._split(request.url)
        timeout = request.timeout or self.timeout
        try:
            proxy = proxy_for(key[0], key[1], key[2], self._environ)
        except ProxySettingError as exc:
            raise TransportError(str(exc)) from exc
        headers = {"Accept-Encoding": "gzip", **request.headers}
        if proxy is not None and key[0] == "http":
            target = request.url  # absolute form: the proxy forwards it
            headers.update(proxy.headers)
        conn = self._checkout(key, proxy, timeout)
        try:
            assert conn.sock is not None
            conn.sock.settimeout(timeout.read)
            conn.request(
                request.method,
                target,
                body=request.body or None,
                headers=headers,
            )
            answer = conn.getresponse()
            body = _read_body(answer, self.max_body)
            fields = Headers(answer.getheaders())
            if fields.get("content-encoding", "").strip().lower() in ("gzip", "x-gzip"):
                body = _gunzip(body, self.max_body)
        except (OSError, http.client.HTTPException, zlib.error) as exc:
            conn.close()
            raise TransportError(f"{request.method} {request.url}: {exc!r}") from exc
        except BaseException:
            conn.close()
            raise
        if answer.will_close:
            conn.close()
        else:
            self._checkin(key, conn)
        return Response(answer.status, fields, body)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = list(self._idle.values()), {}
        for conn in idle:
            conn.close()

    @staticmethod
    def _split(url: str) -> tuple[_Key, str]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise TransportError(f"bad port in {url!r}") from exc
        if scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(f"not an http(s) URL: {url!r}")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return (scheme, parts.hostname, port), target

    def _checkout(
        self, key: _Key, proxy: Proxy | None, timeout: Timeout
    ) -> http.client.HTTPConnection:
        with self._lock:
            if self._closed:
                raise TransportError("transport closed")
            conn = self._idle.pop(key, None)
        if conn is not None:
            if conn.sock is not None and not _peer_closed(conn.sock):
                return conn
            conn.close()  # the peer closed it while idle: nothing was sent on it
        return self._connect(key, proxy, timeout)

    def _checkin(self, key: _Key, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed and key not in self._idle:
                self._idle[key] = conn
                return
        conn.close()

    def _connect(
        self, key: _Key, proxy: Proxy | None, timeout: Timeout
    ) -> http.client.HTTPConnection:
        scheme, host, port = key
        address = (proxy.host, proxy.port) if proxy is not None else (host, port)
        conn: http.client.HTTPConnection
        if scheme == "https":
            if self._ssl_context is None:
                self._ssl_context = ssl.create_default_context()  # the system CAs
            conn = http.client.HTTPSConnection(
                *address, timeout=timeout.connect, context=self._ssl_context
            )
            if proxy is not None:  # CONNECT; TLS then runs end to end, SNI and check on ``host``
                authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
                conn.set_tunnel(host, port, headers={"Host": authority, **proxy.headers})
        else:
            conn = http.client.HTTPConnection(*address, timeout=timeout.connect)
        try:
            conn.connect()  # TCP, CONNECT and TLS handshake, all under the connect timeout
            assert conn.sock is not None
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise TransportError(f"connect to {scheme}://{host}:{port}: {exc!r}") from exc
        return conn
