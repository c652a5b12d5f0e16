"""Rendering console pages: one Jinja2 environment, the shared context, safe headers.

Every page goes through :func:`render` so each gets the same things: the signed-in user,
the CSRF token for its forms, the nav, ``Cache-Control: no-store`` (pages may carry
personal data; a shared office PC must not keep them), and a Content-Security-Policy that
allows only the console's own scripts (no CDN, nothing inline).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from central.console.auth import ROLE_LABELS, csrf_token, set_pre_login_cookie

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def china_time(ts: float | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC timestamp as Beijing time (pitfall 9: one zone, named on the page)."""
    if ts is None:
        return "—"
    return dt.datetime.fromtimestamp(float(ts), CHINA).strftime(fmt)


def relative_age(seconds: float | None) -> str:
    """ "3 分钟前" style: what a technician scans for; the absolute time goes in a title."""
    if seconds is None:
        return "从未"
    s = max(0.0, float(seconds))
    if s < 60:
        return "刚刚"
    if s < 3600:
        return f"{int(s // 60)} 分钟前"
    if s < 86400:
        return f"{int(s // 3600)} 小时前"
    return f"{int(s // 86400)} 天前"


def duration(seconds: float | None) -> str:
    """An age without "前": 2 小时 15 分 (for the oldest unsent item)."""
    if seconds is None:
        return "—"
    s = int(max(0.0, float(seconds)))
    if s < 60:
        return f"{s} 秒"
    if s < 3600:
        return f"{s // 60} 分"
    if s < 86400:
        return f"{s // 3600} 小时 {s % 3600 // 60} 分"
    return f"{s // 86400} 天 {s % 86400 // 3600} 小时"


def size_text(n: int | None) -> str:
    if n is None:
        return "—"
    gib = n / 1024**3
    return f"{gib:.1f} GB" if gib >= 1 else f"{n / 1024**2:.0f} MB"


_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(("html", "svg")),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["china_time"] = china_time
_env.filters["relative_age"] = relative_age
_env.filters["duration"] = duration
_env.filters["size"] = size_text


def environment() -> Environment:
    """The console's Jinja2 environment (clerk pages add templates to the same folder)."""
    return _env


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the user, CSRF token and nav; call after ``require_user``."""
    user = getattr(request.state, "console_user", None)
    token = csrf_token(request)
    html = _env.get_template(template).render(
        request=request,
        user=user,
        role_label=ROLE_LABELS.get(user.role, user.role) if user else "",
        csrf_token=token,
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    if user is None:
        set_pre_login_cookie(request, response)
    return response
