"""The wire protocol between a kiosk and the central platform, as frozen wire models.

The kiosk's engine and the reference platform (``central/``) import these same
classes, and ``scripts/gen_openapi.py`` derives ``docs/openapi.json`` from them,
so the documentation cannot drift from what is on the wire. docs/protocol.md
explains the rules (signatures, idempotency, resumable attachments).

Every answer carries ``server_time`` so the kiosk can learn its clock skew
(sync contract rule 9) from any exchange, including errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum
from typing import Any, Literal

from kiosk.settings import REGION_CODE_PATTERN
from sync.wire import Field, WireModel

PROTOCOL_VERSION = "1"
API_PREFIX = "/v1"

SHA256_PATTERN = r"^[0-9a-f]{64}$"

# Request headers (see sync.signing for the string that is signed).
H_TERMINAL = "X-Kiosk-Terminal"
H_TIMESTAMP = "X-Kiosk-Timestamp"
H_NONCE = "X-Kiosk-Nonce"
H_SIGNATURE = "X-Kiosk-Signature"
# tus-style attachment headers (https://tus.io/protocols/resumable-upload).
H_UPLOAD_OFFSET = "Upload-Offset"
H_UPLOAD_LENGTH = "Upload-Length"

MAX_SKEW_S = 300
"""A request whose timestamp is further than this from the platform's clock is refused."""
MAX_CHUNK_BYTES = 1024 * 1024
"""Largest attachment chunk the platform accepts in one PATCH."""
MAX_BODY_BYTES = 16 * 1024 * 1024
"""Largest (decompressed) batch body the platform accepts."""


class _Model(WireModel):
    """Every message: frozen, validated when built, unknown keys refused (``sync.wire``)."""


def canonical_json(data: Any) -> bytes:
    """The one byte form of a JSON value that both sides hash: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(item: WireModel) -> str:
    """sha-256 of an uploaded item's canonical JSON: same id + same hash is a harmless retry.

    Optional fields added after v1 are excluded from the dump while null, so an item
    that does not use them hashes exactly the bytes it hashed before they existed.
    """
    data = item.model_dump(mode="json")
    return hashlib.sha256(canonical_json(data)).hexdigest()


# --- enrolment -------------------------------------------------------------------------------


class EnrolRequest(_Model):
    """Sent once by ``kiosk provision``; the only unsigned request (the code is the credential)."""

    code: str = Field(min_length=6, max_length=64, description="One-time enrolment code.")
    region_code: str = Field(pattern=REGION_CODE_PATTERN)
    station_name: str = Field(min_length=1, max_length=100)
    kiosk_version: str = ""


class EnrolResponse(_Model):
    terminal_id: str = Field(description="Opaque terminal id, sent in every signed request.")
    terminal_code: str = Field(pattern=r"^[0-9]{6}$", description="Printed in application numbers.")
    secret: str = Field(description="Base64 HMAC key; stored by the kiosk in a 0600 file.")
    server_time: float


# --- errors ----------------------------------------------------------------------------------


class ErrorCode(StrEnum):
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_TERMINAL = "unknown_terminal"
    REVOKED = "revoked"
    STALE_TIMESTAMP = "stale_timestamp"
    REPLAYED_NONCE = "replayed_nonce"
    BAD_ENROLMENT_CODE = "bad_enrolment_code"
    BAD_REQUEST = "bad_request"
    OFFSET_MISMATCH = "offset_mismatch"
    HASH_MISMATCH = "hash_mismatch"
    UNKNOWN_ATTACHMENT = "unknown_attachment"
    TOO_LARGE = "too_large"
    # Refusals of the transport, never signed (issue 11): the kiosk retries later.
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TIMEOUT = "timeout"
    BUSY = "busy"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    # The e-licence library refuses a lookup (signed): a type this item does not need.
    LICENCE_NOT_NEEDED = "licence_not_needed"


AUTH_ERRORS = frozenset({ErrorCode.BAD_SIGNATURE, ErrorCode.UNKNOWN_TERMINAL, ErrorCode.REVOKED})
"""Errors a retry cannot fix: the kiosk pauses its queue and tells staff."""


class ErrorBody(_Model):
    error: ErrorCode
    message: str = ""
    server_time: float


# --- catalogue -------------------------------------------------------------------------------


class CatalogueEntry(_Model):
    code: str
    version: int = Field(ge=1)
    state: Literal["open", "closing", "closed"]
    item: dict[str, Any] = Field(
        description="The item in the shape of kiosk.catalogue.item_to_dict."
    )


class CataloguePage(_Model):
    entries: list[CatalogueEntry]
    cursor: int = Field(
        description="Pass back as ?cursor= to get only what changed after this page."
    )
    more: bool
    server_time: float


# --- uploads ---------------------------------------------------------------------------------


class ItemKind(StrEnum):
    APPLICATION = "application"
    RATING = "rating"
    REQUEST = "request"
    BOOKING = "booking"  # a window slot booked at the township centre (issue 13 item 4)
    HOME_VISIT = "home_visit"  # a home visit (上门服务) requested (issue 13 item 4)


ID_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z\-]{0,63}$"


class Applicant(_Model):
    name: str
    id_number: str
    phone: str
    address: str


class AttachmentRef(_Model):
    """An attachment is named by its content: the platform stores it once per hash."""

    sha256: str = Field(pattern=SHA256_PATTERN)
    field_key: str
    filename: str
    mime_type: str
    size: int = Field(ge=0)


class MaterialState(_Model):
    """One material of an application and its state (kiosk.materials.MaterialState.to_dict)."""

    name: str
    status: Literal["submitted", "e_licence", "promised", "to_bring"]
    trust: Literal["A", "B", "C", "D"] | None = Field(default=None, exclude_if=lambda v: v is None)
    due_on: str | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="ISO date: bring a promised one by then.",
    )
    seen_by: str | None = Field(default=None, exclude_if=lambda v: v is None)
    received_on: str | None = Field(default=None, exclude_if=lambda v: v is None)


class Commitment(_Model):
    """The 告知承诺书 as confirmed on screen (kiosk.materials.Commitment.to_dict)."""

    text: str
    confirmed_at: str
    staff_id: str | None = Field(default=None, exclude_if=lambda v: v is None)


class LicenceRef(_Model):
    """An e-licence that stands for a material (免提交): a reference, never the licence itself.

    ``sha256`` is the hash of the licence data the library returned (canonical JSON), so the
    department can check later that the licence it looks up is the one the kiosk was shown.
    """

    licence_type: str = Field(min_length=1, max_length=50)
    number: str = Field(min_length=1, max_length=64)
    issuer: str = Field(min_length=1, max_length=100)
    sha256: str = Field(pattern=SHA256_PATTERN)


class ApplicationUpload(_Model):
    """An application exactly as ``kiosk.application.Application.upload_content`` builds it.

    Every v1 field is required and none has a default, so the platform's canonical
    JSON of the parsed model is byte-for-byte the kiosk's, and both sides compute
    the same content hash. Later optional fields (``provisional_number``) are sent
    and hashed only when set.

    ``number``'s first six digits must be the uploading terminal's code and no other
    application may hold the number; otherwise the item is ``rejected``.
    """

    id: str = Field(pattern=ID_PATTERN, description="UUIDv7 minted by the kiosk.")
    number: str = Field(description="Application number printed on the receipt.")
    service_code: str
    service_version: int = Field(ge=1)
    applicant: Applicant
    form: dict[str, str]
    attachments: list[AttachmentRef]
    channel: Literal["self_service", "assisted", "paper"]
    staff_id: str | None
    consent: bool
    created_at: str = Field(description="Kiosk wall-clock time (ISO 8601) of filing.")
    local_seq: int = Field(ge=0, description="Kiosk's monotonic sequence, immune to clock jumps.")
    supersedes: str | None = Field(description="Id of the application this one supplements (补正).")
    provisional_number: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent on the wire, not null: v1 platforms
        description="The number printed on the receipt before the terminal was enrolled "
        "(code 0XXXXX), kept as an alias so a clerk can find the application by it; "
        "omitted when the application was never renumbered.",
    )
    materials: list[MaterialState] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent for applications filed before issue 13
        description="Every material of the item with its state at filing: submitted (photographed "
        "here, trust C, or its original seen by the assisting staff member, trust B), e_licence "
        "(免提交, trust A), promised (容缺 / 告知承诺, trust D, to be brought by due_on) or to_bring.",
    )
    commitment: Commitment | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="The 告知承诺书 the resident confirmed when a material was promised; "
        "staff_id when staff assisted.",
    )
    licences: list[LicenceRef] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent unless an e-licence was fetched
        description="E-licences fetched for this application with the holder's consent "
        "(POST /v1/licences/lookup, business_ref = this id): type, number, issuer and the "
        "sha-256 of the licence data; never images.",
    )


class RatingUpload(_Model):
    """A 好差评 rating (国办发〔2019〕51号: five levels, tied to an application number)."""

    id: str = Field(pattern=ID_PATTERN)
    application_number: str
    level: int = Field(ge=1, le=5)
    reason: str = Field(max_length=500)
    created_at: str


class RequestUpload(_Model):
    """A resident's request (诉求): complaint, suggestion, help or consultation."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["complaint", "suggestion", "help", "consultation"]
    content: str
    name: str
    phone: str
    id_number: str
    created_at: str


SLOT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}/(am|pm)$"


class BookingUpload(_Model):
    """A window booking (``kind`` booking, with the slot chosen) or a home-visit request
    (``kind`` home_visit, with the phone to call and the address); issue 13 item 4."""

    id: str = Field(pattern=ID_PATTERN)
    number: str = Field(description="The look-up number printed on the slip (Y + date + seq).")
    kind: Literal["booking", "home_visit"]
    service_code: str
    slot: str = Field(
        default="", description="booking: the slot chosen, e.g. 2026-12-07/am; home_visit: empty."
    )
    priority: bool = Field(default=False, description="Aged 70 or over, or a 残疾人证 holder.")
    materials: list[str] = Field(default=[], description="What to bring (the one-time notice).")
    name: str
    id_number: str
    phone: str = ""
    address: str = ""
    created_at: str


class BatchRequest(_Model):
    """Many small items in one gzip-compressed request: one round trip on a 500 ms link."""

    applications: list[ApplicationUpload] = Field(default=[])
    ratings: list[RatingUpload] = Field(default=[])
    requests: list[RequestUpload] = Field(default=[])
    bookings: list[BookingUpload] = Field(
        default=[], description="Window bookings and home-visit requests (issue 13 item 4)."
    )


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # stored now
    DUPLICATE = "duplicate"  # same id and same content already stored: success
    CONFLICT = "conflict"  # same id, different content: quarantined on both sides
    REJECTED = "rejected"  # the platform will never take this item; ``reason`` says why


DELIVERED = frozenset({Outcome.ACCEPTED, Outcome.DUPLICATE})


class ItemResult(_Model):
    kind: ItemKind
    id: str
    outcome: Outcome
    reason: str = ""
    content_hash: str = ""
    slot: str = Field(
        default="",
        description="A delivered booking: the slot the platform confirmed (the one chosen, or "
        "the next with room when it was full); the same on every resend.",
    )


class BatchAck(_Model):
    """One result per item sent, echoing its id; signed, so only the platform can produce it."""

    results: list[ItemResult]
    server_time: float


# --- window slots (issue 13 item 4) -----------------------------------------------------------


class SlotOffer(_Model):
    slot: str = Field(pattern=SLOT_PATTERN, description="Day and half day, e.g. 2026-12-07/am.")
    remaining: int = Field(ge=0, description="Places still free in this slot.")


class SlotPage(_Model):
    """Answer of ``GET /v1/slots``: the window slots of the terminal's township centre."""

    centre: str = Field(description="The township centre (乡镇便民服务中心) the slots are at.")
    slots: list[SlotOffer]
    server_time: float


# --- attachments -----------------------------------------------------------------------------


class AttachmentState(_Model):
    """Answer of GET and PATCH ``/v1/attachments/{sha256}``: where to resume."""

    sha256: str
    offset: int = Field(description="Bytes the platform holds; the next PATCH starts here.")
    length: int | None = Field(description="Declared total length, if known.")
    complete: bool = Field(description="All bytes received and the sha-256 verified.")
    server_time: float


# --- statuses --------------------------------------------------------------------------------


class PlatformStatus(StrEnum):
    RECEIVED = "received"  # 待受理: never decided; sent after a reopen, or on a no-change event
    ACCEPTED = "accepted"  # 已受理
    IN_PROGRESS = "in_progress"  # 办理中
    NEEDS_SUPPLEMENT = "needs_supplement"  # 需补正
    COMPLETED = "completed"  # 已办结
    REJECTED = "rejected"  # 不予受理


DECISION_STATUSES: tuple[PlatformStatus, ...] = tuple(
    s for s in PlatformStatus if s is not PlatformStatus.RECEIVED
)
"""What a clerk (or ``kiosk central set-status``) can decide; ``received`` is where an
application starts and where a reopening may take it back, never a decision."""


class MaterialReceived(_Model):
    """A promised material (容缺 / 告知承诺) a clerk marked received (issue 13 item 3)."""

    name: str = Field(min_length=1, max_length=100, description="The material's catalogue name.")
    received_on: dt.date = Field(description="The day it was handed in (China time).")


class StatusUpdate(_Model):
    seq: int
    application_id: str
    number: str
    status: PlatformStatus
    reason: str = Field(default="", description="Why rejected, or what is missing (free text).")
    missing: list[str] = Field(
        default=[], description="For needs_supplement: the materials to bring."
    )
    result_notice: str = Field(
        default="", description="For completed: the result notice text, if any."
    )
    changed_at: float
    accepted_on: dt.date | None = Field(
        default=None,
        description="受理日: the day the department accepted the application (China time); "
        "absent before acceptance.",
    )
    due_on: dt.date | None = Field(
        default=None,
        description="办结期限: the item's time limit in working days counted from acceptance "
        "(that day not counted), restarted after a supplement; null while the clock is stopped "
        "for a supplement (needs_supplement).",
    )
    reopened: bool = Field(
        default=False,
        exclude_if=lambda v: not v,  # absent unless true: older kiosks read the rest unchanged
        description="True: a final decision (completed, rejected) was reopened for correction; "
        "status is the state it went back to (accepted, or received when it was never accepted).",
    )
    materials_received: list[MaterialReceived] | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="Present only on an event that records promised materials received: it "
        "changes no state (status is the application's state at that moment).",
    )


class StatusPage(_Model):
    updates: list[StatusUpdate]
    cursor: int
    more: bool
    server_time: float


# --- requests (诉求): the clerk's answer ------------------------------------------------------


class RequestState(StrEnum):
    """A request's state on the platform (``central.decisions.REQUEST_STATES``)."""

    OPEN = "open"  # not yet triaged
    ASSIGNED = "assigned"  # handed to a person or department
    REPLIED = "replied"  # answered (``reply``)
    CLOSED = "closed"  # done


class RequestUpdate(_Model):
    """One change of a request this terminal took: assigned, replied or closed."""

    seq: int
    request_id: str
    state: RequestState
    reply: str = Field(
        default="", description="The clerk's reply (replied, and closed after a reply)."
    )
    changed_at: float


class RequestUpdatePage(_Model):
    """Answer of ``GET /v1/request-updates?cursor=N``: the shape of :class:`StatusPage`."""

    updates: list[RequestUpdate]
    cursor: int
    more: bool
    server_time: float


# --- e-licences (电子证照) ---------------------------------------------------------------------

ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"
MAX_LICENCE_TYPES = 8


class LicenceConsent(_Model):
    """What the resident agreed to on screen (同意调取本人电子证照), read aloud before the tap."""

    text: str = Field(min_length=1, max_length=500)
    agreed_at: str = Field(description="Kiosk wall-clock time (ISO 8601) of the tap.")


class LicenceLookupRequest(_Model):
    """One lookup: this holder's licences of these types, for this item and this application.

    The kiosk sends it only while the holder's ID card is on its reader in this visit and
    after the holder's own consent tap; the platform answers only types the item's
    materials name as e-licences (else 403 ``licence_not_needed``) and logs every lookup.
    """

    business_ref: str = Field(
        pattern=ID_PATTERN, description="The application's id (UUIDv7), minted before filing."
    )
    service_code: str = Field(min_length=1, max_length=64)
    holder_id_number: str = Field(pattern=ID_NUMBER_PATTERN, description="Read from the card.")
    holder_by: Literal["id_card"] = Field(
        description="How the holder was identified: their card on the reader, nothing else."
    )
    licence_types: list[str] = Field(min_length=1, max_length=MAX_LICENCE_TYPES)
    consent: LicenceConsent


class Licence(_Model):
    """One licence of the holder as the library keeps it; ``sha256`` = sha-256 of canonical
    JSON of ``data`` (the kiosk checks it and keeps only a :class:`LicenceRef`)."""

    licence_type: str
    number: str
    issuer: str
    valid_from: str | None = None
    valid_until: str | None = Field(default=None, description="ISO date; null: no end.")
    data: dict[str, str]
    sha256: str = Field(pattern=SHA256_PATTERN)


class LicenceMissing(_Model):
    licence_type: str
    reason: Literal["not_found", "expired"]


class LicenceLookupAnswer(_Model):
    """Signed answer: the licences found (valid today) and the types not found or expired."""

    lookup_id: str
    licences: list[Licence]
    missing: list[LicenceMissing]
    server_time: float


# --- heartbeat -------------------------------------------------------------------------------


class Heartbeat(_Model):
    """What a technician needs to see of a terminal (issue 12 item 1), every few minutes.

    The fields added for the web console are optional so an older kiosk's heartbeat stays
    valid; the platform computes the clock skew itself from ``terminal_time``.
    """

    queue_depth: int = Field(ge=0, le=2**53)
    oldest_unsent_age_s: float | None = Field(ge=0)
    quarantined: int = Field(default=0, ge=0, le=2**53)
    device_health: dict[str, str] = Field(
        default={},
        description="Device → its closed status enum value: card_reader (ReaderStatus, e.g. "
        "disconnected), printer (PrinterStatus, e.g. paper_near_end, no_paper, cover_open), "
        "camera (CameraStatus). A device the terminal has none of is absent.",
    )
    versions: dict[str, str] = Field(default={})
    free_disk_bytes: int = Field(ge=0, le=2**62)
    terminal_time: float = Field(description="The kiosk's wall clock when sent (for skew records).")
    kiosk_version: str | None = Field(default=None, max_length=64)
    os: str | None = Field(
        default=None, max_length=128, description="Operating system and release."
    )
    uptime_s: float | None = Field(
        default=None, ge=0, description="Seconds since the kiosk started."
    )
    last_sync_success: float | None = Field(
        default=None, description="The terminal's clock at its last fully successful sync round."
    )
    settings_revision: str | None = Field(
        default=None, max_length=64, description="Short hash of the terminal's settings file."
    )


class HeartbeatAck(_Model):
    received: bool = True
    server_time: float
