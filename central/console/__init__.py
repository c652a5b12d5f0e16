"""The platform's web console (issue 12): technicians' fleet pages, clerks' case pages.

Server-rendered Jinja2 pages on the platform's Starlette app, mounted at ``/console`` by
:func:`central.server.create_app`; CSS and the little JS there is ship in ``static/`` (no
CDN, no build step). Access rules live in :mod:`central.console.auth`.

``console_routes(db)`` is the one list of console routes (paths relative to ``/console``);
each area adds its own: sign-in here, the fleet in ``fleet.py``, clerk pages in ``clerk.py``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from central.console import clerk, fleet, licence_pages, session_pages
from central.console.auth import current_user
from central.console.web import STATIC, render
from central.db import CentralDB

__all__ = ["console_app", "console_routes"]


async def _home(request: Request) -> Response:
    """``/console/``: each role's first page (technicians their fleet, clerks their cases)."""
    user = await current_user(request)
    if user is None:
        return RedirectResponse("/console/login", 303)
    return RedirectResponse(session_pages.landing(user), 303)


def console_routes(db: CentralDB) -> list[Route | Mount]:
    """Every console route, relative to ``/console``."""
    routes: list[Route | Mount] = [
        Route("/", _home, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
        *session_pages.routes(db),
        *fleet.routes(db),
        *clerk.routes(db),
        *licence_pages.routes(db),
    ]
    return routes


async def _http_error(request: Request, exc: Exception) -> Response:
    """Refusals as a Chinese page (403, 404), redirects (303) as they are."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (301, 302, 303, 307, 308):
        return Response(status_code=exc.status_code, headers=exc.headers)
    titles = {403: "无权访问", 404: "页面不存在", 405: "不支持的操作"}
    title = titles.get(exc.status_code, "请求无法处理")
    message = exc.detail if exc.detail and exc.status_code == 403 else title
    if exc.status_code == 404:
        message = "您要打开的页面不存在，或不在您负责的区划内。"
    await current_user(request)
    return render(request, "denied.html", exc.status_code, title=title, message=message)


def console_app(db: CentralDB) -> Starlette:
    """The console as an ASGI app for ``Mount("/console", app=console_app(db))``."""
    app = Starlette(
        routes=console_routes(db),
        exception_handlers={HTTPException: _http_error},
    )
    app.state.console_db = db
    return app
