"""Identifiers minted by the kiosk.

The kiosk mints an application's identity itself (sync contract rule 1), in the
same transaction that stores it, so a retry after a lost answer can never create
a second application: the platform sees the same id again.

UUIDv7 (RFC 9562) keeps ids roughly time-ordered, which keeps SQLite's index
inserts local. Python 3.11 has no ``uuid.uuid7`` yet, hence the small function.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time
import uuid

from kiosk.identity import id_check_digit


def uuid7(unix_ms: int | None = None) -> uuid.UUID:
    """A version-7 UUID: 48-bit Unix milliseconds, then 74 random bits."""
    ms = int(time.time() * 1000) if unix_ms is None else unix_ms
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    rand = int.from_bytes(os.urandom(10), "big")
    value |= (rand >> 68 & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)


_NUMBER_RE = re.compile(r"^(\d{6})-(\d{6})-(\d{4})-([\dX])$")


def application_number(terminal_code: str, day: dt.date, sequence: int) -> str:
    """``330102-261123-0007-5``: terminal, filing date, that day's sequence, check character.

    Digits only (plus a possible X, as on ID cards) so it can be read aloud over
    the phone and typed on a number pad; the check character (ISO 7064 MOD 11-2,
    the one residents know from their ID card) catches a mistyped digit.
    """
    if not re.fullmatch(r"\d{6}", terminal_code):
        raise ValueError("terminal code must be six digits")
    if not 0 < sequence < 10_000:
        raise ValueError("daily sequence out of range")
    body = f"{terminal_code}{day:%y%m%d}{sequence:04d}"
    return f"{terminal_code}-{day:%y%m%d}-{sequence:04d}-{_check(body)}"


def is_platform_code(code: str) -> bool:
    """A code the platform assigns at enrolment: six digits, 100000–999999.

    Platform codes never start with ``0``, so every code that does is free for
    :func:`provisional_terminal_code` and can never equal an enrolled terminal's.
    """
    return re.fullmatch(r"[1-9]\d{5}", code) is not None


def new_install_id() -> str:
    """128 random bits naming this installation (its database), created once, never changed."""
    return secrets.token_hex(16)


def provisional_terminal_code(install_id: str) -> str:
    """``0XXXXX``: the terminal code an unenrolled terminal numbers with.

    The leading ``0`` keeps it apart from every platform code (100000–999999), so a
    provisional number can never be a number the platform holds; the five digits
    come from the install id, so two unenrolled terminals rarely share them (and if
    they do, nothing is lost: provisional numbers are replaced at enrolment before
    anything is sent, and survive only as a local alias for the printed receipt).
    ``000000`` (the old default that every unenrolled terminal used) is never drawn.
    """
    value = int(install_id, 16) % 99_999 + 1
    return f"0{value:05d}"


def parse_application_number(number: str) -> tuple[str, dt.date, int]:
    """(terminal code, filing day, daily sequence) of a valid number."""
    match = _NUMBER_RE.fullmatch(number)
    if match is None or not is_valid_application_number(number):
        raise ValueError("not a valid application number")
    terminal, day, seq, _check_char = match.groups()
    return terminal, dt.datetime.strptime(day, "%y%m%d").date(), int(seq)


def number_terminal_code(number: str) -> str:
    """The terminal code a number was minted under (its first six digits)."""
    return number[:6]


def _check(body: str) -> str:
    # MOD 11-2 over 16 digits: pad to 17 so the ID-card weights apply unchanged.
    return id_check_digit("0" + body)


def is_valid_application_number(text: str) -> bool:
    match = _NUMBER_RE.fullmatch(text.strip().upper())
    if match is None:
        return False
    terminal, day, seq, check = match.groups()
    return _check(terminal + day + seq) == check


def normalize_application_number(text: str) -> str:
    """Accept the number typed without hyphens (as on a number pad) or with them."""
    digits = re.sub(r"[\s\-]", "", text).upper()
    if re.fullmatch(r"\d{16}[\dX]", digits):
        candidate = f"{digits[:6]}-{digits[6:12]}-{digits[12:16]}-{digits[16]}"
        if is_valid_application_number(candidate):
            return candidate
    raise ValueError("not a valid application number")
