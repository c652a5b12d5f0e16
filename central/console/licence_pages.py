"""``/console/licence-lookups``: the e-licence lookup log (电子证照调取记录, issue 13 item 2).

Why a page: a using unit's every lookup of a person's licences must be reviewable by the
people answerable for it. Clerks and admins see the lookups made by terminals in their
region (the region-prefix rule of :func:`central.console.auth.in_scope`, applied in
:meth:`central.licences.LicenceLibrary.lookups`); the holder is masked, and opening the page
is audited like any other view of personal data.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from central.console.auth import audit, require_user
from central.console.web import render
from central.db import CentralDB
from central.licences import LicenceLibrary

ROLES = ("clerk", "admin")


def routes(db: CentralDB) -> list[Route]:
    library = LicenceLibrary(db)

    async def lookups(request: Request) -> Response:
        user = await require_user(request, *ROLES)
        rows = await run_in_threadpool(library.lookups, region_prefix=user.region)
        await run_in_threadpool(
            audit, db, user, "licence_lookups.view", user.region or "*", f"{len(rows)} rows"
        )
        return render(request, "licence_lookups.html", lookups=rows)

    return [Route("/licence-lookups", lookups, methods=["GET"])]
