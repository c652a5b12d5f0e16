"""The OpenAPI 3.1 description of the sync protocol, built from the models in sync.protocol.

``scripts/gen_openapi.py`` writes it to ``docs/openapi.json``; a test fails when
the committed file differs from what this builds, so the published contract is
always the one the code speaks.
"""

from __future__ import annotations

import json
from typing import Any

from sync import protocol as p
from sync.wire import WireModel, models_json_schema

_SIGNED_HEADERS = [
    {
        "name": p.H_TERMINAL,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "Terminal id from enrolment.",
    },
    {
        "name": p.H_TIMESTAMP,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": f"Unix seconds (platform clock ± {p.MAX_SKEW_S} s; the kiosk adds its learned skew).",
    },
    {
        "name": p.H_NONCE,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "Random, never reused by this terminal.",
    },
    {
        "name": p.H_SIGNATURE,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "hex HMAC-SHA256(secret, METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nhex SHA256(body as sent)).",
    },
]

_MODELS: list[type[WireModel]] = [
    p.EnrolRequest,
    p.EnrolResponse,
    p.ErrorBody,
    p.CataloguePage,
    p.BatchRequest,
    p.BatchAck,
    p.AttachmentState,
    p.StatusPage,
    p.RequestUpdatePage,
    p.SlotPage,
    p.Heartbeat,
    p.HeartbeatAck,
    p.LicenceLookupRequest,
    p.LicenceLookupAnswer,
]


def _ref(model: type[WireModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


_SIGNATURE_HEADER = {
    "schema": {"type": "string"},
    "description": "hex HMAC-SHA256(secret, response\\nREQUEST_NONCE\\nSTATUS\\nhex SHA256(body)); "
    "present only on answers to authenticated requests (signature and nonce verified): "
    "an unsigned refusal must never pause the kiosk.",
}

_RETRY_AFTER = {
    "required": True,
    "schema": {"type": "string"},
    "description": "Seconds to wait before trying again.",
}


def _json(
    model: type[WireModel],
    description: str,
    headers: dict[str, Any] | None = None,
    *,
    content: bool = True,
) -> dict[str, Any]:
    """A response; ``content=False`` for HEAD, whose answers have headers only."""
    out: dict[str, Any] = {
        "description": description,
        "headers": {p.H_SIGNATURE: _SIGNATURE_HEADER, **(headers or {})},
    }
    if content:
        out["content"] = {"application/json": {"schema": _ref(model)}}
    return out


def _errors(*, content: bool = True, enrol: bool = False) -> dict[str, Any]:
    """The refusals every endpoint can give (docs/protocol.md, "Hardened intake")."""
    e = p.ErrorBody
    out: dict[str, Any] = {
        "400": _json(
            e,
            "bad_request: a malformed header, query, path or body (never a 500). Signed when "
            "the request was authenticated.",
            content=content,
        ),
        "408": _json(
            e, "timeout: the body stalled longer than the idle timeout (unsigned).", content=content
        ),
        "413": _json(
            e,
            "too_large: the body (or its decompressed form) is over this endpoint's limit; "
            "refused before it is read when Content-Length says so (unsigned unless "
            "authenticated).",
            content=content,
        ),
        "503": _json(
            e,
            "busy: too many bodies in flight; retry after Retry-After (unsigned).",
            {"Retry-After": _RETRY_AFTER},
            content=content,
        ),
    }
    if enrol:
        out["403"] = _json(e, "bad_enrolment_code: unknown, used or expired.", content=content)
        out["429"] = _json(
            e,
            "too_many_attempts: too many failed codes from this address or in total; "
            "retry after Retry-After.",
            {"Retry-After": _RETRY_AFTER},
            content=content,
        )
        return out
    out["401"] = _json(
        e,
        "unknown_terminal, bad_signature (both unsigned: checked from the headers, before the "
        "body is read), stale_timestamp (signed only when the request has no body and its "
        "signature verifies), replayed_nonce (signed).",
        content=content,
    )
    out["403"] = _json(
        e,
        "revoked (signed only when the request has no body and its signature verifies; a "
        "request with a body is refused unread, unsigned).",
        content=content,
    )
    return out


_OFFSET_HEADER = {
    p.H_UPLOAD_OFFSET: {
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "description": "Bytes the platform holds.",
    }
}
_UPLOAD_HEADERS = {
    **_OFFSET_HEADER,
    p.H_UPLOAD_LENGTH: {
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "description": "Declared total length.",
    },
}


def _cursor() -> dict[str, Any]:
    return {
        "name": "cursor",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
    }


def _sha() -> dict[str, Any]:
    return {
        "name": "sha256",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": p.SHA256_PATTERN},
    }


def build_openapi() -> dict[str, Any]:
    defs = models_json_schema(_MODELS, ref_template="#/components/schemas/{model}")
    schemas = defs.get("$defs", {})
    paths: dict[str, Any] = {
        f"{p.API_PREFIX}/enrol": {
            "post": {
                "summary": "Exchange a one-time enrolment code for a terminal id and secret (unsigned).",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(p.EnrolRequest)}},
                },
                "responses": {
                    "200": {
                        "description": "Enrolled.",
                        "content": {"application/json": {"schema": _ref(p.EnrolResponse)}},
                    },
                    **_errors(enrol=True),
                },
            }
        },
        f"{p.API_PREFIX}/catalogue": {
            "get": {
                "summary": "Service items changed after the cursor (versioned; retired items stay listed).",
                "parameters": [*_SIGNED_HEADERS, _cursor()],
                "responses": {"200": _json(p.CataloguePage, "A page of changes."), **_errors()},
            }
        },
        f"{p.API_PREFIX}/batch": {
            "post": {
                "parameters": _SIGNED_HEADERS,
                "summary": "Upload applications, ratings and requests; one result per item, echoing ids.",
                "description": "Body is JSON, gzip-compressed (Content-Encoding: gzip, what the kiosk "
                "sends) or not; at most 16 MiB on the wire and decompressed. Each item is validated "
                "and stored on its own: accepted, duplicate (same id and content hash), conflict (same id, "
                "other content; quarantined), rejected (with reason).",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(p.BatchRequest)}},
                },
                "responses": {"200": _json(p.BatchAck, "Per-item results."), **_errors()},
            }
        },
        f"{p.API_PREFIX}/attachments/{{sha256}}": {
            "get": {
                "summary": "Where to resume an attachment this terminal declared (tus HEAD equivalent, signed).",
                "parameters": [*_SIGNED_HEADERS, _sha()],
                "responses": {
                    "200": _json(
                        p.AttachmentState,
                        "Offset, declared length, completeness.",
                        _UPLOAD_HEADERS,
                    ),
                    "404": _json(
                        p.ErrorBody,
                        "unknown_attachment: not declared by an application of this terminal",
                    ),
                    **_errors(),
                },
            },
            "head": {
                "summary": "tus-style offset query: a signed request like GET, answered with the "
                "Upload-Offset and Upload-Length headers and no body. The answer's signature "
                "covers the status and the empty body, not these headers: the kiosk uses GET.",
                "parameters": [*_SIGNED_HEADERS, _sha()],
                "responses": {
                    "200": _json(
                        p.AttachmentState, "Offset in headers.", _UPLOAD_HEADERS, content=False
                    ),
                    "404": _json(p.ErrorBody, "unknown_attachment", content=False),
                    **_errors(content=False),
                },
            },
            "patch": {
                "summary": "Append bytes at Upload-Offset; sha-256 verified when the last byte arrives.",
                "parameters": [
                    *_SIGNED_HEADERS,
                    _sha(),
                    {
                        "name": p.H_UPLOAD_OFFSET,
                        "in": "header",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0},
                        "description": "Where these bytes start; anything but a non-negative "
                        "integer is a 400.",
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/offset+octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {
                    "200": _json(p.AttachmentState, "Appended.", _OFFSET_HEADER),
                    "404": _json(
                        p.ErrorBody,
                        "unknown_attachment: not declared by an application of this terminal",
                    ),
                    "409": _json(
                        p.AttachmentState,
                        "Offset was not the platform's; resume from the returned offset.",
                        _OFFSET_HEADER,
                    ),
                    "422": _json(
                        p.ErrorBody, "hash_mismatch: the platform discarded the bytes; start again."
                    ),
                    **_errors(),
                },
            },
        },
        f"{p.API_PREFIX}/statuses": {
            "get": {
                "summary": "Status changes of this terminal's applications after the cursor.",
                "parameters": [*_SIGNED_HEADERS, _cursor()],
                "responses": {"200": _json(p.StatusPage, "A page of status updates."), **_errors()},
            }
        },
        f"{p.API_PREFIX}/request-updates": {
            "get": {
                "summary": "诉求: clerks' answers to this terminal's requests after the cursor.",
                "description": "Each assignment (assigned), reply (replied, with the text) and "
                "closing (closed) of a request this terminal took, in order, 200 a page; the "
                "kiosk stores the last seq it applied (meta cursor:request-updates). The "
                "assignee stays on the platform (issue 12 item 4).",
                "parameters": [*_SIGNED_HEADERS, _cursor()],
                "responses": {
                    "200": _json(p.RequestUpdatePage, "A page of request updates."),
                    **_errors(),
                },
            }
        },
        f"{p.API_PREFIX}/slots": {
            "get": {
                "summary": "预约: the window slots of this terminal's township centre.",
                "description": "Morning and afternoon of the next working days from tomorrow, "
                "with the places left (issue 13 item 4). The kiosk caches the answer for "
                "offline booking; a booking is uploaded in the batch and its acknowledgement "
                "carries the slot confirmed (the one chosen, or the next with room).",
                "parameters": _SIGNED_HEADERS,
                "responses": {"200": _json(p.SlotPage, "The centre and its slots."), **_errors()},
            }
        },
        f"{p.API_PREFIX}/heartbeat": {
            "post": {
                "summary": "Queue depth, oldest unsent age, device health, versions, free disk.",
                "parameters": _SIGNED_HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(p.Heartbeat)}},
                },
                "responses": {"200": _json(p.HeartbeatAck, "Recorded."), **_errors()},
            }
        },
        f"{p.API_PREFIX}/licences/lookup": {
            "post": {
                "summary": "电子证照: the holder's licences of the types an item needs (logged).",
                "description": "Sent only while the holder's ID card is on the kiosk's reader in "
                "this visit and after the holder agreed on screen (同意调取本人电子证照); "
                "business_ref is the application's id, minted before filing. Only the types "
                "the item's materials name as e-licences are answered; every answered lookup is "
                "logged (terminal, time, item, holder). A licence past its validity is listed "
                "as missing (expired).",
                "parameters": _SIGNED_HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(p.LicenceLookupRequest)}},
                },
                "responses": {
                    "200": _json(p.LicenceLookupAnswer, "Found and missing licences."),
                    **_errors(),
                    "403": _json(
                        p.ErrorBody,
                        "licence_not_needed (signed): the item does not take one of these "
                        "types as an e-licence (nothing looked up, nothing logged); revoked "
                        "(unsigned: a request with a body is refused unread).",
                    ),
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kiosk ↔ central platform sync protocol",
            "version": p.PROTOCOL_VERSION,
            "description": "See docs/protocol.md. Every answer carries server_time; every signed "
            "request's answer is signed with the terminal secret and bound to the request nonce.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }


def render() -> str:
    """The exact text of docs/openapi.json."""
    return json.dumps(build_openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
