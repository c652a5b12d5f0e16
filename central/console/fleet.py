"""Technician pages: the fleet list (worst first, alerts on top) and one terminal's page."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from central.console.auth import require_user
from central.console.web import render
from central.db import CentralDB

TECH_ROLES = ("technician", "admin")


def routes(db: CentralDB) -> list[Route]:
    async def terminals(request: Request) -> Response:
        user = await require_user(request, *TECH_ROLES)
        rows = await run_in_threadpool(
            db.query,
            "SELECT terminal_id, terminal_code, station_name, region_code FROM terminals"
            " ORDER BY terminal_code",
        )
        visible = [r for r in rows if user.region == "" or str(r[3]).startswith(user.region)]
        return render(request, "terminals.html", terminals=visible)

    return [Route("/terminals", terminals, methods=["GET"])]
