"""Raw HTTP/1.1 over sockets, for requests httpx will not send (half-sent heads, lying
lengths, non-ASCII headers) and for answers read while the body is still being sent."""

from __future__ import annotations

import gzip
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from sync import signing
from sync.client import Credentials


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        data = self.body
        if self.headers.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        result = json.loads(data)
        assert isinstance(result, dict)
        return result


def connect(url: str, timeout: float = 10.0, source: str | None = None) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection(
        (host, int(port)), timeout=timeout, source_address=(source, 0) if source else None
    )
    return sock


def signed_headers(
    creds: Credentials,
    method: str,
    path: str,
    body: bytes,
    *,
    timestamp: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    ts = f"{timestamp if timestamp is not None else time.time():.3f}"
    nonce = nonce or signing.new_nonce()
    return {
        "X-Kiosk-Terminal": creds.terminal_id,
        "X-Kiosk-Timestamp": ts,
        "X-Kiosk-Nonce": nonce,
        "X-Kiosk-Signature": signing.sign_request(
            creds.secret, method, path, timestamp=ts, nonce=nonce, body=body
        ),
    }


def head_bytes(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def read_response(sock: socket.socket) -> RawResponse:
    """One answer; raises on a connection closed before a complete answer."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise ConnectionError(f"closed before an answer: {data!r}")
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        rest += piece
    return RawResponse(int(status_line.split()[1]), headers, rest[:length])


def closed_by_peer(sock: socket.socket) -> bool:
    """True once the server has closed the connection (recv gives EOF or a reset)."""
    try:
        while True:
            piece = sock.recv(65536)
            if not piece:
                return True
    except ConnectionResetError:
        return True


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Poll a condition (no fixed sleeps): fails after ``timeout`` seconds."""
    import threading

    event = threading.Event()
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        event.wait(0.01)
