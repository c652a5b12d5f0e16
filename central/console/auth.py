"""Who is signed in to the web console, what they may see, and the forms' CSRF tokens.

The interface every console page uses (fleet pages here, clerk pages in ``clerk.py``):

- ``user = await require_user(request, "clerk", "admin")`` — the signed-in user; a visitor
  who is not signed in is sent to ``/console/login`` (303), a user whose role does not fit
  gets 403. Both are raised as Starlette ``HTTPException`` so a page needs no ``if``.
- ``in_scope(user, region_code)`` — the region-prefix rule; an empty user region is "all".
  Check it on every page that names one thing (a terminal, an application) by link, not
  only in lists (pitfall 6: empty filter must never mean "no scoping").
- ``csrf_token(request)`` for the hidden input ``csrf_token`` of every form, and
  ``await check_csrf(request, form)`` first thing in every POST handler (403 if missing or
  wrong). Nothing changes on GET.
- ``audit(db, user, action, target, detail)`` — one append-only row per personal-data view
  and per decision.

Sessions live in the database (``console_sessions``), not in a signed cookie: logout and
lockout take effect at once and a stolen database holds only hashes of the tokens.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from central.console import users
from central.db import CentralDB

SESSION_COOKIE = "kiosk_console"
PRE_LOGIN_COOKIE = "kiosk_console_pre"
"""Before sign-in there is no session: the login form's CSRF token is a double-submit cookie."""
COOKIE_PATH = "/console"
LOGIN_PATH = "/console/login"
CSRF_FIELD = "csrf_token"

ROLE_LABELS = {"technician": "技术人员", "clerk": "窗口人员", "admin": "管理员"}


@dataclass(frozen=True)
class ConsoleUser:
    user_id: str
    name: str
    role: str  # "technician" | "clerk" | "admin"
    region: str  # "" = all


def _db(request: Request) -> CentralDB:
    db: CentralDB = request.app.state.console_db
    return db


async def current_user(request: Request) -> ConsoleUser | None:
    """The signed-in user of this request, or None (looked up once per request)."""
    if hasattr(request.state, "console_user"):
        cached: ConsoleUser | None = request.state.console_user
        return cached
    user: ConsoleUser | None = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        found = await run_in_threadpool(users.session_account, _db(request), token)
        if found is not None:
            account, csrf = found
            user = ConsoleUser(account.user_id, account.name, account.role, account.region)
            request.state.console_csrf = csrf
    request.state.console_user = user
    return user


async def require_user(request: Request, *roles: str) -> ConsoleUser:
    """The signed-in user if their role is one of ``roles`` (any role if none given).

    Not signed in: 303 to the login page, which returns here afterwards. Wrong role: 403.
    """
    user = await current_user(request)
    if user is None:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        from urllib.parse import quote

        raise HTTPException(
            303, headers={"Location": f"{LOGIN_PATH}?next={quote(target, safe='')}"}
        )
    if roles and user.role not in roles:
        raise HTTPException(403, detail="无权访问此页面")
    return user


def require(*roles: str) -> Any:
    """Decorator form of :func:`require_user`: the endpoint gets ``(request, user)``."""

    def wrap(endpoint: Any) -> Any:
        async def guarded(request: Request) -> Response:
            user = await require_user(request, *roles)
            response: Response = await endpoint(request, user)
            return response

        guarded.__name__ = getattr(endpoint, "__name__", "guarded")
        guarded.__doc__ = endpoint.__doc__
        return guarded

    return wrap


def in_scope(user: ConsoleUser, region_code: str) -> bool:
    """Whether ``region_code`` lies under the user's region (a prefix); "" means every region."""
    return user.region == "" or (region_code or "").startswith(user.region)


def csrf_token(request: Request) -> str:
    """The token for this request's forms: the session's, or before sign-in the pre-login one.

    Call :func:`current_user` (or ``require_user``) first so the session is known; the login
    page sets the pre-login cookie with :func:`set_pre_login_cookie`.
    """
    session_csrf = getattr(request.state, "console_csrf", None)
    if session_csrf:
        return str(session_csrf)
    pre = getattr(request.state, "console_pre_csrf", None) or request.cookies.get(PRE_LOGIN_COOKIE)
    if not pre:
        pre = secrets.token_urlsafe(32)
    request.state.console_pre_csrf = pre
    return str(pre)


async def check_csrf(request: Request, form: Mapping[str, Any]) -> None:
    """Raise 403 unless the form carries this session's (or the pre-login) CSRF token."""
    sent = form.get(CSRF_FIELD)
    await current_user(request)
    expected = getattr(request.state, "console_csrf", None)
    if expected is None:
        expected = request.cookies.get(PRE_LOGIN_COOKIE)
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, detail="表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_pre_login_cookie(request: Request, response: Response) -> None:
    token = getattr(request.state, "console_pre_csrf", None)
    if token and token != request.cookies.get(PRE_LOGIN_COOKIE):
        response.set_cookie(
            PRE_LOGIN_COOKIE,
            token,
            path=COOKIE_PATH,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
        )


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """HttpOnly, SameSite=Strict, Secure on HTTPS; a browser-session cookie (no Max-Age)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    response.delete_cookie(PRE_LOGIN_COOKIE, path=COOKIE_PATH)


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)


def audit(db: CentralDB, user: ConsoleUser, action: str, target: str, detail: str = "") -> None:
    """Append an audit row: ``action`` a dotted verb (``application.view``,
    ``application.supplement``, ``terminal.revoke``…), ``target`` what it was done to (an
    application id, a terminal id), ``detail`` free text without personal data.

    Synchronous (it writes): from an async page call it through ``run_in_threadpool``.
    """
    account = users.Account(user.user_id, user.name, user.role, user.region)
    users.write_audit(db, account, action, target, detail, user.region)
