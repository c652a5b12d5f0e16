"""The reference platform's HTTP server (Starlette on uvicorn).

Why Starlette + uvicorn: both are small, typed, actively maintained (encode /
Kludex), already pulled in by the kiosk's dependency set, and give us direct
access to raw request bytes and headers — which request signing needs (the HMAC
covers the exact body on the wire) — without a framework that re-parses or
re-serialises bodies behind our back. uvicorn is a real HTTP/1.1 server with
keep-alive, so tests and the benchmark exercise the same TCP behaviour a
province's platform would show.

Hardened intake (issue 11), in the order a request meets it:

1. the connection: at most ``max_connections`` open (more are closed at once, logged
   once per interval), request headers complete within ``header_timeout_s`` (uvicorn has
   no slowloris timeout of its own; :class:`GuardedH11Protocol` adds one), idle keep-alive
   connections closed after ``keep_alive_s``, headers at most ``max_header_bytes``;
2. the headers alone: signed headers well formed, terminal known and not revoked,
   timestamp fresh — an unauthenticated caller is refused before one byte of its body is
   read (no more 100 × 16 MiB bodies buffered for a terminal that does not exist);
3. a body slot: at most ``max_concurrent_bodies`` bodies are read at once (a request waits
   up to ``busy_wait_s`` for a slot, then gets 503 ``busy`` with Retry-After), each with its endpoint's byte limit (413) and an idle timeout
   (408), gzip inflated with a ceiling (a zip bomb is a 413);
4. the HMAC over the body, then the nonce; only now is the caller authenticated, and only
   answers to authenticated requests are signed: a refusal of an unauthenticated request
   is never signed, so nobody can obtain a platform signature bound to a nonce of their
   choosing (the kiosk treats an unsigned refusal as transient).

Database calls are synchronous and run in Starlette's thread pool so a slow disk never
stalls the event loop that other kiosks' uploads share.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
import resource
import socket
import threading
import time
import zlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from central import bookings, decisions
from central.db import CentralDB, Terminal
from central.licences import LicenceLibrary, LicenceNotNeededError
from sync import signing
from sync.protocol import (
    API_PREFIX,
    DELIVERED,
    H_NONCE,
    H_SIGNATURE,
    H_TERMINAL,
    H_TIMESTAMP,
    H_UPLOAD_LENGTH,
    H_UPLOAD_OFFSET,
    MAX_BODY_BYTES,
    MAX_CHUNK_BYTES,
    MAX_SKEW_S,
    SHA256_PATTERN,
    ApplicationUpload,
    AttachmentState,
    BatchAck,
    BookingUpload,
    CataloguePage,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    ErrorCode,
    Heartbeat,
    HeartbeatAck,
    ItemKind,
    ItemResult,
    LicenceLookupRequest,
    Outcome,
    RatingUpload,
    RequestState,
    RequestUpdate,
    RequestUpdatePage,
    RequestUpload,
    SlotPage,
    StatusPage,
)
from sync.wire import ValidationError, WireModel

log = logging.getLogger(__name__)

Clock = Callable[[], float]
PAGE_SIZE = 200

SMALL_BODY_BYTES = 64 * 1024
"""Body limit of enrolment and heartbeat requests (a heartbeat is ~300 bytes)."""

_SIGNATURE_RE = re.compile(r"^[0-9a-fA-F]{64}$")
_NONCE_RE = re.compile(r"^[0-9A-Za-z_\-]{8,128}$")
_TERMINAL_RE = re.compile(r"^[0-9A-Za-z_\-]{1,64}$")
_TIMESTAMP_RE = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,9})?$")
_OFFSET_RE = re.compile(r"^[0-9]{1,15}$")
_SHA256_RE = re.compile(SHA256_PATTERN)


# --- limits and rate-limited logging ---------------------------------------------------------


def _default_max_connections() -> int:
    """Stay below the process's file-descriptor limit, so accept() never meets EMFILE."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 10_000
    return max(64, min(10_000, soft - 256))


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """Every bound the intake enforces; the defaults suit a county platform on one machine."""

    header_timeout_s: float = 10.0
    """A connection must deliver a complete request head within this time (slowloris)."""
    body_idle_timeout_s: float = 30.0
    """Longest silence while a body is read (a 256 KiB chunk at 64 kbit/s takes ~33 s in all,
    but never stalls this long between packets)."""
    keep_alive_s: int = 60
    """An idle kept-alive connection is closed after this; rural links reuse it between rounds."""
    max_connections: int = field(default_factory=_default_max_connections)
    """Open connections per worker; more are closed on accept (below the fd limit: no EMFILE)."""
    max_concurrent_bodies: int = 32
    """Request bodies being read or processed at once per worker; more get 503 ``busy``."""
    busy_wait_s: float = 2.0
    """How long a request waits for a body slot before it is answered 503 ``busy``."""
    busy_retry_after_s: int = 5
    max_header_bytes: int = 16 * 1024
    """Largest request head (uvicorn's ``h11_max_incomplete_event_size``)."""
    enrol_failures_per_source: int = 10
    """Failed enrolment attempts one address may make per window before it gets 429."""
    enrol_failures_total: int = 100
    """Failed enrolment attempts from everyone per window before all enrolment pauses."""
    enrol_window_s: float = 600.0
    log_interval_s: float = 60.0
    """A repeated warning (refused connection, bad signature…) is logged once per interval."""


class RateLimitedLog:
    """Log a recurring event once per interval with a count, never once per attempt.

    20,000 half-open connections once produced 61 MB of tracebacks in a minute; an attack
    must cost the operator one line a minute, and the line must say how many it stands for.
    """

    def __init__(
        self, logger: logging.Logger, interval_s: float, clock: Clock = time.monotonic
    ) -> None:
        self._logger = logger
        self._interval = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def warning(self, key: str, message: str, *args: object) -> bool:
        """Log ``message`` unless ``key`` was logged within the interval; True if logged."""
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self._interval:
                self._suppressed[key] = self._suppressed.get(key, 0) + 1
                return False
            self._last[key] = now
            suppressed = self._suppressed.pop(key, 0)
        if suppressed:
            message += " (and %d more like it in the last %.0f s)"
            args = (*args, suppressed, self._interval)
        self._logger.warning(message, *args)
        return True


class _RateLimitFilter(logging.Filter):
    """Let uvicorn's and asyncio's per-attempt warnings through once per interval each."""

    _NOISY = (
        "Invalid HTTP request received.",
        "Exceeded concurrency limit.",
        "socket.accept() out of system resource",
    )

    def __init__(self, interval_s: float) -> None:
        super().__init__()
        self._interval = interval_s
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        key = next((n for n in self._NOISY if message.startswith(n)), None)
        if key is None:
            return True
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self._interval:
                return False
            self._last[key] = now
        record.exc_info = None  # one line, not a traceback per attempt
        record.exc_text = None
        return True


_installed_filters: set[str] = set()


def install_log_filters(interval_s: float) -> None:
    """Rate-limit uvicorn's and asyncio's repeated warnings (idempotent)."""
    for name in ("uvicorn.error", "asyncio"):
        if name not in _installed_filters:
            logging.getLogger(name).addFilter(_RateLimitFilter(interval_s))
            _installed_filters.add(name)


class EnrolThrottle:
    """Failed enrolment attempts per source address and in total, over a sliding window.

    A 48-bit code guessed at 1,362/s falls in days; at ``enrol_failures_total`` per 10 min
    (and codes that expire after 72 h) it never does. A source over its own budget is
    refused alone; everyone is refused while the total budget is spent (an operator sees
    the log line and the attack stops costing anything).
    """

    def __init__(self, limits: ServerLimits, clock: Clock = time.monotonic) -> None:
        self._per_source = limits.enrol_failures_per_source
        self._total = limits.enrol_failures_total
        self._window = limits.enrol_window_s
        self._clock = clock
        self._all: deque[float] = deque()
        self._by_source: dict[str, deque[float]] = {}

    def _prune(self, now: float) -> None:
        horizon = now - self._window
        while self._all and self._all[0] <= horizon:
            self._all.popleft()
        for source in list(self._by_source):
            times = self._by_source[source]
            while times and times[0] <= horizon:
                times.popleft()
            if not times:
                del self._by_source[source]

    def retry_after(self, source: str) -> float | None:
        """Seconds until ``source`` may try again, or None if it may try now."""
        now = self._clock()
        self._prune(now)
        waits = []
        mine = self._by_source.get(source)
        if mine is not None and len(mine) >= self._per_source:
            waits.append(mine[0] + self._window - now)
        if len(self._all) >= self._total:
            waits.append(self._all[0] + self._window - now)
        return max(waits) if waits else None

    def failed(self, source: str) -> tuple[int, int]:
        """Record a failure; returns (failures of this source, failures in total) in the window."""
        now = self._clock()
        self._prune(now)
        self._all.append(now)
        mine = self._by_source.setdefault(source, deque())
        mine.append(now)
        return len(mine), len(self._all)


# --- the connection guard --------------------------------------------------------------------


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a connection cap and a request-head timeout.

    uvicorn's ``limit_concurrency`` answers 503 only once a request head has arrived, and
    it has no timeout for a head that never completes, so half-sent connections used to
    accumulate until accept() failed with EMFILE and legitimate terminals timed out. Here
    a connection over ``max_connections`` is closed on accept, and one that has not sent a
    complete request head within ``header_timeout_s`` of connecting (or of its previous
    answer) is closed. Limits come from ``config.kiosk_limits`` so the class stays
    importable by name (uvicorn's worker processes pickle the config).
    """

    refused = 0
    """Connections refused or timed out, all instances of this process (tests and the bench)."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._limits: ServerLimits = getattr(config, "kiosk_limits", None) or ServerLimits()
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._limits.max_connections:
            GuardedH11Protocol.refused += 1
            _conn_log(self._limits).warning(
                "connections",
                "refused a connection: %d open, the limit is %d",
                len(self.connections),
                self._limits.max_connections,
            )
            transport.abort()
            return
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # The first byte of the next request on a kept-alive connection starts its head's
        # clock (the idle wait before it is uvicorn's keep-alive timeout, not ours).
        if self._head_timer is None and self._waiting_for_head():
            self._arm_head_timer()
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if not self._waiting_for_head():
            self._disarm_head_timer()  # a complete head arrived

    def _waiting_for_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self._limits.header_timeout_s, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._waiting_for_head() and not self.transport.is_closing():
            GuardedH11Protocol.refused += 1
            _conn_log(self._limits).warning(
                "head-timeout",
                "closed a connection that sent no complete request head in %.0f s",
                self._limits.header_timeout_s,
            )
            self.transport.abort()


_conn_logs: dict[float, RateLimitedLog] = {}


def _conn_log(limits: ServerLimits) -> RateLimitedLog:
    found = _conn_logs.get(limits.log_interval_s)
    if found is None:
        found = _conn_logs[limits.log_interval_s] = RateLimitedLog(log, limits.log_interval_s)
    return found


# --- the application -------------------------------------------------------------------------


class _DeniedError(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


@dataclass
class IntakeStats:
    """Counters the tests and the bench read: what the intake did, not how fast."""

    body_bytes_read: int = 0
    """Request body bytes the application took from the server (refused callers: none)."""
    refused_before_body: int = 0
    busy: int = 0
    bodies_in_flight: int = 0


@dataclass(frozen=True, slots=True)
class _Caller:
    """What the headers say about a signed request, checked before its body is read."""

    terminal: Terminal
    timestamp: str
    nonce: str
    signature: str


Handler = Callable[[Request, Terminal, str, bytes], Awaitable[Response]]


class Platform:
    """Request handlers bound to one database and one clock (injectable for stale-time tests)."""

    def __init__(
        self, db: CentralDB, clock: Clock = time.time, limits: ServerLimits | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.limits = limits or ServerLimits()
        self.stats = IntakeStats()
        self.enrol_throttle = EnrolThrottle(self.limits)
        self._warn = RateLimitedLog(log, self.limits.log_interval_s)
        self._slots = asyncio.Semaphore(self.limits.max_concurrent_bodies)
        self.licences = LicenceLibrary(db)

    # --- answers -----------------------------------------------------------------------------

    def _reply(
        self,
        model: WireModel,
        status: int = 200,
        terminal: Terminal | None = None,
        nonce: str = "",
        headers: dict[str, str] | None = None,
        *,
        head: bool = False,
    ) -> Response:
        """An answer, signed when ``terminal`` and ``nonce`` are given (authenticated callers).

        A HEAD answer has no body, so its signature covers the empty body it really has.
        """
        body = model.model_dump_json().encode()
        out = dict(headers or {})
        if terminal is not None and nonce:
            secret = signing.decode_secret(terminal.secret)
            out[H_SIGNATURE] = signing.sign_response(secret, nonce, status, b"" if head else body)
        return Response(body, status_code=status, media_type="application/json", headers=out)

    def _error(
        self,
        code: ErrorCode,
        status: int,
        message: str = "",
        terminal: Terminal | None = None,
        nonce: str = "",
        *,
        close: bool = False,
        retry_after: float | None = None,
        head: bool = False,
    ) -> Response:
        """The protocol's error body; ``close`` when the caller's body was left unread."""
        headers: dict[str, str] = {}
        if close:
            headers["Connection"] = "close"
        if retry_after is not None:
            headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        body = ErrorBody(error=code, message=message, server_time=self.clock())
        return self._reply(body, status, terminal, nonce, headers, head=head)

    def _refuse(
        self, request: Request, code: ErrorCode, status: int, message: str, **kw: Any
    ) -> _DeniedError:
        """An unsigned refusal before the body is read: the connection closes after it."""
        self.stats.refused_before_body += 1
        has_body = _has_body(request)
        return _DeniedError(
            self._error(code, status, message, close=has_body, head=request.method == "HEAD", **kw)
        )

    # --- intake ------------------------------------------------------------------------------

    def _check_headers(self, request: Request) -> _Caller:
        """Who the caller claims to be, checked from the headers alone (no body read yet).

        Unknown terminal, malformed signature headers, a revoked terminal or a stale
        timestamp are refused here. A refusal of a request without a body can still be
        authenticated (the signature covers the empty body), and then it is signed: a
        revoked terminal learns it from its first GET and pauses; a kiosk with a wrong
        clock learns the skew from the signed ``stale_timestamp`` (sync contract rule 9).
        """
        terminal_id = request.headers.get(H_TERMINAL, "")
        timestamp = request.headers.get(H_TIMESTAMP, "")
        nonce = request.headers.get(H_NONCE, "")
        signature = request.headers.get(H_SIGNATURE, "")
        if not _TERMINAL_RE.match(terminal_id):
            raise self._refuse(request, ErrorCode.UNKNOWN_TERMINAL, 401, "unknown terminal")
        if not (
            _SIGNATURE_RE.match(signature)
            and _NONCE_RE.match(nonce)
            and _TIMESTAMP_RE.match(timestamp)
        ):
            self._warn.warning("malformed", "malformed signature headers (unsigned 401)")
            raise self._refuse(request, ErrorCode.BAD_SIGNATURE, 401, "bad signature headers")
        terminal = self.db.terminal(terminal_id)
        if terminal is None:
            self._warn.warning("unknown", "request from an unknown terminal (unsigned 401)")
            raise self._refuse(request, ErrorCode.UNKNOWN_TERMINAL, 401, "unknown terminal")
        caller = _Caller(terminal, timestamp, nonce, signature)
        refusal: tuple[ErrorCode, int, str] | None = None
        if terminal.revoked:
            refusal = (ErrorCode.REVOKED, 403, "terminal revoked")
        elif not abs(float(timestamp) - self.clock()) <= MAX_SKEW_S:
            refusal = (ErrorCode.STALE_TIMESTAMP, 401, "timestamp too far")
        if refusal is not None:
            code, status, message = refusal
            if not _has_body(request) and self._signature_ok(request, caller, b""):
                raise _DeniedError(
                    self._error(
                        code, status, message, terminal, nonce, head=request.method == "HEAD"
                    )
                )
            raise self._refuse(request, code, status, message)
        return caller

    def _signature_ok(self, request: Request, caller: _Caller, body: bytes) -> bool:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return signing.verify_request(
            signing.decode_secret(caller.terminal.secret),
            request.method,
            path,
            timestamp=caller.timestamp,
            nonce=caller.nonce,
            body=body,
            signature=caller.signature,
        )

    def _verify(self, request: Request, caller: _Caller, body: bytes) -> None:
        """The HMAC over the body, then the nonce; after this the caller is authenticated."""
        if not self._signature_ok(request, caller, body):
            self._warn.warning(
                f"sig:{caller.terminal.terminal_id}",
                "bad signature from terminal %s (unsigned 401)",
                caller.terminal.terminal_id,
            )
            raise _DeniedError(
                self._error(
                    ErrorCode.BAD_SIGNATURE, 401, "bad signature", head=request.method == "HEAD"
                )
            )
        if not self.db.use_nonce(caller.terminal.terminal_id, caller.nonce):
            raise _DeniedError(
                self._error(
                    ErrorCode.REPLAYED_NONCE,
                    401,
                    "nonce used",
                    caller.terminal,
                    caller.nonce,
                    head=request.method == "HEAD",
                )
            )

    async def _take_body_slot(self, request: Request) -> None:
        """A slot to read a body in, waiting up to ``busy_wait_s``; 503 ``busy`` after that.

        Waiting callers have sent their head only; their bodies stay in the kernel's buffers
        (uvicorn stops reading a connection whose application is not receiving).
        """
        if not self._slots.locked():
            await self._slots.acquire()  # free: immediate
        else:
            try:
                await asyncio.wait_for(self._slots.acquire(), self.limits.busy_wait_s)
            except TimeoutError:
                self._busy(request)
        self.stats.bodies_in_flight += 1

    def _give_back_body_slot(self) -> None:
        self.stats.bodies_in_flight -= 1
        self._slots.release()

    def _busy(self, request: Request) -> NoReturn:
        self.stats.busy += 1
        self._warn.warning(
            "busy",
            "refused a request: %d bodies in flight (limit %d)",
            self.stats.bodies_in_flight,
            self.limits.max_concurrent_bodies,
        )
        raise self._refuse(
            request,
            ErrorCode.BUSY,
            503,
            "platform busy, try again later",
            retry_after=self.limits.busy_retry_after_s,
        )

    async def _read_body(self, request: Request, limit: int) -> bytes:
        """The body, at most ``limit`` bytes (413), no silence over the idle timeout (408)."""
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise self._refuse(request, ErrorCode.BAD_REQUEST, 400, "bad Content-Length")
            if int(declared) > limit:
                raise self._refuse(request, ErrorCode.TOO_LARGE, 413, f"body over {limit} bytes")
        if not _has_body(request):
            return b""
        body = bytearray()
        while True:
            try:
                message = await asyncio.wait_for(request.receive(), self.limits.body_idle_timeout_s)
            except TimeoutError:
                raise self._refuse(request, ErrorCode.TIMEOUT, 408, "body too slow") from None
            if message["type"] == "http.disconnect":
                raise ClientDisconnect
            chunk = message.get("body", b"")
            self.stats.body_bytes_read += len(chunk)
            if len(body) + len(chunk) > limit:
                raise self._refuse(request, ErrorCode.TOO_LARGE, 413, f"body over {limit} bytes")
            body += chunk
            if not message.get("more_body", False):
                return bytes(body)

    def signed(self, handler: Handler, limit: int) -> Callable[[Request], Awaitable[Response]]:
        """Wrap an endpoint: headers checked, body read within limits, HMAC and nonce verified."""

        async def endpoint(request: Request) -> Response:
            try:
                caller = await run_in_threadpool(self._check_headers, request)
                await self._take_body_slot(request)
                try:
                    body = await self._read_body(request, limit)
                    await run_in_threadpool(self._verify, request, caller, body)
                    return await handler(request, caller.terminal, caller.nonce, body)
                finally:
                    self._give_back_body_slot()
            except _DeniedError as denied:
                return denied.response
            except ClientDisconnect:
                return Response(b"", status_code=400)

        return endpoint

    # --- endpoints ---------------------------------------------------------------------------

    async def enrol(self, request: Request) -> Response:
        """The only unsigned endpoint: throttled per source and in total, failures logged."""
        source = request.client.host if request.client else "?"
        try:
            wait = self.enrol_throttle.retry_after(source)
            if wait is not None:
                self._warn.warning(
                    "enrol-throttled",
                    "enrolment attempt from %s refused: too many failed attempts",
                    source,
                )
                raise self._refuse(
                    request,
                    ErrorCode.TOO_MANY_ATTEMPTS,
                    429,
                    "too many failed enrolment attempts; try again later",
                    retry_after=wait,
                )
            await self._take_body_slot(request)
            try:
                body = await self._read_body(request, SMALL_BODY_BYTES)
            finally:
                self._give_back_body_slot()
        except _DeniedError as denied:
            return denied.response
        except ClientDisconnect:
            return Response(b"", status_code=400)
        try:
            req = EnrolRequest.model_validate_json(body)
        except ValidationError as exc:
            return self._error(ErrorCode.BAD_REQUEST, 400, _validation_message(exc))
        secret = signing.encode_secret(signing.new_secret())
        terminal = await run_in_threadpool(
            self.db.enrol, req.code, req.region_code, req.station_name, req.kiosk_version, secret
        )
        if terminal is None:
            mine, total = self.enrol_throttle.failed(source)
            log.warning(
                "enrolment code refused from %s (%d failures from it, %d in all in %.0f s)",
                source,
                mine,
                total,
                self.limits.enrol_window_s,
            )
            return self._error(
                ErrorCode.BAD_ENROLMENT_CODE, 403, "enrolment code unknown, used or expired"
            )
        log.info("enrolled terminal %s", terminal.terminal_id)
        return self._reply(
            EnrolResponse(
                terminal_id=terminal.terminal_id,
                terminal_code=terminal.terminal_code,
                secret=secret,
                server_time=self.clock(),
            )
        )

    async def catalogue(
        self, request: Request, terminal: Terminal, nonce: str, body: bytes
    ) -> Response:
        cursor = _int_param(request, "cursor")
        rows = await run_in_threadpool(self.db.catalogue_page, cursor, PAGE_SIZE + 1)
        page = rows[:PAGE_SIZE]
        return self._reply(
            CataloguePage(
                entries=[entry for _, entry in page],
                cursor=page[-1][0] if page else cursor,
                more=len(rows) > PAGE_SIZE,
                server_time=self.clock(),
            ),
            terminal=terminal,
            nonce=nonce,
        )

    async def batch(self, request: Request, terminal: Terminal, nonce: str, raw: bytes) -> Response:
        encoding = request.headers.get("content-encoding", "identity").strip().lower()
        try:
            if encoding == "gzip":
                text = _gunzip(raw)
            elif encoding == "identity":
                text = raw
            else:
                raise ValueError(f"unsupported Content-Encoding {encoding!r}")
            document = json.loads(text)
            if not isinstance(document, dict):
                raise ValueError("the body is not a JSON object")
            for key in ("applications", "ratings", "requests", "bookings"):
                if not isinstance(document.get(key) or [], list):
                    raise ValueError(f"{key} is not a list")
        except _TooLargeError:
            return self._error(
                ErrorCode.TOO_LARGE, 413, "decompressed body too large", terminal, nonce
            )
        except (ValueError, zlib.error, RecursionError) as exc:
            return self._error(ErrorCode.BAD_REQUEST, 400, _short(exc), terminal, nonce)
        results = await run_in_threadpool(self._store_batch, terminal, document)
        return self._reply(
            BatchAck(results=results, server_time=self.clock()), terminal=terminal, nonce=nonce
        )

    def _store_batch(self, terminal: Terminal, document: dict[str, Any]) -> list[ItemResult]:
        """The batch in one SQLite transaction: one commit per batch, not one per item.

        Each item is still decided on its own (the keys decide, no exceptions), so one bad
        item never blocks the rest; a failure of the database itself rolls the whole batch
        back and the kiosk, which got no acknowledgement, resends it (duplicates are
        harmless). PostgreSQL's transactions do not nest here (each is its own pooled
        connection), and its commits are cheap: there, each item commits on its own.
        """
        if self.db.engine == "sqlite":
            with self.db.backend.transaction():
                return self._store_items(terminal, document)
        return self._store_items(terminal, document)

    def _store_items(self, terminal: Terminal, document: dict[str, Any]) -> list[ItemResult]:
        known_codes = self.db.catalogue_codes()
        results: list[ItemResult] = []
        kinds: tuple[tuple[str, ItemKind, type[WireModel]], ...] = (
            ("applications", ItemKind.APPLICATION, ApplicationUpload),
            ("ratings", ItemKind.RATING, RatingUpload),
            ("requests", ItemKind.REQUEST, RequestUpload),
            ("bookings", ItemKind.BOOKING, BookingUpload),
        )
        for key, kind, model in kinds:
            for raw in document.get(key) or []:
                item_id = str(raw.get("id", ""))[:64] if isinstance(raw, dict) else ""
                try:
                    item = model.model_validate(raw)
                except (ValidationError, RecursionError) as exc:
                    where = "?"
                    if isinstance(exc, ValidationError) and exc.errors():
                        first = exc.errors()[0]
                        where = f"{'.'.join(map(str, first['loc']))} {first['msg']}"
                    results.append(
                        ItemResult(
                            kind=kind,
                            id=item_id,
                            outcome=Outcome.REJECTED,
                            reason=f"格式错误：{where}",
                        )
                    )
                    continue
                assert isinstance(
                    item, ApplicationUpload | RatingUpload | RequestUpload | BookingUpload
                )
                if isinstance(item, BookingUpload):
                    results.append(self._store_booking(terminal, item))
                    continue
                if (
                    isinstance(item, ApplicationUpload)
                    and known_codes
                    and item.service_code not in known_codes
                ):
                    results.append(
                        ItemResult(
                            kind=kind,
                            id=item.id,
                            outcome=Outcome.REJECTED,
                            reason=f"平台无此事项：{item.service_code}",
                        )
                    )
                    continue
                result = self.db.store_item(terminal.terminal_id, kind, item)
                log.info(
                    "%s %s from %s: %s", kind.value, item.id, terminal.terminal_id, result.outcome
                )
                results.append(result)
        return results

    def _store_booking(self, terminal: Terminal, item: BookingUpload) -> ItemResult:
        """Stored like a request, then a window booking is confirmed (issue 13 item 4)."""
        kind = ItemKind(item.kind)
        result = self.db.store_item(terminal.terminal_id, kind, item)
        log.info("%s %s from %s: %s", kind.value, item.id, terminal.terminal_id, result.outcome)
        if result.outcome not in DELIVERED:
            return result
        with self.db.backend.transaction() as tx:
            slot = bookings.confirm(
                tx, terminal.terminal_id, item, now=self.clock(), calendar=self.db.calendar
            )
        return result.model_copy(update={"slot": slot})

    async def slots(
        self, request: Request, terminal: Terminal, nonce: str, body: bytes
    ) -> Response:
        """The window slots of the terminal's township centre, with the places left."""

        def read() -> SlotPage:
            with self.db.backend.transaction() as tx:
                return bookings.slot_page(
                    tx, terminal.terminal_id, now=self.clock(), calendar=self.db.calendar
                )

        page = await run_in_threadpool(read)
        return self._reply(page, terminal=terminal, nonce=nonce)

    async def attachment(
        self, request: Request, terminal: Terminal, nonce: str, body: bytes
    ) -> Response:
        """GET, HEAD and PATCH of one attachment (one route, so 405's Allow lists all three)."""
        head = request.method == "HEAD"
        sha = request.path_params["sha256"]
        if not _SHA256_RE.match(sha):
            return self._error(
                ErrorCode.BAD_REQUEST, 400, "not a sha-256 in hex", terminal, nonce, head=head
            )
        if request.method == "PATCH":
            return await self._attachment_patch(request, terminal, nonce, sha, body)
        progress = await run_in_threadpool(self.db.attachment_progress, terminal.terminal_id, sha)
        if progress is None:
            return self._error(
                ErrorCode.UNKNOWN_ATTACHMENT, 404, "not declared", terminal, nonce, head=head
            )
        state = AttachmentState(
            sha256=sha,
            offset=progress.received,
            length=progress.length,
            complete=progress.complete,
            server_time=self.clock(),
        )
        headers = {
            H_UPLOAD_OFFSET: str(progress.received),
            H_UPLOAD_LENGTH: str(progress.length),
            "Cache-Control": "no-store",
        }
        return self._reply(state, terminal=terminal, nonce=nonce, headers=headers, head=head)

    async def _attachment_patch(
        self, request: Request, terminal: Terminal, nonce: str, sha: str, raw: bytes
    ) -> Response:
        offset_text = request.headers.get(H_UPLOAD_OFFSET, "")
        if not _OFFSET_RE.match(offset_text):
            return self._error(
                ErrorCode.BAD_REQUEST,
                400,
                "Upload-Offset must be a non-negative integer",
                terminal,
                nonce,
            )
        offset = int(offset_text)
        progress = await run_in_threadpool(self.db.attachment_progress, terminal.terminal_id, sha)
        if progress is None:
            return self._error(ErrorCode.UNKNOWN_ATTACHMENT, 404, "not declared", terminal, nonce)
        result, hash_ok = await run_in_threadpool(
            self.db.append_chunk, terminal.terminal_id, sha, offset, raw
        )
        if not hash_ok:
            return self._error(
                ErrorCode.HASH_MISMATCH, 422, "sha-256 does not match; restart", terminal, nonce
            )
        state = AttachmentState(
            sha256=sha,
            offset=result.received,
            length=result.length,
            complete=result.complete,
            server_time=self.clock(),
        )
        in_step = offset + len(raw) == result.received or (result.complete and offset == 0)
        status = 200 if in_step or result.complete else 409
        return self._reply(
            state, status, terminal, nonce, headers={H_UPLOAD_OFFSET: str(result.received)}
        )

    async def statuses(
        self, request: Request, terminal: Terminal, nonce: str, body: bytes
    ) -> Response:
        cursor = _int_param(request, "cursor")
        updates = await run_in_threadpool(
            self.db.status_updates, terminal.terminal_id, cursor, PAGE_SIZE + 1
        )
        page = updates[:PAGE_SIZE]
        return self._reply(
            StatusPage(
                updates=page,
                cursor=page[-1].seq if page else cursor,
                more=len(updates) > PAGE_SIZE,
                server_time=self.clock(),
            ),
            terminal=terminal,
            nonce=nonce,
        )

    async def request_updates(
        self, request: Request, terminal: Terminal, nonce: str, body: bytes
    ) -> Response:
        """Clerks' answers to this terminal's requests (诉求) after ``cursor``: like statuses."""
        cursor = _int_param(request, "cursor")
        found = await run_in_threadpool(
            decisions.request_updates, self.db, terminal.terminal_id, cursor, PAGE_SIZE + 1
        )
        page = [
            RequestUpdate(
                seq=u.seq,
                request_id=u.request_id,
                state=RequestState(u.state),
                reply=u.reply,
                changed_at=u.changed_at,
            )
            for u in found[:PAGE_SIZE]
        ]
        return self._reply(
            RequestUpdatePage(
                updates=page,
                cursor=page[-1].seq if page else cursor,
                more=len(found) > PAGE_SIZE,
                server_time=self.clock(),
            ),
            terminal=terminal,
            nonce=nonce,
        )

    async def heartbeat(
        self, request: Request, terminal: Terminal, nonce: str, raw: bytes
    ) -> Response:
        try:
            beat = Heartbeat.model_validate_json(raw)
        except ValidationError as exc:
            return self._error(
                ErrorCode.BAD_REQUEST, 400, _validation_message(exc), terminal, nonce
            )
        await run_in_threadpool(
            self.db.record_heartbeat, terminal.terminal_id, beat.model_dump(mode="json")
        )
        return self._reply(HeartbeatAck(server_time=self.clock()), terminal=terminal, nonce=nonce)

    async def licence_lookup(
        self, request: Request, terminal: Terminal, nonce: str, raw: bytes
    ) -> Response:
        """电子证照 lookup: only the types the item needs, logged; see central.licences."""
        try:
            lookup = LicenceLookupRequest.model_validate_json(raw)
        except ValidationError as exc:
            return self._error(
                ErrorCode.BAD_REQUEST, 400, _validation_message(exc), terminal, nonce
            )
        try:
            answer = await run_in_threadpool(self.licences.lookup, terminal.terminal_id, lookup)
        except LicenceNotNeededError as exc:
            self._warn.warning(
                f"licence:{terminal.terminal_id}",
                "licence lookup from terminal %s refused: %s",
                terminal.terminal_id,
                exc,
            )
            return self._error(ErrorCode.LICENCE_NOT_NEEDED, 403, str(exc), terminal, nonce)
        log.info(
            "licence lookup %s by %s: %d asked, %d found",
            answer.lookup_id,
            terminal.terminal_id,
            len(lookup.licence_types),
            len(answer.licences),
        )
        return self._reply(answer, terminal=terminal, nonce=nonce)


class _TooLargeError(ValueError):
    pass


def _has_body(request: Request) -> bool:
    """Whether the request carries a body (declared length over 0, or chunked)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        return declared.strip() not in ("", "0")
    return "transfer-encoding" in request.headers


def _int_param(request: Request, name: str) -> int:
    try:
        return max(0, int(request.query_params.get(name, "0")))
    except ValueError:
        return 0


def _short(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply"
    return str(exc)[:200]


def _validation_message(exc: ValidationError) -> str:
    """Where and what, never the input (it may be personal data)."""
    errors = exc.errors()
    if not errors:
        return "invalid"
    first = errors[0]
    return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"[:200]


def _gunzip(data: bytes) -> bytes:
    """Decompress with a ceiling, so a small gzip bomb cannot exhaust the platform's memory."""
    inflater = zlib.decompressobj(wbits=31)
    out = inflater.decompress(data, MAX_BODY_BYTES)
    if inflater.unconsumed_tail:
        raise _TooLargeError("decompressed body too large")
    if not inflater.eof:
        raise ValueError("truncated gzip body")
    return out


async def _not_found(request: Request, exc: Exception) -> Response:
    body = ErrorBody(error=ErrorCode.NOT_FOUND, message="no such endpoint", server_time=time.time())
    return Response(body.model_dump_json(), status_code=404, media_type="application/json")


async def _not_allowed(request: Request, exc: Exception) -> Response:
    body = ErrorBody(
        error=ErrorCode.METHOD_NOT_ALLOWED, message="method not allowed", server_time=time.time()
    )
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    return Response(
        body.model_dump_json(), status_code=405, media_type="application/json", headers=headers
    )


def create_app(
    db: CentralDB, clock: Clock = time.time, limits: ServerLimits | None = None
) -> Starlette:
    """The ASGI application; see docs/protocol.md for the endpoints."""
    platform = Platform(db, clock, limits)
    p = API_PREFIX
    routes: list[Route | Mount] = [
        Route(f"{p}/enrol", platform.enrol, methods=["POST"]),
        Route(f"{p}/catalogue", platform.signed(platform.catalogue, 0), methods=["GET"]),
        Route(f"{p}/batch", platform.signed(platform.batch, MAX_BODY_BYTES), methods=["POST"]),
        Route(
            f"{p}/attachments/{{sha256:str}}",
            platform.signed(platform.attachment, MAX_CHUNK_BYTES),
            methods=["GET", "HEAD", "PATCH"],
        ),
        Route(f"{p}/statuses", platform.signed(platform.statuses, 0), methods=["GET"]),
        Route(
            f"{p}/request-updates",
            platform.signed(platform.request_updates, 0),
            methods=["GET"],
        ),
        Route(f"{p}/slots", platform.signed(platform.slots, 0), methods=["GET"]),
        Route(
            f"{p}/heartbeat",
            platform.signed(platform.heartbeat, SMALL_BODY_BYTES),
            methods=["POST"],
        ),
        Route(
            f"{p}/licences/lookup",
            platform.signed(platform.licence_lookup, SMALL_BODY_BYTES),
            methods=["POST"],
        ),
    ]
    from central.console import console_app  # the web console (issue 12), server-rendered

    routes.append(Mount("/console", app=console_app(db)))
    # Answers are gzip-compressed when the kiosk accepts it (its client sends Accept-Encoding: gzip): a batch
    # acknowledgement is ~180 bytes per item, 0.6 s for 100 items at 256 kbit/s uncompressed.
    # The signature covers the uncompressed body, which is what the client verifies.
    app = Starlette(
        routes=routes,
        middleware=[Middleware(GZipMiddleware, minimum_size=1000)],
        exception_handlers={404: _not_found, 405: _not_allowed},
    )
    app.state.platform = platform
    return app


def _config(
    app: Starlette | str,
    host: str,
    port: int,
    tls: tuple[Path, Path] | None = None,
    limits: ServerLimits | None = None,
    **extra: Any,
) -> uvicorn.Config:
    limits = limits or ServerLimits()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        http=GuardedH11Protocol,
        timeout_keep_alive=limits.keep_alive_s,  # rural links: keep the connection between rounds
        h11_max_incomplete_event_size=limits.max_header_bytes,
        # uvicorn's own cap answers 503 once a head arrives; ours closes on accept below it
        limit_concurrency=limits.max_connections + 64,
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
        **extra,
    )
    config.kiosk_limits = limits  # type: ignore[attr-defined]  # read by GuardedH11Protocol
    install_log_filters(limits.log_interval_s)
    return config


def raise_fd_limit() -> None:
    """Use the hard file-descriptor limit: the connection cap is derived from it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8700,
    limits: ServerLimits | None = None,
    *,
    workers: int = 1,
    key_file: Path | None = None,
) -> None:
    """Run in the foreground until interrupted (``kiosk central serve``).

    ``db_path``: a SQLite file or a ``postgresql://`` URL. ``workers`` > 1 (PostgreSQL
    only, see :mod:`central.workers`) runs that many server processes on one socket.
    """
    raise_fd_limit()
    db = CentralDB(db_path, key_file=key_file)  # migrates (once) and creates the key if new
    db.seed_catalogue_if_empty()
    LicenceLibrary(db).seed_if_empty()
    limits = limits or ServerLimits()
    if workers > 1:
        from central.workers import serve_workers

        db.close()
        serve_workers(
            db_path,
            db.key_file,
            _config(
                "central.workers:worker_app",
                host,
                port,
                limits=limits,
                factory=True,
                workers=workers,
            ),
        )
        return
    try:
        uvicorn.Server(_config(create_app(db, limits=limits), host, port, limits=limits)).run()
    finally:
        db.close()


class RunningPlatform:
    """A platform started in a background thread; ``stop()`` shuts it down and closes the DB."""

    def __init__(
        self,
        db: CentralDB,
        clock: Clock = time.time,
        host: str = "127.0.0.1",
        tls: tuple[Path, Path] | None = None,
        limits: ServerLimits | None = None,
    ) -> None:
        """``tls``: (certificate, key) PEM files to serve HTTPS, as a real platform must."""
        self.db = db
        self.limits = limits or ServerLimits()
        # proto must be IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on accepted sockets
        # whose listening socket says so, and without it every answer (headers and body are
        # two writes) waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        self.port: int = sock.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://{host}:{self.port}"
        self.app = create_app(db, clock, self.limits)
        self.platform: Platform = self.app.state.platform
        self._server = uvicorn.Server(_config(self.app, host, self.port, tls, self.limits))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="central", daemon=True
        )
        self._sock = sock
        self._thread.start()
        ready = threading.Event()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("reference platform did not start")
            ready.wait(0.01)

    @property
    def open_connections(self) -> int:
        """Connections the server holds right now (tests wait on this)."""
        return len(self._server.server_state.connections)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()
        self.db.close()


def start_in_thread(
    db_path: Path, host: str = "127.0.0.1", clock: Clock = time.time
) -> tuple[str, Callable[[], None]]:
    """Start a platform on a free loopback port for demo mode; returns (base url, stop)."""
    db = CentralDB(db_path)
    db.seed_catalogue_if_empty()
    LicenceLibrary(db).seed_if_empty()
    running = RunningPlatform(db, clock, host)
    return running.url, running.stop
