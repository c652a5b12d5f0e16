"""Sign-in and sign-out pages (the login contract: inputs ``username`` and ``password``)."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from central.console import users
from central.console.auth import (
    SESSION_COOKIE,
    ConsoleUser,
    audit,
    check_csrf,
    clear_session_cookie,
    current_user,
    set_session_cookie,
)
from central.console.web import render
from central.db import CentralDB

log = logging.getLogger(__name__)

WRONG_PASSWORD = "用户名或密码错误"  # noqa: S105  # the message, not a password
LOCKED = "登录失败次数过多，账号已锁定，请 15 分钟后再试"


def landing(user: ConsoleUser) -> str:
    """Where a user lands after sign-in when no page was asked for."""
    return "/console/applications" if user.role == "clerk" else "/console/terminals"


def _safe_next(target: str) -> str | None:
    """Only a console path: never another site (open redirect) nor a scheme-relative URL."""
    if target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def routes(db: CentralDB) -> list[Route]:
    async def login_page(request: Request) -> Response:
        user = await current_user(request)
        if user is not None:
            return RedirectResponse(landing(user), 303)
        return render(request, "login.html", next=request.query_params.get("next", ""), error="")

    async def login_submit(request: Request) -> Response:
        form = await request.form()
        await check_csrf(request, form)
        name = str(form.get("username", ""))
        password = str(form.get("password", ""))
        target = str(form.get("next", ""))
        result = await run_in_threadpool(users.login, db, name, password)
        if result.account is None:
            log.warning("console sign-in refused (%s)", "locked" if result.locked else "wrong")
            return render(
                request,
                "login.html",
                423 if result.locked else 401,
                next=target,
                error=LOCKED if result.locked else WRONG_PASSWORD,
            )
        account = result.account
        token, csrf = await run_in_threadpool(users.open_session, db, account)
        user = ConsoleUser(account.user_id, account.name, account.role, account.region)
        await run_in_threadpool(audit, db, user, "console.login", user.user_id)
        response = RedirectResponse(_safe_next(target) or landing(user), 303)
        set_session_cookie(request, response, token)
        del csrf
        return response

    async def logout(request: Request) -> Response:
        form = await request.form()
        await check_csrf(request, form)
        user = await current_user(request)
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await run_in_threadpool(users.close_session, db, token)
        if user is not None:
            await run_in_threadpool(audit, db, user, "console.logout", user.user_id)
        response = RedirectResponse("/console/login", 303)
        clear_session_cookie(response)
        return response

    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]
