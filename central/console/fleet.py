"""Technician pages: the fleet list (alerts on top, worst first) and one terminal's page.

Scope is applied to every row before anything else (a region user never sees, counts or is
alerted about another region's terminals) and again on the terminal page, which a link can
reach directly. Nothing changes on GET; revoking and issuing a replacement code are POST
forms with the CSRF token, and both are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from central.console import users
from central.console.auth import ConsoleUser, audit, check_csrf, in_scope, require_user
from central.console.chart import history_svg
from central.console.health import (
    ACTION_WORDS,
    CAMERA_WORDS,
    PRINTER_WORDS,
    READER_WORDS,
    Health,
    Severity,
    assess,
    event_text,
    newest_version,
)
from central.console.web import render
from central.db import CentralDB, CentralError

TECH_ROLES = ("technician", "admin")
REPLACEMENT_CODE_HOURS = 24.0
"""A replacement terminal's enrolment code expires after a day (pitfall 7: short-lived)."""

STATE_FILTERS = {
    "": "全部",
    "critical": "故障",
    "warning": "注意",
    "ok": "正常",
    "offline": "离线或失联",
    "revoked": "已停用",
}


@dataclass
class FleetRow:
    """One terminal as the list shows it."""

    row: dict[str, Any]
    health: Health

    @property
    def severity(self) -> Severity:
        return self.health.severity

    def device_words(self) -> list[tuple[str, str, str]]:
        """(device, word, css) for the device column."""
        out: list[tuple[str, str, str]] = []
        for key, label, words, good in (
            ("printer", "打印机", PRINTER_WORDS, {"ready"}),
            ("card_reader", "读卡器", READER_WORDS, {"no_card", "reading", "card_present"}),
            ("camera", "高拍仪", CAMERA_WORDS, {"ready", "no_image"}),
        ):
            value = str(self.row.get(key) or "")
            if not value:
                continue
            css = (
                "ok" if value in good else ("warning" if value == "paper_near_end" else "critical")
            )
            if self.health.state not in ("online", "late"):
                css = "muted"
            out.append((label, words.get(value, value), css))
        return out


def _scoped(db: CentralDB, user: ConsoleUser, now: float) -> list[FleetRow]:
    rows = [r for r in db.fleet() if in_scope(user, str(r["region_code"]))]
    newest = newest_version(rows)
    return [FleetRow(r, assess(r, now, newest)) for r in rows]


def _sort_key(item: FleetRow) -> tuple[int, int, float, str]:
    revoked = 1 if item.health.state == "revoked" else 0
    age = item.health.age_s if item.health.age_s is not None else 1e12
    return (revoked, -int(item.severity), -age, str(item.row["terminal_code"]))


def _matches(item: FleetRow, q: str, region: str, state: str, rule: str) -> bool:
    row = item.row
    checks = [
        not q or q in str(row["station_name"]) or q in str(row["terminal_code"]),
        not region or str(row["region_code"]).startswith(region),
        not rule or rule in {a.rule for a in item.health.alerts},
    ]
    revoked = item.health.state == "revoked"
    if state == "revoked":
        checks.append(revoked)
    elif state == "offline":
        checks.append(item.health.state in ("offline", "missing"))
    elif state in ("critical", "warning", "ok"):
        checks.append(not revoked and item.severity.css == state)
    return all(checks)


def _terminal_in_scope(db: CentralDB, user: ConsoleUser, terminal_id: str, now: float) -> FleetRow:
    """The terminal a link names, if the user may see it; else 404.

    Another region's terminal answers exactly like one that does not exist (as the clerk
    pages do), so a link or a guessed id tells nothing about another region.
    """
    items = [r for r in db.fleet() if r["terminal_id"] == terminal_id]
    if not items or not in_scope(user, str(items[0]["region_code"])):
        raise HTTPException(404)
    row = items[0]
    scoped = [r for r in db.fleet() if in_scope(user, str(r["region_code"]))]
    return FleetRow(row, assess(row, now, newest_version(scoped)))


def routes(db: CentralDB) -> list[Route]:
    async def terminals(request: Request) -> Response:
        user = await require_user(request, *TECH_ROLES)
        now = db.now()
        items = sorted(await run_in_threadpool(_scoped, db, user, now), key=_sort_key)
        params = request.query_params
        q = params.get("q", "").strip()
        region = params.get("region", "").strip()
        state = params.get("state", "")
        rule = params.get("rule", "")
        shown = [i for i in items if _matches(i, q, region, state, rule)]
        live = [i for i in items if i.health.state != "revoked"]
        tiles = {
            "全部终端": len(live),
            "故障": sum(1 for i in live if i.severity is Severity.CRITICAL),
            "注意": sum(1 for i in live if i.severity is Severity.WARNING),
            "离线或失联": sum(1 for i in live if i.health.state in ("offline", "missing")),
            "已停用": len(items) - len(live),
        }
        # one line per terminal, its worst alert first: forty terminals must fit a screen
        alerts = [i for i in live if i.health.alerts]
        alerts.sort(key=lambda i: (-int(i.severity), str(i.row["terminal_code"])))
        return render(
            request,
            "terminals.html",
            items=shown,
            alerts=alerts,
            alert_count=sum(len(i.health.alerts) for i in alerts),
            tiles=tiles,
            now=now,
            filters={"q": q, "region": region, "state": state, "rule": rule},
            state_filters=STATE_FILTERS,
        )

    async def terminal(request: Request) -> Response:
        user = await require_user(request, *TECH_ROLES)
        terminal_id = request.path_params["terminal_id"]
        now = db.now()
        item = await run_in_threadpool(_terminal_in_scope, db, user, terminal_id, now)
        hours = await run_in_threadpool(db.heartbeat_hours, terminal_id, now - 7 * 86400)
        events = await run_in_threadpool(db.terminal_events, terminal_id)
        feed = await run_in_threadpool(users.audit_rows, db, terminal_id, 50)
        return render(
            request,
            "terminal.html",
            item=item,
            now=now,
            chart=history_svg(hours, now),
            events=[(e["at"], event_text(e["field"], e["old"], e["new"])) for e in events],
            feed=[
                (
                    a["at"],
                    a["actor_name"],
                    ACTION_WORDS.get(str(a["action"]), a["action"]),
                    a["detail"],
                )
                for a in feed
            ],
            flash=request.query_params.get("done", ""),
        )

    async def revoke(request: Request) -> Response:
        user = await require_user(request, *TECH_ROLES)
        form = await request.form()
        await check_csrf(request, form)
        terminal_id = request.path_params["terminal_id"]
        await run_in_threadpool(_terminal_in_scope, db, user, terminal_id, db.now())
        reason = str(form.get("reason", "")).strip()[:200]
        if not reason:
            raise HTTPException(400, detail="请填写停用原因")
        try:
            await run_in_threadpool(db.revoke, terminal_id)
        except CentralError as exc:
            raise HTTPException(404) from exc
        await run_in_threadpool(audit, db, user, "terminal.revoke", terminal_id, reason)
        return RedirectResponse(f"/console/terminals/{terminal_id}?done=revoked", 303)

    async def enrol_code(request: Request) -> Response:
        user = await require_user(request, *TECH_ROLES)
        form = await request.form()
        await check_csrf(request, form)
        terminal_id = request.path_params["terminal_id"]
        item = await run_in_threadpool(_terminal_in_scope, db, user, terminal_id, db.now())
        region = str(item.row["region_code"])
        code = await run_in_threadpool(db.new_enrol_code, region, REPLACEMENT_CODE_HOURS)
        await run_in_threadpool(
            audit, db, user, "terminal.enrol_code", terminal_id, f"replacement, region {region}"
        )
        # shown once, on the answer to this POST: never in a URL, a cookie or the log
        return render(
            request, "enrol_code.html", item=item, code=code, hours=int(REPLACEMENT_CODE_HOURS)
        )

    return [
        Route("/terminals", terminals, methods=["GET"]),
        Route("/terminals/{terminal_id}", terminal, methods=["GET"]),
        Route("/terminals/{terminal_id}/revoke", revoke, methods=["POST"]),
        Route("/terminals/{terminal_id}/enrol-code", enrol_code, methods=["POST"]),
    ]
