"""HTTP/1.1 peers on raw sockets for the transport's tests: every byte and every close is the
test's choice, which http.server would not allow (keep a connection but close it idle, cut a
body short, never answer). Each accepted connection is served on a thread of its own; waits
are on a condition with a deadline, never sleeps."""

from __future__ import annotations

import contextlib
import gzip
import select
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

WAIT_S = 10.0


def answer(
    status: int = 200,
    body: bytes = b"",
    headers: tuple[tuple[str, str], ...] = (),
    *,
    reason: str = "OK",
    length: int | None = None,
) -> bytes:
    """A response with a Content-Length (``length`` to lie about it)."""
    head = [
        f"HTTP/1.1 {status} {reason}",
        f"Content-Length: {len(body) if length is None else length}",
    ]
    head += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def gzipped(body: bytes, status: int = 200) -> bytes:
    return answer(status, gzip.compress(body), (("Content-Encoding", "gzip"),))


@dataclass(frozen=True)
class Seen:
    """A request as the server read it; ``connection`` counts accepted connections from 1."""

    connection: int
    line: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def target(self) -> str:
        return self.line.split(" ")[1]


@dataclass(frozen=True)
class Reply:
    """Bytes to send (None: never answer, hold the connection until the server stops), then
    whether to close the connection (without saying so in a header)."""

    raw: bytes | None
    close: bool = False


def read_head(stream: BinaryIO) -> tuple[str, dict[str, str]] | None:
    """The request line and header fields, or None if the peer closed first."""
    line = stream.readline()
    if not line:
        return None
    headers: dict[str, str] = {}
    while (field := stream.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = field.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return line.decode("latin-1").strip(), headers


class RawServer:
    """Accepts on 127.0.0.1 (TLS with ``tls``) and calls :meth:`serve` per connection."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.accepted = 0
        self.closed = 0
        self.handshake_failures = 0
        self.stopping = threading.Event()
        self.changed = threading.Condition()
        self._wake_r, self._wake_w = socket.socketpair()
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()

    def __enter__(self) -> RawServer:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._wake_w.send(b"x")
        with self.changed:
            for conn in list(self._open):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(WAIT_S)
        self.listener.close()
        self._wake_r.close()
        self._wake_w.close()

    def wait_for(self, predicate: Callable[[], bool], what: str) -> None:
        with self.changed:
            assert self.changed.wait_for(predicate, WAIT_S), f"timed out waiting for {what}"

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.listener, self._wake_r], [], [])
            if self.listener not in ready:
                return
            conn, _ = self.listener.accept()
            with self.changed:
                self.accepted += 1
                index = self.accepted
                self._open.add(conn)
                self.changed.notify_all()
            thread = threading.Thread(target=self._connection, args=(conn, index), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _connection(self, conn: socket.socket, index: int) -> None:
        try:
            if self.tls is not None:
                try:
                    wrapped = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    with self.changed:
                        self.handshake_failures += 1
                        self.changed.notify_all()
                    return
                with self.changed:  # the plain socket is detached now: stop shuts this one
                    self._open.discard(conn)
                    self._open.add(wrapped)
                conn = wrapped
            with contextlib.suppress(OSError):
                self.serve(conn, index)
        finally:
            conn.close()
            with self.changed:
                self._open.discard(conn)
                self.closed += 1
                self.changed.notify_all()

    def serve(self, conn: socket.socket, index: int) -> None:
        raise NotImplementedError


class ScriptedServer(RawServer):
    """Answers each request with ``script(seen)``; records every request in :attr:`seen`."""

    def __init__(self, script: Callable[[Seen], Reply], tls: ssl.SSLContext | None = None) -> None:
        super().__init__(tls)
        self.script = script
        self.seen: list[Seen] = []

    def serve(self, conn: socket.socket, index: int) -> None:
        stream = conn.makefile("rb")
        while (head := read_head(stream)) is not None:
            line, headers = head
            body = stream.read(int(headers.get("content-length", "0")))
            seen = Seen(index, line, headers, body)
            with self.changed:
                self.seen.append(seen)
                self.changed.notify_all()
            reply = self.script(seen)
            if reply.raw is None:
                self.stopping.wait(WAIT_S)
                return
            conn.sendall(reply.raw)
            if reply.close:
                return


class TunnelProxy(RawServer):
    """An ``http://`` proxy: ``CONNECT host:port`` is tunnelled to 127.0.0.1:``upstream``
    whatever the host (so a test can use a name nobody resolves); an absolute-form request is
    answered by the proxy itself, ``via proxy``."""

    def __init__(self, upstream: int) -> None:
        super().__init__()
        self.upstream = upstream
        self.heads: list[tuple[str, dict[str, str]]] = []

    def serve(self, conn: socket.socket, index: int) -> None:
        stream = conn.makefile("rb")
        while (head := read_head(stream)) is not None:
            with self.changed:
                self.heads.append(head)
                self.changed.notify_all()
            if not head[0].startswith("CONNECT "):
                conn.sendall(answer(200, b"via proxy"))
                continue
            with socket.create_connection(("127.0.0.1", self.upstream)) as upstream:
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                down = threading.Thread(target=_pipe, args=(upstream, conn), daemon=True)
                down.start()
                _pipe(conn, upstream)  # the client sent nothing past the head: no bytes buffered
                down.join(WAIT_S)
            return


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


class SilentServer(RawServer):
    """Accepts, then neither reads nor writes until it stops: a peer that never answers."""

    def serve(self, conn: socket.socket, index: int) -> None:
        self.stopping.wait(WAIT_S)
