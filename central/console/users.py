"""Console accounts, sessions and the audit log: the SQL behind the web console's access.

Why here and not in :class:`central.db.CentralDB`: these are the console's own tables
(step ``0006_console_and_fleet_health``); the functions take a ``CentralDB`` and use its
backend's transactions, so they run on SQLite and PostgreSQL alike and share the platform's
one database layer.

- Passwords are hashed with scrypt (memory-hard: 2**15 × 8 × 128 B = 32 MiB per guess), a
  random 16-byte salt each, parameters stored with the hash so they can be raised later.
- A session cookie is a random 256-bit token; only its SHA-256 is stored, so a copy of the
  database cannot be used to sign in.
- After ``MAX_FAILURES`` wrong passwords in a row an account is locked for
  ``LOCKOUT_S`` seconds; a right password during the lock is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from central.db import CentralDB

ROLES = ("technician", "clerk", "admin")

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024

MAX_FAILURES = 5
"""Wrong passwords in a row before the account is locked."""
LOCKOUT_S = 15 * 60
SESSION_IDLE_S = 2 * 3600
"""A session unused this long ends (a shared county office PC)."""
SESSION_MAX_S = 12 * 3600
"""A session ends this long after sign-in whatever its use (one working day)."""

_REGION_OK = set("0123456789")


class UserError(Exception):
    """An account cannot be created as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class Account:
    """A console account as stored (without its hash)."""

    user_id: str
    name: str
    role: str
    region: str


@dataclass(frozen=True, slots=True)
class LoginResult:
    """``account`` when signed in; else ``locked`` tells a lockout from a wrong password."""

    account: Account | None
    locked: bool = False


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=_SCRYPT_MAXMEM
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY_HASH = ""


def _dummy_hash() -> str:
    """A hash to verify against for unknown names, so timing does not reveal who exists."""
    global _DUMMY_HASH  # noqa: PLW0603
    if not _DUMMY_HASH:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def generate_password() -> str:
    """16 characters from an alphabet without look-alikes (read off a screen, typed once)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def add_user(db: CentralDB, name: str, role: str, region: str, password: str) -> Account:
    """Create an account; UserError for a bad role, region, name, short password or a taken name."""
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() or ord(ch) < 32 for ch in name):
        raise UserError("the name must be 1-64 characters without spaces")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if region and (not set(region) <= _REGION_OK or len(region) > 12):
        raise UserError(f"the region must be a region code (digits): {region!r}")
    if len(password) < 10:
        raise UserError("the password must have at least 10 characters")
    account = Account("U" + secrets.token_hex(8), name, role, region)
    hashed = hash_password(password)
    with db.backend.transaction() as tx:
        inserted = tx.execute(
            "INSERT INTO console_users(user_id, name, role, region_code, password_hash,"
            " created_at) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            (account.user_id, name, role, region, hashed, db.now()),
        ).rowcount
    if inserted != 1:
        raise UserError(f"a console user named {name!r} already exists")
    return account


def login(db: CentralDB, name: str, password: str) -> LoginResult:
    """Check a password, counting failures; a locked account is refused even with the right one."""
    now = db.now()
    rows = db.query(
        "SELECT user_id, name, role, region_code, password_hash, failed_logins, locked_until"
        " FROM console_users WHERE name = ? AND disabled_at IS NULL",
        (name.strip(),),
    )
    if not rows:
        verify_password(password, _dummy_hash())
        return LoginResult(None)
    user_id, uname, role, region, stored, _failed, locked_until = rows[0]
    if locked_until is not None and float(locked_until) > now:
        return LoginResult(None, locked=True)
    if verify_password(password, stored):
        with db.backend.transaction() as tx:
            tx.execute(
                "UPDATE console_users SET failed_logins = 0, locked_until = NULL WHERE user_id = ?",
                (user_id,),
            )
        return LoginResult(Account(user_id, uname, role, region))
    with db.backend.transaction() as tx:
        # one statement: two wrong guesses at once both count
        tx.execute(
            "UPDATE console_users SET failed_logins = failed_logins + 1 WHERE user_id = ?",
            (user_id,),
        )
        (failed,) = tx.execute(
            "SELECT failed_logins FROM console_users WHERE user_id = ?", (user_id,)
        ).fetchone()
        if int(failed) >= MAX_FAILURES:
            tx.execute(
                "UPDATE console_users SET locked_until = ?, failed_logins = 0 WHERE user_id = ?",
                (now + LOCKOUT_S, user_id),
            )
            return LoginResult(None, locked=True)
    return LoginResult(None)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: CentralDB, account: Account) -> tuple[str, str]:
    """A new session for a signed-in account: (cookie token, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = db.now()
    with db.backend.transaction() as tx:
        tx.execute("DELETE FROM console_sessions WHERE expires_at < ?", (now,))
        tx.execute(
            "INSERT INTO console_sessions(token_hash, user_id, csrf, created_at, last_seen,"
            " expires_at) VALUES (?,?,?,?,?,?)",
            (_token_hash(token), account.user_id, csrf, now, now, now + SESSION_MAX_S),
        )
    return token, csrf


def session_account(db: CentralDB, token: str) -> tuple[Account, str] | None:
    """(account, CSRF token) of a live session; None if unknown, idle too long or expired."""
    now = db.now()
    key = _token_hash(token)
    rows = db.query(
        "SELECT u.user_id, u.name, u.role, u.region_code, s.csrf, s.last_seen, s.expires_at"
        " FROM console_sessions s JOIN console_users u ON u.user_id = s.user_id"
        " WHERE s.token_hash = ? AND u.disabled_at IS NULL",
        (key,),
    )
    if not rows:
        return None
    user_id, name, role, region, csrf, last_seen, expires_at = rows[0]
    if float(expires_at) < now or now - float(last_seen) > SESSION_IDLE_S:
        close_session(db, token)
        return None
    if now - float(last_seen) > 60:  # not a write per page view
        with db.backend.transaction() as tx:
            tx.execute("UPDATE console_sessions SET last_seen = ? WHERE token_hash = ?", (now, key))
    return Account(user_id, name, role, region), str(csrf)


def close_session(db: CentralDB, token: str) -> None:
    with db.backend.transaction() as tx:
        tx.execute("DELETE FROM console_sessions WHERE token_hash = ?", (_token_hash(token),))


def write_audit(  # noqa: PLR0917
    db: CentralDB, account: Account, action: str, target: str, detail: str, region: str
) -> None:
    """Append one audit row (who, when, what); never updated or deleted by the platform."""
    with db.backend.transaction() as tx:
        tx.execute(
            "INSERT INTO audit_log(at, actor_id, actor_name, actor_role, region_code, action,"
            " target, detail) VALUES (?,?,?,?,?,?,?,?)",
            (db.now(), account.user_id, account.name, account.role, region, action, target, detail),
        )


def audit_rows(
    db: CentralDB, target: str | None = None, limit: int = 200
) -> list[dict[str, object]]:
    """Newest first; ``target`` narrows to one thing (an application, a terminal)."""
    sql = (
        "SELECT id, at, actor_id, actor_name, actor_role, region_code, action, target, detail"
        " FROM audit_log"
    )
    params: list[object] = []
    if target is not None:
        sql += " WHERE target = ?"
        params.append(target)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    keys = (
        "id",
        "at",
        "actor_id",
        "actor_name",
        "actor_role",
        "region",
        "action",
        "target",
        "detail",
    )
    return [dict(zip(keys, r, strict=True)) for r in db.query(sql, params)]
