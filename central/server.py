"""The reference platform's HTTP server (Starlette on uvicorn).

Why Starlette + uvicorn: both are small, typed, actively maintained (encode /
Kludex), already pulled in by the kiosk's dependency set, and give us direct
access to raw request bytes and headers — which request signing needs (the HMAC
covers the exact body on the wire) — without a framework that re-parses or
re-serialises bodies behind our back. uvicorn is a real HTTP/1.1 server with
keep-alive, so tests and the benchmark exercise the same TCP behaviour a
province's platform would show.

Database calls are synchronous SQLite and run in Starlette's thread pool so a
slow disk never stalls the event loop that other kiosks' uploads share.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from central.db import CentralDB, Terminal
from sync import signing
from sync.protocol import (
    API_PREFIX,
    H_NONCE,
    H_SIGNATURE,
    H_TERMINAL,
    H_TIMESTAMP,
    H_UPLOAD_LENGTH,
    H_UPLOAD_OFFSET,
    MAX_BODY_BYTES,
    MAX_CHUNK_BYTES,
    MAX_SKEW_S,
    ApplicationUpload,
    AttachmentState,
    BatchAck,
    CataloguePage,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    ErrorCode,
    Heartbeat,
    HeartbeatAck,
    ItemKind,
    ItemResult,
    Outcome,
    RatingUpload,
    RequestUpload,
    StatusPage,
)

log = logging.getLogger(__name__)

Clock = Callable[[], float]
PAGE_SIZE = 200


class _DeniedError(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class Platform:
    """Request handlers bound to one database and one clock (injectable for stale-time tests)."""

    def __init__(self, db: CentralDB, clock: Clock = time.time) -> None:
        self.db = db
        self.clock = clock

    # --- helpers -----------------------------------------------------------------------------

    def _reply(
        self,
        model: BaseModel,
        status: int = 200,
        terminal: Terminal | None = None,
        nonce: str = "",
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = model.model_dump_json().encode()
        out = dict(headers or {})
        if terminal is not None and nonce:
            secret = signing.decode_secret(terminal.secret)
            out[H_SIGNATURE] = signing.sign_response(secret, nonce, status, body)
        return Response(body, status_code=status, media_type="application/json", headers=out)

    def _error(
        self,
        code: ErrorCode,
        status: int,
        message: str = "",
        terminal: Terminal | None = None,
        nonce: str = "",
    ) -> Response:
        body = ErrorBody(error=code, message=message, server_time=self.clock())
        return self._reply(body, status, terminal, nonce)

    async def _body(self, request: Request, limit: int) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and int(declared) > limit:
            raise _DeniedError(self._error(ErrorCode.TOO_LARGE, 413))
        body = b""
        async for piece in request.stream():
            body += piece
            if len(body) > limit:
                raise _DeniedError(self._error(ErrorCode.TOO_LARGE, 413))
        return body

    def _authenticate(self, request: Request, body: bytes) -> tuple[Terminal, str]:
        """Terminal and nonce of a correctly signed, fresh, never-seen request."""
        terminal_id = request.headers.get(H_TERMINAL, "")
        timestamp = request.headers.get(H_TIMESTAMP, "")
        nonce = request.headers.get(H_NONCE, "")
        signature = request.headers.get(H_SIGNATURE, "")
        terminal = self.db.terminal(terminal_id) if terminal_id else None
        if terminal is None:
            raise _DeniedError(self._error(ErrorCode.UNKNOWN_TERMINAL, 401, "unknown terminal"))
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        secret = signing.decode_secret(terminal.secret)
        if not (nonce and timestamp) or not signing.verify_request(
            secret,
            request.method,
            path,
            timestamp=timestamp,
            nonce=nonce,
            body=body,
            signature=signature,
        ):
            log.warning("bad signature from terminal %s", terminal_id)
            raise _DeniedError(
                self._error(ErrorCode.BAD_SIGNATURE, 401, "bad signature", terminal, nonce)
            )
        if terminal.revoked:
            raise _DeniedError(
                self._error(ErrorCode.REVOKED, 403, "terminal revoked", terminal, nonce)
            )
        try:
            stamp = float(timestamp)
        except ValueError:
            stamp = float("nan")
        if not abs(stamp - self.clock()) <= MAX_SKEW_S:
            raise _DeniedError(
                self._error(ErrorCode.STALE_TIMESTAMP, 401, "timestamp too far", terminal, nonce)
            )
        if not self.db.use_nonce(terminal.terminal_id, nonce):
            raise _DeniedError(
                self._error(ErrorCode.REPLAYED_NONCE, 401, "nonce used", terminal, nonce)
            )
        return terminal, nonce

    # --- endpoints ---------------------------------------------------------------------------

    async def enrol(self, request: Request) -> Response:
        body = await self._body(request, 64 * 1024)
        try:
            req = EnrolRequest.model_validate_json(body)
        except ValidationError as exc:
            return self._error(ErrorCode.BAD_REQUEST, 400, str(exc.errors()[:1]))
        secret = signing.encode_secret(signing.new_secret())
        terminal = await run_in_threadpool(
            self.db.enrol, req.code, req.region_code, req.station_name, req.kiosk_version, secret
        )
        if terminal is None:
            return self._error(ErrorCode.BAD_ENROLMENT_CODE, 403, "enrolment code unknown or used")
        log.info("enrolled terminal %s", terminal.terminal_id)
        return self._reply(
            EnrolResponse(
                terminal_id=terminal.terminal_id,
                terminal_code=terminal.terminal_code,
                secret=secret,
                server_time=self.clock(),
            )
        )

    async def catalogue(self, request: Request) -> Response:
        terminal, nonce = await self._auth(request, b"")
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

    async def batch(self, request: Request) -> Response:
        raw = await self._body(request, MAX_BODY_BYTES)
        terminal, nonce = await self._auth(request, raw)
        try:
            text = _gunzip(raw) if request.headers.get("content-encoding") == "gzip" else raw
            document = json.loads(text)
            if not isinstance(document, dict):
                raise ValueError("not an object")
        except (ValueError, zlib.error) as exc:
            return self._error(ErrorCode.BAD_REQUEST, 400, str(exc), terminal, nonce)
        results = await run_in_threadpool(self._store_batch, terminal, document)
        return self._reply(
            BatchAck(results=results, server_time=self.clock()), terminal=terminal, nonce=nonce
        )

    def _store_batch(self, terminal: Terminal, document: dict[str, Any]) -> list[ItemResult]:
        """Validate and store each item on its own: one bad item never blocks the rest."""
        known_codes = self.db.catalogue_codes()
        results: list[ItemResult] = []
        kinds: tuple[tuple[str, ItemKind, type[BaseModel]], ...] = (
            ("applications", ItemKind.APPLICATION, ApplicationUpload),
            ("ratings", ItemKind.RATING, RatingUpload),
            ("requests", ItemKind.REQUEST, RequestUpload),
        )
        for key, kind, model in kinds:
            for raw in document.get(key) or []:
                item_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
                try:
                    item = model.model_validate(raw)
                except ValidationError as exc:
                    first = exc.errors()[0]
                    results.append(
                        ItemResult(
                            kind=kind,
                            id=item_id,
                            outcome=Outcome.REJECTED,
                            reason=f"格式错误：{'.'.join(map(str, first['loc']))} {first['msg']}",
                        )
                    )
                    continue
                assert isinstance(item, ApplicationUpload | RatingUpload | RequestUpload)
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

    async def attachment_state(self, request: Request) -> Response:
        terminal, nonce = await self._auth(request, b"")
        sha = request.path_params["sha256"]
        progress = await run_in_threadpool(self.db.attachment_progress, terminal.terminal_id, sha)
        if progress is None:
            return self._error(ErrorCode.UNKNOWN_ATTACHMENT, 404, "not declared", terminal, nonce)
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
        if request.method == "HEAD":
            return Response(b"", headers=headers)
        return self._reply(state, terminal=terminal, nonce=nonce, headers=headers)

    async def attachment_patch(self, request: Request) -> Response:
        raw = await self._body(request, MAX_CHUNK_BYTES)
        terminal, nonce = await self._auth(request, raw)
        sha = request.path_params["sha256"]
        try:
            offset = int(request.headers.get(H_UPLOAD_OFFSET, ""))
        except ValueError:
            return self._error(ErrorCode.BAD_REQUEST, 400, "Upload-Offset missing", terminal, nonce)
        progress = await run_in_threadpool(self.db.attachment_progress, terminal.terminal_id, sha)
        if progress is None:
            return self._error(ErrorCode.UNKNOWN_ATTACHMENT, 404, "not declared", terminal, nonce)
        result, hash_ok = await run_in_threadpool(self.db.append_chunk, sha, offset, raw)
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

    async def statuses(self, request: Request) -> Response:
        terminal, nonce = await self._auth(request, b"")
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

    async def heartbeat(self, request: Request) -> Response:
        raw = await self._body(request, 64 * 1024)
        terminal, nonce = await self._auth(request, raw)
        try:
            beat = Heartbeat.model_validate_json(raw)
        except ValidationError as exc:
            return self._error(ErrorCode.BAD_REQUEST, 400, str(exc.errors()[:1]), terminal, nonce)
        await run_in_threadpool(
            self.db.record_heartbeat, terminal.terminal_id, beat.model_dump(mode="json")
        )
        return self._reply(HeartbeatAck(server_time=self.clock()), terminal=terminal, nonce=nonce)

    async def _auth(self, request: Request, body: bytes) -> tuple[Terminal, str]:
        return await run_in_threadpool(self._authenticate, request, body)


def _int_param(request: Request, name: str) -> int:
    try:
        return max(0, int(request.query_params.get(name, "0")))
    except ValueError:
        return 0


def _gunzip(data: bytes) -> bytes:
    """Decompress with a ceiling, so a small gzip bomb cannot exhaust the platform's memory."""
    inflater = zlib.decompressobj(wbits=31)
    out = inflater.decompress(data, MAX_BODY_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("decompressed body too large")
    return out


def _guard(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except _DeniedError as denied:
            return denied.response
        except ClientDisconnect:
            return Response(b"", status_code=400)

    return wrapped


def create_app(db: CentralDB, clock: Clock = time.time) -> Starlette:
    """The ASGI application; see docs/protocol.md for the endpoints."""
    platform = Platform(db, clock)
    p = API_PREFIX
    routes = [
        Route(f"{p}/enrol", _guard(platform.enrol), methods=["POST"]),
        Route(f"{p}/catalogue", _guard(platform.catalogue), methods=["GET"]),
        Route(f"{p}/batch", _guard(platform.batch), methods=["POST"]),
        Route(
            f"{p}/attachments/{{sha256:str}}",
            _guard(platform.attachment_state),
            methods=["GET", "HEAD"],
        ),
        Route(
            f"{p}/attachments/{{sha256:str}}", _guard(platform.attachment_patch), methods=["PATCH"]
        ),
        Route(f"{p}/statuses", _guard(platform.statuses), methods=["GET"]),
        Route(f"{p}/heartbeat", _guard(platform.heartbeat), methods=["POST"]),
    ]
    # Answers are gzip-compressed when the kiosk accepts it (httpx does by default): a batch
    # acknowledgement is ~180 bytes per item, 0.6 s for 100 items at 256 kbit/s uncompressed.
    # The signature covers the uncompressed body, which is what the client verifies.
    app = Starlette(routes=routes, middleware=[Middleware(GZipMiddleware, minimum_size=1000)])
    app.state.platform = platform
    return app


def _config(
    app: Starlette, host: str, port: int, tls: tuple[Path, Path] | None = None
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_keep_alive=60,  # rural links: keep the connection between sync rounds
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
    )


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8700) -> None:
    """Run in the foreground until interrupted (``kiosk central serve``)."""
    db = CentralDB(db_path)
    db.seed_catalogue_if_empty()
    try:
        uvicorn.Server(_config(create_app(db), host, port)).run()
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
    ) -> None:
        """``tls``: (certificate, key) PEM files to serve HTTPS, as a real platform must."""
        self.db = db
        # proto must be IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on accepted sockets
        # whose listening socket says so, and without it every answer (headers and body are
        # two writes) waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        self.port: int = sock.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://{host}:{self.port}"
        self.app = create_app(db, clock)
        self._server = uvicorn.Server(_config(self.app, host, self.port, tls))
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
    running = RunningPlatform(db, clock, host)
    return running.url, running.stop
