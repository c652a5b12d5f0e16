"""The kiosk's HTTP client for the platform: signs requests, checks every answer.

Only an answer that (1) carries a valid HMAC from the platform bound to this
request's nonce, (2) parses as the expected model and (3) for uploads echoes
exactly the ids sent, counts as a reply. Anything else — a captive portal's
200 HTML, a redirect, a truncated body, a 5xx — is a :class:`TransientError`
and the items stay queued (sync contract rule 2).

One :class:`sync.http.HttpTransport` is kept for the engine's lifetime so the TCP (and
TLS) connection is reused between requests: on a 500 ms link a new connection costs one
to three round trips. It is the standard library's ``http.client`` with TCP_NODELAY, no
retries and no redirects followed (``sync/http.py`` says why each).
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

from sync import signing
from sync.http import HttpTransport, Request, Response, Timeout, Transport, TransportError
from sync.protocol import (
    API_PREFIX,
    AUTH_ERRORS,
    H_NONCE,
    H_SIGNATURE,
    H_TERMINAL,
    H_TIMESTAMP,
    H_UPLOAD_OFFSET,
    MAX_BODY_BYTES,
    AttachmentState,
    BatchAck,
    BatchRequest,
    CataloguePage,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    ErrorCode,
    Heartbeat,
    HeartbeatAck,
    LicenceLookupAnswer,
    LicenceLookupRequest,
    RequestUpdatePage,
    SlotPage,
    StatusPage,
)
from sync.wire import ValidationError, WireModel

log = logging.getLogger(__name__)

M = TypeVar("M", bound=WireModel)

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")

USER_AGENT = "kiosk-sync/1"


class SyncError(Exception):
    """Base of the client's failure classes; each tells the engine what to do next."""


class TransientError(SyncError):
    """Try again later (network, 5xx, 429, unverifiable answer); ``retry_after`` in s."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthError(SyncError):
    """The platform refuses this terminal: pause the queue and tell staff."""

    def __init__(self, code: ErrorCode, message: str = "") -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code


class AttachmentRejectedError(SyncError):
    """The platform refuses an attachment (unknown to it, or wrong bytes for its hash)."""

    def __init__(self, code: ErrorCode) -> None:
        super().__init__(code.value)
        self.code = code


class LicenceRefusedError(SyncError):
    """The e-licence library refused the lookup (signed): e.g. a type the item does not need."""

    def __init__(self, code: ErrorCode, message: str = "") -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code


@dataclass(frozen=True, slots=True)
class Exchange:
    """Times of one request: both clocks are recorded so skew can be learned (rule 9)."""

    sent_at: float
    received_at: float
    server_time: float

    @property
    def skew(self) -> float:
        """Platform clock minus kiosk clock, estimated at the middle of the round trip."""
        return self.server_time - (self.sent_at + self.received_at) / 2


@dataclass(frozen=True, slots=True)
class Credentials:
    terminal_id: str
    secret: bytes


def _retry_after(response: Response, now: float) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


_HASHED_NAME = re.compile(r"^[0-9a-f]{8}\.[0-9]+$")


def _tls_context(ca_bundle: str, system: ssl.DefaultVerifyPaths | None = None) -> ssl.SSLContext:
    """Verify the platform's certificate against ``ca_bundle`` or, if empty, the system CAs.

    The system CAs are read from OpenSSL's hashed directory (``/etc/ssl/certs``), each when
    a handshake needs it, not from the whole bundle at start: the bundle's ~140 certificates
    cost every enrolled terminal ~1.3 MB for the one root the platform uses (issue 16, goal
    2). Where that directory has no hashed names, or ``SSL_CERT_FILE`` names a bundle,
    OpenSSL's defaults are used as before.
    """
    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle)
    paths = system or ssl.get_default_verify_paths()
    if not os.environ.get(paths.openssl_cafile_env) and _has_hashed_names(paths.capath):
        return ssl.create_default_context(capath=paths.capath)
    return ssl.create_default_context()


def _has_hashed_names(directory: str | None) -> bool:
    if not directory:
        return False
    try:
        with os.scandir(directory) as entries:
            return any(_HASHED_NAME.match(entry.name) for entry in entries)
    except OSError:
        return False


def platform_transport(ca_bundle: str, timeout: Timeout | None = None) -> HttpTransport:
    """The real transport to the platform: TLS verified as :func:`_tls_context` says, answers
    bounded by the protocol's largest body. Retries are the engine's business (backoff and a
    persisted queue), so the transport makes none."""
    return HttpTransport(
        ssl_context=_tls_context(ca_bundle), timeout=timeout, max_body=MAX_BODY_BYTES
    )


def _network_error(exc: TransportError) -> str:
    """What failed, by the class of the underlying error (``ConnectionRefusedError``,
    ``TimeoutError``, ``IncompleteRead``, ``SSLCertVerificationError``...): the one class
    :class:`TransportError` alone would say nothing in the engine's ``last_error``."""
    return type(exc.__cause__ or exc).__name__


def enrol(
    base_url: str,
    request: EnrolRequest,
    *,
    ca_bundle: str = "",
    timeout: float = 30.0,
) -> EnrolResponse:
    """Exchange a one-time code for a terminal id and secret (``kiosk provision``).

    Throttled (429) or busy (503) is a :class:`TransientError` with ``retry_after``: the
    code is still good, try again later. (Plain-http refusal: ``sync.provisioning``.)
    """
    transport = platform_transport(ca_bundle, Timeout(timeout, timeout))
    try:
        response = transport.send(
            Request(
                "POST",
                base_url.rstrip("/") + f"{API_PREFIX}/enrol",
                headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
                body=request.model_dump_json().encode(),
            )
        )
    except TransportError as exc:
        raise TransientError(f"network: {exc.__cause__ or exc!r}") from exc
    finally:
        transport.close()
    status = response.status
    if status == 200:
        try:
            return EnrolResponse.model_validate_json(response.body)
        except ValidationError as exc:
            raise TransientError("enrolment answer malformed") from exc
    if status in (429, 503) or status >= 500:
        raise TransientError(f"HTTP {status}", _retry_after(response, time.time()))
    try:
        error = ErrorBody.model_validate_json(response.body)
    except ValidationError:
        raise TransientError(f"HTTP {status}") from None
    raise AuthError(error.error, error.message)


class PlatformClient:
    """Signed requests to one platform as one terminal."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        clock: Callable[[], float] = time.time,
        skew: Callable[[], float] = lambda: 0.0,
        ca_bundle: str = "",
        timeout: Timeout | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self._clock = clock
        self.skew = skew
        """Seconds to add to our clock when stamping requests (the engine learns it)."""
        self.on_exchange = on_exchange
        """Called with both clocks of every verified answer."""
        self._http = transport or platform_transport(ca_bundle)
        # Redirects are never followed (the transport returns them): a redirect is a captive
        # portal or a misconfiguration, and its answer carries no signature.
        self._timeout = timeout or Timeout()  # 15 s to connect, 60 s per read
        self.bytes_sent = 0
        """Request body bytes handed to the network, including attempts that failed."""
        self.bytes_sent_by_method: dict[str, int] = {}

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ----------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        body: bytes,
        *,
        model: type[M],
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
        timeout: float | None = None,
    ) -> tuple[int, M]:
        full_path = API_PREFIX + path
        timestamp = f"{self._clock() + self.skew():.3f}"
        nonce = signing.new_nonce()
        secret = self.credentials.secret
        signed = {
            H_TERMINAL: self.credentials.terminal_id,
            H_TIMESTAMP: timestamp,
            H_NONCE: nonce,
            H_SIGNATURE: signing.sign_request(
                secret, method, full_path, timestamp=timestamp, nonce=nonce, body=body
            ),
            "User-Agent": USER_AGENT,
            **(headers or {}),
        }
        sent_at = self._clock()
        self.bytes_sent += len(body)
        self.bytes_sent_by_method[method] = self.bytes_sent_by_method.get(method, 0) + len(body)
        try:
            response = self._http.send(
                Request(
                    method,
                    self.base_url + full_path,
                    headers=signed,
                    body=body,
                    timeout=Timeout(timeout, timeout) if timeout is not None else self._timeout,
                )
            )
        except TransportError as exc:  # connect, TLS, read, write, framing, incomplete body
            raise TransientError(f"network: {_network_error(exc)}") from exc
        received_at = self._clock()
        status = response.status
        content = response.body
        given = response.headers.get(H_SIGNATURE, "")
        # A signature that is not 64 hex digits cannot verify (and non-ASCII text would make
        # compare_digest raise TypeError: an answer must never crash the engine).
        verified = bool(_HEX64.match(given)) and signing.verify_response(
            secret, nonce, status, content, given
        )
        if not verified:
            # Unsigned refusals (401 unknown_terminal or bad_signature, 403 revoked before the
            # body was read, 503 busy, 413…) are transient: anyone on the path can produce
            # them, so they must never pause the queue. Only a signed auth error pauses.
            if status in (429, 503) or status >= 500:
                raise TransientError(f"HTTP {status}", _retry_after(response, received_at))
            raise TransientError(f"unverified answer (HTTP {status}, {len(content)} bytes)")
        try:
            if status in ok:
                parsed = model.model_validate_json(content)
            else:
                error = ErrorBody.model_validate_json(content)
                self._note(sent_at, received_at, error.server_time)
                self._raise_error(error)
        except ValidationError as exc:
            raise TransientError(f"malformed answer (HTTP {status})") from exc
        server_time = getattr(parsed, "server_time", None)
        if isinstance(server_time, float):
            self._note(sent_at, received_at, server_time)
        return status, parsed

    def _note(self, sent_at: float, received_at: float, server_time: float) -> None:
        if self.on_exchange is not None:
            self.on_exchange(Exchange(sent_at, received_at, server_time))

    @staticmethod
    def _raise_error(error: ErrorBody) -> None:
        if error.error in AUTH_ERRORS:
            raise AuthError(error.error, error.message)
        if error.error in (ErrorCode.UNKNOWN_ATTACHMENT, ErrorCode.HASH_MISMATCH):
            raise AttachmentRejectedError(error.error)
        if error.error is ErrorCode.LICENCE_NOT_NEEDED:
            raise LicenceRefusedError(error.error, error.message)
        # stale timestamp (skew now learned), replayed nonce, bad request: try again later
        raise TransientError(f"{error.error.value}: {error.message}")

    # --- API ---------------------------------------------------------------------------------

    def upload_batch(self, batch: BatchRequest) -> BatchAck:
        """Send many items in one gzip body; the acknowledgement must echo each id exactly once."""
        body = gzip.compress(batch.model_dump_json().encode(), compresslevel=6, mtime=0)
        _, ack = self._request(
            "POST",
            "/batch",
            body,
            model=BatchAck,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
        sent = sorted(
            [("application", a.id) for a in batch.applications]
            + [("rating", r.id) for r in batch.ratings]
            + [("request", q.id) for q in batch.requests]
            + [(b.kind, b.id) for b in batch.bookings]
        )
        echoed = sorted((r.kind.value, r.id) for r in ack.results)
        if sent != echoed:
            raise TransientError("acknowledgement does not echo the ids sent")
        return ack

    def pull_catalogue(self, cursor: int) -> CataloguePage:
        return self._request("GET", f"/catalogue?cursor={cursor}", b"", model=CataloguePage)[1]

    def pull_statuses(self, cursor: int) -> StatusPage:
        return self._request("GET", f"/statuses?cursor={cursor}", b"", model=StatusPage)[1]

    def pull_request_updates(self, cursor: int) -> RequestUpdatePage:
        """Clerks' answers to this terminal's requests (诉求) after ``cursor`` (issue 12 item 4)."""
        return self._request(
            "GET", f"/request-updates?cursor={cursor}", b"", model=RequestUpdatePage
        )[1]

    def pull_slots(self) -> SlotPage:
        """The window slots of this terminal's township centre (issue 13 item 4)."""
        return self._request("GET", "/slots", b"", model=SlotPage)[1]

    def attachment_state(self, sha256: str) -> AttachmentState:
        return self._request("GET", f"/attachments/{sha256}", b"", model=AttachmentState)[1]

    def upload_chunk(self, sha256: str, offset: int, data: bytes) -> AttachmentState:
        """PATCH bytes at ``offset``; a 409 answer carries the platform's offset to resume from."""
        _, state = self._request(
            "PATCH",
            f"/attachments/{sha256}",
            data,
            model=AttachmentState,
            headers={
                "Content-Type": "application/offset+octet-stream",
                H_UPLOAD_OFFSET: str(offset),
            },
            ok=(200, 409),
        )
        return state

    def heartbeat(self, beat: Heartbeat) -> HeartbeatAck:
        body = beat.model_dump_json().encode()
        return self._request(
            "POST",
            "/heartbeat",
            body,
            model=HeartbeatAck,
            headers={"Content-Type": "application/json"},
        )[1]

    def lookup_licences(
        self, request: LicenceLookupRequest, *, timeout: float = 8.0
    ) -> LicenceLookupAnswer:
        """电子证照 lookup (``POST /v1/licences/lookup``): a signed answer or an exception.

        A resident is waiting at the screen: ``timeout`` (s) is short, unlike an upload's,
        and running out of it is "offline" (the next route is offered).

        :class:`TransientError` (offline, busy, unverifiable), :class:`AuthError` (this
        terminal is refused) or :class:`LicenceRefusedError` (the library said no).
        """
        body = request.model_dump_json().encode()
        return self._request(
            "POST",
            "/licences/lookup",
            body,
            model=LicenceLookupAnswer,
            headers={"Content-Type": "application/json"},
            timeout=timeout,
        )[1]
