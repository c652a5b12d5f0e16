"""Staff and technician accounts: who may file for residents and who may open maintenance mode.

PINs are hashed with scrypt (memory-hard, RFC 7914) from :mod:`hashlib`; the
encoded hash carries its own parameters so they can be raised later without
invalidating existing PINs. Wrong PINs lock the account out for a time that
doubles with every further failure (see :class:`LockoutPolicy`); the count and
the lock survive a restart because they live in the database.

Nothing here does I/O: the store keeps the records, use cases in
:mod:`kiosk.usecases.staff_auth` combine them with a clock.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import os
import re
from dataclasses import dataclass
from enum import StrEnum

from kiosk.errors import KioskError, ValidationError


class Role(StrEnum):
    STAFF = "staff"  # 工作人员: assisted filing and queue care
    TECHNICIAN = (
        "technician"  # 技术人员: everything staff can do, plus provisioning and maintenance
    )

    @property
    def label(self) -> str:
        return {"staff": "工作人员", "technician": "技术人员"}[self.value]


class SignInMethod(StrEnum):
    PIN = "pin"
    CARD = "card"


@dataclass(frozen=True, slots=True)
class StaffMember:
    """One account. The name is shown on screen; it is never written to a log."""

    number: str  # 工号, digits, the login name
    name: str
    role: Role
    active: bool = True
    has_card: bool = False
    created_at: dt.datetime | None = None

    @property
    def is_technician(self) -> bool:
        return self.role is Role.TECHNICIAN

    def __repr__(self) -> str:
        return f"StaffMember(number={self.number!r}, role={self.role.value!r})"


@dataclass(frozen=True, slots=True)
class StaffSession:
    """A signed-in staff member; every application filed in it records ``staff.number``."""

    staff: StaffMember
    method: SignInMethod
    started_at: dt.datetime


# -- errors ---------------------------------------------------------------------------


class SignInError(KioskError):
    """Sign-in refused; ``message`` is the Chinese text for the screen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongCredentials(SignInError):
    """Unknown staff number, wrong PIN or unknown card (deliberately indistinguishable)."""

    def __init__(self, attempts_left: int | None) -> None:
        if attempts_left is None or attempts_left <= 0:
            text = "工号或密码不正确。"
        else:
            text = f"工号或密码不正确，还可以再试 {attempts_left} 次。"
        super().__init__(text)
        self.attempts_left = attempts_left


class LockedOut(SignInError):
    """Too many wrong PINs; sign-in is refused until ``until`` even with the right PIN."""

    def __init__(self, until: dt.datetime, now: dt.datetime) -> None:
        self.until = until
        self.remaining_s = max(1, int((until - now).total_seconds() + 0.999))
        super().__init__(f"密码错误次数过多，已锁定，请 {format_wait(self.remaining_s)}后再试。")


class NotPermitted(SignInError):
    """The account exists but may not do this (inactive, or not a technician)."""


def format_wait(seconds: int) -> str:
    """``"3 分 20 秒"``: a wait a person can read."""
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} 分 {rest} 秒" if rest else f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes} 分" if minutes else f"{hours} 小时"


# -- validation -------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"^[0-9]{3,12}$")
_PIN_RE = re.compile(r"^[0-9]{6,12}$")


def check_staff_number(number: str) -> str:
    number = number.strip()
    if not _NUMBER_RE.fullmatch(number):
        raise ValidationError("工号应为 3 到 12 位数字。", field="number")
    return number


def check_staff_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 40:
        raise ValidationError("请填写姓名（不超过 40 个字）。", field="name")
    return name


def check_new_pin(pin: str) -> str:
    """A PIN good enough for a shared terminal: 6–12 digits, not trivially guessable."""
    if not _PIN_RE.fullmatch(pin):
        raise ValidationError("密码应为 6 到 12 位数字。", field="pin")
    if len(set(pin)) == 1:
        raise ValidationError("密码不能全是同一个数字。", field="pin")
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in itertools.pairwise(digits)}
    if steps in ({1}, {-1}):
        raise ValidationError("密码不能是连续的数字。", field="pin")
    return pin


# -- PIN hashing --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost; n=2**15, r=8 needs 32 MiB and ~0.1 s on a kiosk's Celeron. Tests lower ``n``."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        return 128 * self.r * self.n * self.p + 2 * 1024 * 1024


DEFAULT_SCRYPT = ScryptParams()
_SALT_BYTES = 16
_HASH_BYTES = 32


def hash_pin(pin: str, params: ScryptParams = DEFAULT_SCRYPT, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64 without padding)."""
    salt = os.urandom(_SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(
        pin.encode(),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=params.maxmem,
        dklen=_HASH_BYTES,
    )
    return "$".join(
        ("scrypt", str(params.n), str(params.r), str(params.p), _b64(salt), _b64(digest))
    )


def verify_pin(pin: str, encoded: str) -> bool:
    """Constant-time comparison against a hash from :func:`hash_pin`; False for malformed hashes."""
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        if scheme != "scrypt":
            return False
        params = ScryptParams(int(n), int(r), int(p))
        digest = hashlib.scrypt(
            pin.encode(),
            salt=_unb64(salt),
            n=params.n,
            r=params.r,
            p=params.p,
            maxmem=params.maxmem,
            dklen=_HASH_BYTES,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, _unb64(expected))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


# -- lockout ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """After ``free_attempts`` wrong PINs, lock for ``base_s`` seconds, doubling up to ``max_s``.

    Failures are forgotten after a successful sign-in, or after ``reset_after_s``
    seconds without a new failure.
    """

    free_attempts: int = 3
    base_s: int = 30
    max_s: int = 3600
    reset_after_s: int = 24 * 3600

    def lock_seconds(self, failures: int) -> int:
        """How long to lock after the ``failures``-th consecutive failure (0: not locked)."""
        if failures < self.free_attempts:
            return 0
        exponent = min(failures - self.free_attempts, 20)
        return int(min(self.max_s, self.base_s * 2**exponent))

    def attempts_left(self, failures: int) -> int:
        return max(0, self.free_attempts - failures)


DEFAULT_LOCKOUT = LockoutPolicy()


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """Persisted wrong-PIN count of one sign-in subject (a staff number, or maintenance mode)."""

    subject: str
    failures: int
    locked_until: dt.datetime | None
    last_failure_at: dt.datetime | None

    def locked_at(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def expired(self, now: dt.datetime, policy: LockoutPolicy) -> bool:
        """Old failures are forgiven, unless a lock is still running."""
        if self.locked_at(now) or self.last_failure_at is None:
            return False
        return (now - self.last_failure_at).total_seconds() >= policy.reset_after_s


def next_failure(
    record: FailureRecord | None, subject: str, now: dt.datetime, policy: LockoutPolicy
) -> FailureRecord:
    """The record after one more wrong PIN at ``now``."""
    previous = 0 if record is None or record.expired(now, policy) else record.failures
    failures = previous + 1
    lock = policy.lock_seconds(failures)
    until = now + dt.timedelta(seconds=lock) if lock else None
    return FailureRecord(subject, failures, until, now)


class EventKind(StrEnum):
    """Audit trail of sign-ins (kept in the database, never with a name or PIN)."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED = "locked"
    SIGN_OUT = "sign_out"
    MAINTENANCE_UNLOCKED = "maintenance_unlocked"
    PIN_CHANGED = "pin_changed"
    CARD_SET = "card_set"
    ADDED = "added"
