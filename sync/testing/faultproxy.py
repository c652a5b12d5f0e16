"""A fault-injecting HTTP/1.1 TCP proxy for tests and benchmarks (loopback only).

It sits between the kiosk and the platform and plays the rural link: one-way
latency, a bandwidth ceiling, and, per request, the failures peers' issue
trackers are full of — dropped connections, a reset in the middle of the
request or the response body, a truncated answer, 5xx, 429 with Retry-After,
and a captive portal answering 200 with an HTML page.

It understands just enough HTTP/1.1 (request and response heads,
Content-Length) to inject faults at request boundaries on kept-alive
connections. Bounded: at most ``max_connections`` at once and bodies up to
``max_body`` bytes, so a bug cannot eat the test machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

CAPTIVE_PORTAL_HTML = (
    b"<!DOCTYPE html><html><head><title>WiFi</title></head><body>"
    b"<h1>\xe8\xaf\xb7\xe5\x85\x88\xe7\x99\xbb\xe5\xbd\x95</h1></body></html>"
)


class Fault(StrEnum):
    NONE = "none"
    DROP = "drop"  # close the client connection as soon as the request head arrives
    RESET_REQUEST = "reset_request"  # forward part of the request body, then RST both sides
    RESET_RESPONSE = "reset_response"  # platform processed it; RST halfway through the answer
    TRUNCATE = "truncate"  # platform processed it; send part of the answer and close cleanly
    HTTP_500 = "http_500"
    HTTP_503 = "http_503"
    HTTP_429 = "http_429"  # with Retry-After
    CAPTIVE_PORTAL = "captive_portal"  # 200 OK text/html


INJECTABLE = tuple(f for f in Fault if f is not Fault.NONE)


@dataclass
class ProxyStats:
    connections: int = 0
    requests: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    bytes_up: int = 0  # client → platform, as received from the client
    bytes_down: int = 0  # platform → client, as forwarded


class _Head:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        lines = raw.split(b"\r\n")
        self.start = lines[0].decode("latin-1")
        self.headers: dict[str, str] = {}
        for line in lines[1:]:
            if b":" in line:
                k, v = line.split(b":", 1)
                self.headers[k.decode("latin-1").strip().lower()] = v.decode("latin-1").strip()

    @property
    def content_length(self) -> int:
        return int(self.headers.get("content-length", "0") or 0)


@dataclass
class _Link:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST (SO_LINGER 0) rather than FIN: what a dying NAT or a cut cable looks like."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """Run with :meth:`start` (own thread and event loop); configure attributes at any time."""

    def __init__(
        self,
        upstream_port: int,
        *,
        upstream_host: str = "127.0.0.1",
        latency_s: float = 0.0,
        bandwidth_bps: float | None = None,
        fault_rate: float = 0.0,
        faults: tuple[Fault, ...] = INJECTABLE,
        seed: int = 0,
        retry_after_s: int = 1,
        max_connections: int = 64,
        max_body: int = 32 * 1024 * 1024,
    ) -> None:
        if upstream_host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the fault proxy only forwards to loopback")
        self.upstream = (upstream_host, upstream_port)
        self.latency_s = latency_s
        self.bandwidth_bps = bandwidth_bps  # bits per second, each direction
        self.fault_rate = fault_rate
        self.faults = faults
        self.retry_after_s = retry_after_s
        self.cut_fraction = 0.5
        self.rng = random.Random(seed)
        self.plan: deque[Fault] = deque()
        self.stats = ProxyStats()
        self.max_body = max_body
        self._slots = threading.BoundedSemaphore(max_connections)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._transports: set[asyncio.WriteTransport] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def schedule(self, *faults: Fault) -> None:
        """Inject these faults, in order, into the next requests (before any random ones)."""
        with self._lock:
            self.plan.extend(faults)

    def _next_fault(self) -> Fault:
        with self._lock:
            if self.plan:
                return self.plan.popleft()
            if self.fault_rate and self.rng.random() < self.fault_rate:
                return self.rng.choice(self.faults)
            return Fault.NONE

    def _count(self, fault: Fault) -> None:
        with self._lock:
            self.stats.requests += 1
            if fault is not Fault.NONE:
                self.stats.faults[fault.value] = self.stats.faults.get(fault.value, 0) + 1

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop

            async def boot() -> None:
                self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
                self.port = self._server.sockets[0].getsockname()[1]
                ready.set()

            loop.run_until_complete(boot())
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="faultproxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None or self._thread is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            me = asyncio.current_task()
            while tasks := [t for t in asyncio.all_tasks() if t is not me]:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
            for transport in list(self._transports):
                transport.abort()
            # let the transports' connection_lost callbacks run, which close the sockets
            for _ in range(3):
                await asyncio.sleep(0)
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)
        self._thread.join(10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the link ----------------------------------------------------------------------------

    async def _transmit(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        """Deliver after one-way latency plus serialisation time at the bandwidth ceiling."""
        delay = self.latency_s
        if self.bandwidth_bps:
            delay += len(data) * 8 / self.bandwidth_bps
        if delay > 0:
            await asyncio.sleep(delay)
        writer.write(data)
        await writer.drain()

    async def _read_message(
        self, reader: asyncio.StreamReader, head_only_body: bool = False
    ) -> tuple[_Head, bytes] | None:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return None
        head = _Head(raw)
        length = 0 if head_only_body else head.content_length
        if length > self.max_body:
            return None
        try:
            body = await reader.readexactly(length) if length else b""
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        return head, body

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self._slots.acquire(blocking=False):
            _reset(writer)
            return
        self.stats.connections += 1
        self._transports.add(writer.transport)
        link = _Link(reader, writer)
        try:
            while await self._exchange(link):
                pass
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            _reset(writer)  # proxy shutting down: end quietly, the connection just dies
        finally:
            if link.upstream is not None:
                link.upstream[1].close()
                self._transports.discard(link.upstream[1].transport)
            if not writer.is_closing():
                writer.close()
            self._transports.discard(writer.transport)
            self._slots.release()

    async def _exchange(self, link: _Link) -> bool:
        """Carry one request and its answer, injecting this request's fault; False: close."""
        writer = link.writer
        request = await self._read_message(link.reader)
        if request is None:
            return False
        head, body = request
        self.stats.bytes_up += len(head.raw) + len(body)
        fault = self._next_fault()
        self._count(fault)
        canned = self._canned(fault)
        if fault is Fault.DROP or canned is not None:
            if canned is not None:
                await self._transmit(writer, canned)
            writer.close()
            return False
        if link.upstream is None:
            link.upstream = await asyncio.open_connection(*self.upstream)
            self._transports.add(link.upstream[1].transport)
        up_reader, up_writer = link.upstream
        if fault is Fault.RESET_REQUEST:
            cut = int(len(body) * self.cut_fraction)
            await self._transmit(up_writer, head.raw + body[:cut])
            _reset(up_writer)
            _reset(writer)
            self._transports.discard(up_writer.transport)
            link.upstream = None
            return False
        await self._transmit(up_writer, head.raw + body)
        response = await self._read_message(
            up_reader, head_only_body=head.start.startswith("HEAD ")
        )
        if response is None:
            _reset(writer)
            return False
        r_head, r_body = response
        answer = r_head.raw + r_body
        if fault in (Fault.RESET_RESPONSE, Fault.TRUNCATE):
            cut = len(r_head.raw) + int(len(r_body) * self.cut_fraction)
            await self._transmit(writer, answer[:cut])
            self.stats.bytes_down += cut
            if fault is Fault.RESET_RESPONSE:
                _reset(writer)
            else:
                writer.close()
            _reset(up_writer)
            self._transports.discard(up_writer.transport)
            link.upstream = None
            return False
        await self._transmit(writer, answer)
        self.stats.bytes_down += len(answer)
        return r_head.headers.get("connection", "").lower() != "close"

    def _canned(self, fault: Fault) -> bytes | None:
        if fault is Fault.HTTP_500:
            return _response(500, "Internal Server Error", b"oops", "text/plain")
        if fault is Fault.HTTP_503:
            return _response(503, "Service Unavailable", b"busy", "text/plain")
        if fault is Fault.HTTP_429:
            return _response(
                429,
                "Too Many Requests",
                b'{"error":"slow down"}',
                "application/json",
                {"Retry-After": str(self.retry_after_s)},
            )
        if fault is Fault.CAPTIVE_PORTAL:
            return _response(200, "OK", CAPTIVE_PORTAL_HTML, "text/html; charset=utf-8")
        return None


def _response(
    status: int, reason: str, body: bytes, media: str, extra: dict[str, str] | None = None
) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {reason}",
        f"Content-Type: {media}",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in (extra or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
