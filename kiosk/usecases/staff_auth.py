"""Staff accounts and sign-in: staff number + PIN, staff card, and the technician's maintenance PIN.

Every check uses ``core.clock`` so lockouts are tested with a moved clock, not
with sleeps. A wrong staff number and a wrong PIN look the same to the person
at the screen (and cost the same scrypt time), so the kiosk cannot be used to
find out which staff numbers exist.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.staff import (
    DEFAULT_LOCKOUT,
    DEFAULT_SCRYPT,
    EventKind,
    LockedOut,
    LockoutPolicy,
    NotPermitted,
    Role,
    ScryptParams,
    SignInMethod,
    StaffMember,
    StaffSession,
    WrongCredentials,
    check_new_pin,
    check_staff_name,
    check_staff_number,
    hash_pin,
    next_failure,
    verify_pin,
)
from kiosk.store import staff_queries as q

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AuthConfig:
    """Lockout policy and scrypt cost; tests pass a cheap scrypt."""

    lockout: LockoutPolicy = DEFAULT_LOCKOUT
    scrypt: ScryptParams = DEFAULT_SCRYPT


DEFAULT_AUTH = AuthConfig()
_dummy_hashes: dict[ScryptParams, str] = {}


def _dummy_hash(params: ScryptParams) -> str:
    """A hash to verify against when the staff number is unknown (equal timing)."""
    if params not in _dummy_hashes:
        _dummy_hashes[params] = hash_pin("000000", params)
    return _dummy_hashes[params]


def card_hash(core: KioskCore, card_id: str) -> str:
    """Keyed hash of a staff card's id (card number or ID number); the id itself is never stored."""
    return core.store.cipher.lookup_hash(f"staff-card:{card_id.strip().upper()}")


# -- accounts ----------------------------------------------------------------------------------


def add_staff(
    core: KioskCore,
    number: str,
    name: str,
    role: Role,
    pin: str,
    *,
    config: AuthConfig = DEFAULT_AUTH,
) -> StaffMember:
    """Create an account with a first PIN; raises :class:`ValidationError` with a Chinese message."""
    member = StaffMember(
        number=check_staff_number(number),
        name=check_staff_name(name),
        role=role,
        created_at=core.clock(),
    )
    pin_hash = hash_pin(check_new_pin(pin), config.scrypt)
    q.insert_staff(core.store.conn, member, pin_hash, core.clock())
    log.info("staff account added", extra={"staff_number": member.number, "role": role.value})
    return member


def list_staff(core: KioskCore, role: Role | None = None) -> list[StaffMember]:
    return q.list_staff(core.store.conn, role=role)


def get_staff(core: KioskCore, number: str) -> StaffMember | None:
    return q.get_staff(core.store.conn, number.strip())


def set_pin(core: KioskCore, number: str, pin: str, *, config: AuthConfig = DEFAULT_AUTH) -> None:
    """Replace a PIN (technician's reset or the person's own change); also lifts a lockout."""
    member = _existing(core, number)
    q.set_pin_hash(
        core.store.conn, member.number, hash_pin(check_new_pin(pin), config.scrypt), core.clock()
    )
    log.info("staff PIN changed", extra={"staff_number": member.number})


def bind_card(core: KioskCore, number: str, card_id: str | None) -> None:
    """Let this account sign in with a card (its card number or ID number); None unbinds."""
    member = _existing(core, number)
    hashed = card_hash(core, card_id) if card_id else None
    q.set_card_hash(core.store.conn, member.number, hashed, core.clock())


def set_active(core: KioskCore, number: str, active: bool) -> None:
    q.set_active(core.store.conn, _existing(core, number).number, active)


def needs_first_technician(core: KioskCore) -> bool:
    """True on a fresh terminal: provisioning must create a technician account first."""
    return q.count_technicians(core.store.conn) == 0


def _existing(core: KioskCore, number: str) -> StaffMember:
    member = q.get_staff(core.store.conn, number.strip())
    if member is None:
        raise ValidationError(f"没有工号为 {number.strip()} 的账号。", field="number")
    return member


# -- sign-in -----------------------------------------------------------------------------------


def lockout_remaining(core: KioskCore, number: str) -> int:
    """Seconds until this staff number may try again (0: not locked)."""
    return _remaining(core, q.staff_subject(number.strip()))


def maintenance_lockout_remaining(core: KioskCore) -> int:
    return _remaining(core, q.MAINTENANCE_SUBJECT)


def _remaining(core: KioskCore, subject: str) -> int:
    record = q.failure_record(core.store.conn, subject)
    now = core.clock()
    if record is None or record.locked_until is None or not record.locked_at(now):
        return 0
    return max(1, int((record.locked_until - now).total_seconds() + 0.999))


def sign_in_with_pin(
    core: KioskCore,
    number: str,
    pin: str,
    *,
    config: AuthConfig = DEFAULT_AUTH,
    require: Role | None = None,
) -> StaffSession:
    """Check a staff number and PIN; raise :class:`LockedOut`, :class:`WrongCredentials`
    or :class:`NotPermitted`, each with the text for the screen."""
    number = number.strip()
    subject = q.staff_subject(number)
    conn = core.store.conn
    now = core.clock()
    record = q.failure_record(conn, subject)
    if record is not None and record.locked_until is not None and record.locked_at(now):
        raise LockedOut(record.locked_until, now)
    member = q.get_staff(conn, number)
    stored = q.pin_hash_of(conn, number) if member is not None else None
    ok = verify_pin(pin, stored or _dummy_hash(config.scrypt)) and stored is not None
    if not ok or member is None:
        updated = next_failure(record, subject, now, config.lockout)
        q.save_failure(conn, updated, number)
        log.warning("staff sign-in failed", extra={"failures": updated.failures})
        if updated.locked_until is not None:
            raise LockedOut(updated.locked_until, now)
        raise WrongCredentials(config.lockout.attempts_left(updated.failures))
    if record is not None:
        q.clear_failures(conn, subject)
    return _start(core, member, SignInMethod.PIN, require)


def sign_in_with_card(
    core: KioskCore, card_id: str, *, require: Role | None = None
) -> StaffSession:
    """Sign in with a staff card bound by :func:`bind_card`. A resident's card is simply unknown."""
    member = q.staff_by_card(core.store.conn, card_hash(core, card_id))
    if member is None:
        log.info("card sign-in with an unknown card")
        raise NotPermitted("这张卡没有绑定工作人员账号，请用工号和密码登录。")
    return _start(core, member, SignInMethod.CARD, require)


def _start(
    core: KioskCore, member: StaffMember, method: SignInMethod, require: Role | None
) -> StaffSession:
    if not member.active:
        raise NotPermitted("该账号已停用，请联系技术人员。")
    if require is Role.TECHNICIAN and not member.is_technician:
        raise NotPermitted("此功能需要技术人员账号。")
    now = core.clock()
    q.record_event(core.store.conn, member.number, EventKind.SIGN_IN, now)
    log.info("staff signed in", extra={"staff_number": member.number, "method": method.value})
    return StaffSession(member, method, now)


def sign_out(core: KioskCore, session: StaffSession) -> None:
    q.record_event(core.store.conn, session.staff.number, EventKind.SIGN_OUT, core.clock())
    log.info("staff signed out", extra={"staff_number": session.staff.number})


def unlock_maintenance(
    core: KioskCore, pin: str, *, config: AuthConfig = DEFAULT_AUTH
) -> StaffMember:
    """Maintenance mode opens with any active technician's PIN; a shared, persisted lockout applies."""
    conn = core.store.conn
    now = core.clock()
    record = q.failure_record(conn, q.MAINTENANCE_SUBJECT)
    if record is not None and record.locked_until is not None and record.locked_at(now):
        raise LockedOut(record.locked_until, now)
    candidates = q.technician_pin_hashes(conn)
    matched: str | None = None
    for number, stored in candidates or [("", _dummy_hash(config.scrypt))]:
        if verify_pin(pin, stored) and number:
            matched = number
            break
    member = q.get_staff(conn, matched) if matched else None
    if member is None:
        updated = next_failure(record, q.MAINTENANCE_SUBJECT, now, config.lockout)
        q.save_failure(conn, updated, "-")
        log.warning("maintenance unlock failed", extra={"failures": updated.failures})
        if updated.locked_until is not None:
            raise LockedOut(updated.locked_until, now)
        left = config.lockout.attempts_left(updated.failures)
        raise WrongCredentials(left)
    if record is not None:
        q.clear_failures(conn, q.MAINTENANCE_SUBJECT)
    q.record_event(conn, member.number, EventKind.MAINTENANCE_UNLOCKED, now)
    log.info("maintenance mode unlocked", extra={"staff_number": member.number})
    return member
