"""HMAC-SHA256 request and response signatures (sync contract rule 8, rule 2).

A request is signed over ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nSHA256(BODY)`` where
BODY is the exact bytes on the wire (after gzip), so a proxy that alters a
single byte, a replay of an old request, or a request from a stolen terminal id
without the secret are all refused.

The platform signs its answer over ``response\\nNONCE\\nSTATUS\\nSHA256(BODY)``
with the same terminal secret, binding it to the request's nonce: a captive
portal's 200 page, a truncated body or a replayed old acknowledgement cannot
carry a valid signature, so the kiosk never takes them for delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_secret() -> bytes:
    """32 random bytes: the terminal's HMAC key, issued at enrolment."""
    return secrets.token_bytes(32)


def encode_secret(secret: bytes) -> str:
    return base64.b64encode(secret).decode("ascii")


def decode_secret(text: str) -> bytes:
    return base64.b64decode(text.strip().encode("ascii"), validate=True)


def new_nonce() -> str:
    return secrets.token_hex(16)


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_string(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """The canonical string of a request; ``path`` includes the query string, if any."""
    return "\n".join((method.upper(), path, timestamp, nonce, body_hash(body))).encode()


def sign_request(
    secret: bytes, method: str, path: str, *, timestamp: str, nonce: str, body: bytes
) -> str:
    return hmac.new(
        secret, request_string(method, path, timestamp, nonce, body), "sha256"
    ).hexdigest()


def verify_request(
    secret: bytes,
    method: str,
    path: str,
    *,
    timestamp: str,
    nonce: str,
    body: bytes,
    signature: str,
) -> bool:
    expected = sign_request(secret, method, path, timestamp=timestamp, nonce=nonce, body=body)
    return hmac.compare_digest(expected, signature.strip().lower())


def response_string(nonce: str, status: int, body: bytes) -> bytes:
    return "\n".join(("response", nonce, str(status), body_hash(body))).encode()


def sign_response(secret: bytes, nonce: str, status: int, body: bytes) -> str:
    return hmac.new(secret, response_string(nonce, status, body), "sha256").hexdigest()


def verify_response(secret: bytes, nonce: str, status: int, body: bytes, signature: str) -> bool:
    expected = sign_response(secret, nonce, status, body)
    return hmac.compare_digest(expected, signature.strip().lower())
