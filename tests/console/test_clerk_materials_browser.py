"""A clerk marks a promised material received with its button, in a real headless Chromium
(issue 13 item 3): the page says so, the button is gone for that material, and a status
event carrying ``materials_received`` waits for the terminal (the kiosk side of the flow is
tests/sync/test_clerk_feedback_reaches_kiosk.py). A POST without the CSRF token is refused."""

from __future__ import annotations

import re
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from sync.protocol import ItemKind, MaterialState
from tests.console.consolehelpers import Console, login
from tests.console.navigation import click_to_new_page
from tests.sync.synchelpers import make_application

HUKOU = "居民户口簿"


def _promised_application(console: Console) -> str:
    terminal = console.enrol("龙井村便民服务站")
    base = make_application(service_code="MZ-GL-001", n=3, code=terminal.terminal_code)
    item = base.model_copy(
        update={
            "materials": [
                MaterialState(name="身份证", status="submitted", trust="C"),
                MaterialState(name=HUKOU, status="promised", trust="D", due_on="2026-12-17"),
            ]
        }
    )
    console.db.store_item(terminal.terminal_id, ItemKind.APPLICATION, item)
    return item.id


def test_a_clerk_marks_a_promised_material_received_with_its_button(
    console: Console, browser: Any
) -> None:
    app_id = _promised_application(console)
    login(browser, console, "clerk")  # clicks 登录 without waiting for the next page:
    WebDriverWait(browser, 30, poll_frequency=0.05).until(
        lambda d: "/console/login" not in d.current_url, "the page after signing in"
    )
    browser.get(f"{console.url}/console/applications/{app_id}")
    buttons = browser.find_elements(By.CSS_SELECTOR, "form.material-received button")
    assert len(buttons) == 1  # one per outstanding promised material, none for the others
    click_to_new_page(browser, buttons[0].click, "the application after 已收到")
    assert "已记录收到承诺补交的材料" in browser.find_element(By.ID, "done").text
    assert not browser.find_elements(By.CSS_SELECTOR, "form.material-received button")
    assert "已收到" in browser.find_element(By.ID, "materials").text
    (event,) = console.db.query(
        "SELECT materials_received, actor FROM status_events WHERE application_id = ?", (app_id,)
    )
    assert HUKOU in event[0] and event[1].startswith("clerk")
    actions = [r[0] for r in console.db.query("SELECT action FROM audit_log")]
    assert "application.material_received" in actions


def test_marking_a_material_received_without_the_csrf_token_is_refused(
    console: Console,
) -> None:
    app_id = _promised_application(console)
    http = console.http("clerk")
    try:
        page = http.get(f"/console/applications/{app_id}")
        assert page.status_code == 200 and "material-received" in page.text
        refused = http.post(
            f"/console/applications/{app_id}/materials/received", data={"material": HUKOU}
        )
        assert refused.status_code in (400, 403)
        assert console.db.query("SELECT * FROM material_receipts") == []
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        done = http.post(
            f"/console/applications/{app_id}/materials/received",
            data={"material": HUKOU, "csrf_token": token[1]},
        )
        assert done.status_code == 303
        assert len(console.db.query("SELECT * FROM material_receipts")) == 1
    finally:
        http.close()
