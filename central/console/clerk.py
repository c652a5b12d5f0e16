"""Clerk pages: applications and their decisions, 好差评 follow-up, request (诉求) triage.

Every rule lives in :mod:`central.decisions` (the function ``kiosk central set-status``
calls too); these handlers only read the form, call it with the user's region as scope,
audit, and render. Personal data is decrypted only on an application's own page, and each
such view is audited (``application.view``, ``application.attachment``). Lists show numbers,
items, stations and masked contacts only.

Nothing changes on GET; every POST checks the CSRF token first. An item outside the user's
region answers 404 exactly like an item that does not exist (no probing by link).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from central import decisions as dec
from central.console.auth import ConsoleUser, audit, check_csrf, require_user
from central.console.web import render
from central.db import CentralDB, CentralError
from kiosk.identity import mask_name, mask_phone
from sync.protocol import PlatformStatus

CLERK_ROLES = ("clerk", "admin")
REOPEN_ROLES = ("admin",)
"""A final decision is reopened by a supervisor (管理员), never by the clerk who made it."""

_ACTIONS = {
    PlatformStatus.ACCEPTED: "application.accept",
    PlatformStatus.IN_PROGRESS: "application.in_progress",
    PlatformStatus.NEEDS_SUPPLEMENT: "application.supplement",
    PlatformStatus.COMPLETED: "application.complete",
    PlatformStatus.REJECTED: "application.reject",
}
"""Audit verbs of decisions (the category is the prefix, pitfall 10)."""


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _item(db: CentralDB, code: str) -> dict[str, Any]:
    rows = db.query("SELECT item FROM catalogue WHERE code = ?", (code,))
    return json.loads(rows[0][0]) if rows else {}


def routes(db: CentralDB) -> list[Route]:  # noqa: PLR0915 - one closure per page
    """The clerk's routes, relative to ``/console``."""

    async def applications(request: Request) -> Response:
        user = await require_user(request, *CLERK_ROLES)
        q = request.query_params
        flt = dec.ListFilter(
            state=q.get("state", "") if q.get("state", "") in dec.STATE_LABELS else "",
            service_code=q.get("item", ""),
            terminal_id=q.get("station", ""),
            date_from=_date(q.get("from", "")),
            date_to=_date(q.get("to", "")),
            clock=q.get("clock", "") if q.get("clock", "") in ("overdue", "due") else "",
        )
        rows = await run_in_threadpool(dec.list_applications, db, user.region, flt)
        names = await run_in_threadpool(dec.service_names, db)
        stations = await run_in_threadpool(dec.stations, db, user.region)
        return render(
            request,
            "clerk_applications.html",
            rows=rows,
            flt=flt,
            states=dec.STATE_LABELS,
            items=sorted(names.items()),
            stations=stations,
            local_time=dec.local_time,
            refreshed=dec.local_time(db._clock()),
        )

    async def _detail_page(
        request: Request,
        user: ConsoleUser,
        app_id: str,
        *,
        error: str = "",
        done: str = "",
        status_code: int = 200,
        typed: dict[str, str] | None = None,
    ) -> Response:
        try:
            view = await run_in_threadpool(dec.application, db, app_id, user.region)
        except dec.NotInScopeError:
            raise HTTPException(404) from None
        await run_in_threadpool(
            audit, db, user, "application.view", view.id, f"number={view.number}"
        )
        item = await run_in_threadpool(_item, db, view.service_code)
        labels = {
            str(f.get("key")): str(f.get("label", f.get("key"))) for f in item.get("form", [])
        }
        materials = [str(m.get("name")) for m in item.get("materials", []) if m.get("name")]
        applicant = view.payload.get("applicant", {})
        return render(
            request,
            "clerk_application.html",
            status_code=status_code,
            app=view,
            applicant=applicant,
            form_rows=[(labels.get(k, k), v) for k, v in view.payload.get("form", {}).items()],
            materials=materials,
            material_states=view.payload.get("materials") or [],
            received=await run_in_threadpool(dec.received_materials, db, view.id),
            commitment=view.payload.get("commitment"),
            channel={"self_service": "自助", "assisted": "代办", "paper": "纸质录入"}.get(
                str(view.payload.get("channel")), str(view.payload.get("channel"))
            ),
            states=dec.STATE_LABELS,
            appeal_default=dec.DEFAULT_APPEAL_RIGHTS,
            local_time=dec.local_time,
            error=error,
            done=done,
            typed=typed or {},
            can_reopen=user.role in REOPEN_ROLES,
        )

    async def attachment(request: Request) -> Response:
        user = await require_user(request, *CLERK_ROLES)
        app_id, sha = request.path_params["app_id"], request.path_params["sha256"]
        found = await run_in_threadpool(dec.attachment, db, app_id, sha, user.region)
        if found is None:
            raise HTTPException(404)
        await run_in_threadpool(audit, db, user, "application.attachment", app_id, f"sha256={sha}")
        data, media_type = found
        if not media_type.startswith("image/"):
            media_type = "application/octet-stream"
        return Response(
            data,
            media_type=media_type,
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )

    async def decide(request: Request) -> Response:
        user = await require_user(request, *CLERK_ROLES)
        form = await request.form()
        await check_csrf(request, form)
        app_id = request.path_params["app_id"]
        try:
            state = PlatformStatus(_text(form, "state"))
        except ValueError:
            return await _detail_page(
                request, user, app_id, error="请选择一个决定", status_code=400
            )
        missing = [m for m in form.getlist("missing") if isinstance(m, str) and m.strip()]
        missing += [
            line.strip() for line in _text(form, "missing_other").splitlines() if line.strip()
        ]
        reason = _text(form, "reason")
        notice = _text(form, "result_notice")
        appeal = _text(form, "appeal")
        try:
            done = await run_in_threadpool(
                lambda: dec.decide(
                    db,
                    app_id,
                    state,
                    reason,
                    notice,
                    missing,
                    f"{user.name}（{user.user_id}）",
                    appeal=appeal,
                    scope=user.region,
                )
            )
        except dec.NotInScopeError:
            raise HTTPException(404) from None
        except CentralError as exc:
            typed = {
                "state": state.value,
                "reason": reason,
                "result_notice": notice,
                "appeal": appeal,
                "missing_other": _text(form, "missing_other"),
            }
            return await _detail_page(
                request, user, app_id, error=str(exc), status_code=400, typed=typed
            )
        detail = f"number={done.number} {done.from_state}->{done.to_state}"
        await run_in_threadpool(audit, db, user, _ACTIONS[state], done.application_id, detail)
        return RedirectResponse(
            f"/console/applications/{done.application_id}?done={state.value}", 303
        )

    async def reopen(request: Request) -> Response:
        user = await require_user(request, *REOPEN_ROLES)
        form = await request.form()
        await check_csrf(request, form)
        app_id = request.path_params["app_id"]
        try:
            back = await run_in_threadpool(
                lambda: dec.reopen(
                    db,
                    app_id,
                    _text(form, "reason"),
                    f"{user.name}（{user.user_id}）",
                    scope=user.region,
                )
            )
        except dec.NotInScopeError:
            raise HTTPException(404) from None
        except CentralError as exc:
            return await _detail_page(request, user, app_id, error=str(exc), status_code=400)
        await run_in_threadpool(audit, db, user, "application.reopen", app_id, f"to={back}")
        return RedirectResponse(f"/console/applications/{app_id}?done=reopened", 303)

    async def material_received(request: Request) -> Response:
        """A promised material handed in at the counter (issue 13 item 3): one button each."""
        user = await require_user(request, *CLERK_ROLES)
        form = await request.form()
        await check_csrf(request, form)
        app_id = request.path_params["app_id"]
        material = _text(form, "material")
        try:
            day = await run_in_threadpool(
                dec.mark_material_received,
                db,
                app_id,
                material,
                f"{user.name}（{user.user_id}）",
                user.region,
            )
        except dec.NotInScopeError:
            raise HTTPException(404) from None
        except CentralError as exc:
            return await _detail_page(request, user, app_id, error=str(exc), status_code=400)
        await run_in_threadpool(
            audit,
            db,
            user,
            "application.material_received",
            app_id,
            f"material={material} on={day}",
        )
        return RedirectResponse(f"/console/applications/{app_id}?done=material", 303)

    async def application(request: Request) -> Response:
        """One application; ``?done=STATE`` after a decision (post/redirect/get) confirms it."""
        user = await require_user(request, *CLERK_ROLES)
        return await _detail_page(
            request, user, request.path_params["app_id"], done=request.query_params.get("done", "")
        )

    async def ratings(request: Request) -> Response:
        user = await require_user(request, *CLERK_ROLES)
        by_item, by_station, unsatisfied = await run_in_threadpool(
            dec.rating_summaries, db, user.region
        )
        return render(
            request,
            "clerk_ratings.html",
            by_item=by_item,
            by_station=by_station,
            unsatisfied=unsatisfied,
            local_time=dec.local_time,
            error=request.query_params.get("error", ""),
        )

    async def rating_handled(request: Request) -> Response:
        user = await require_user(request, *CLERK_ROLES)
        form = await request.form()
        await check_csrf(request, form)
        rating_id = request.path_params["rating_id"]
        try:
            await run_in_threadpool(
                dec.mark_rating_handled,
                db,
                rating_id,
                _text(form, "note"),
                f"{user.name}（{user.user_id}）",
                user.region,
            )
        except dec.NotInScopeError:
            raise HTTPException(404) from None
        except CentralError as exc:
            by_item, by_station, unsatisfied = await run_in_threadpool(
                dec.rating_summaries, db, user.region
            )
            return render(
                request,
                "clerk_ratings.html",
                status_code=400,
                by_item=by_item,
                by_station=by_station,
                unsatisfied=unsatisfied,
                local_time=dec.local_time,
                error=str(exc),
            )
        await run_in_threadpool(audit, db, user, "rating.handled", rating_id)
        return RedirectResponse("/console/ratings", 303)

    async def requests_page(request: Request) -> Response:
        user = await require_user(request, *CLERK_ROLES)
        state = request.query_params.get("state", "")
        state = state if state in dec.REQUEST_STATES else ""
        rows = await run_in_threadpool(dec.requests, db, user.region, state)
        return render(
            request,
            "clerk_requests.html",
            rows=rows,
            state=state,
            states=dec.REQUEST_STATES,
            mask_name=mask_name,
            mask_phone=mask_phone,
            local_time=dec.local_time,
            error=request.query_params.get("error", ""),
        )

    async def triage(request: Request) -> Response:
        user = await require_user(request, *CLERK_ROLES)
        form = await request.form()
        await check_csrf(request, form)
        request_id = request.path_params["request_id"]
        action = _text(form, "action")
        try:
            state = await run_in_threadpool(
                lambda: dec.triage_request(
                    db,
                    request_id,
                    action,
                    f"{user.name}（{user.user_id}）",
                    user.region,
                    assignee=_text(form, "assignee"),
                    reply=_text(form, "reply"),
                )
            )
        except dec.NotInScopeError:
            raise HTTPException(404) from None
        except CentralError as exc:
            rows = await run_in_threadpool(dec.requests, db, user.region, "")
            return render(
                request,
                "clerk_requests.html",
                status_code=400,
                rows=rows,
                state="",
                states=dec.REQUEST_STATES,
                mask_name=mask_name,
                mask_phone=mask_phone,
                local_time=dec.local_time,
                error=str(exc),
            )
        await run_in_threadpool(audit, db, user, f"request.{action}", request_id, f"state={state}")
        return RedirectResponse("/console/requests", 303)

    return [
        Route("/applications", applications, methods=["GET"]),
        Route("/applications/{app_id:str}", application, methods=["GET"]),
        Route("/applications/{app_id:str}/decide", decide, methods=["POST"]),
        Route("/applications/{app_id:str}/reopen", reopen, methods=["POST"]),
        Route(
            "/applications/{app_id:str}/materials/received",
            material_received,
            methods=["POST"],
        ),
        Route("/applications/{app_id:str}/attachments/{sha256:str}", attachment, methods=["GET"]),
        Route("/ratings", ratings, methods=["GET"]),
        Route("/ratings/{rating_id:str}/handled", rating_handled, methods=["POST"]),
        Route("/requests", requests_page, methods=["GET"]),
        Route("/requests/{request_id:str}", triage, methods=["POST"]),
    ]


__all__ = ["CLERK_ROLES", "routes"]
