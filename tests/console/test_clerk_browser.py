"""The clerk's pages in a real headless Chromium against the real ``kiosk central serve``,
with a real provisioned kiosk that syncs (``kiosk sync --once``) and prints on the printer
simulator: a decision made in the browser is what the resident's terminal shows and prints.

Set ``KIOSK_SCREENSHOTS=1`` to refresh ``docs/screenshots/console/clerk_*.png`` (1366×768).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from central.db import CentralDB
from devices.printers.simulator.server import PrinterSimulator
from sync.protocol import ApplicationUpload, AttachmentRef, ItemKind
from tests.console.navigation import click_to_new_page
from tests.faults.faulthelpers import (
    ProvisionedTerminal,
    ServedPlatform,
    file_applications,
    kiosk,
    provision,
    serve_platform,
)
from tests.sync.synchelpers import make_application, make_rating, make_request

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "screenshots" / "console"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PASSWORD = "clerk-pass-2026"

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="Debian's chromium and chromium-driver are installed by scripts/test",
)


@dataclass
class ClerkWorld:
    """A served platform with console users, a provisioned kiosk (region 330102001, filed one
    application and synced), a second terminal in the same county and one in another."""

    platform: ServedPlatform
    terminal: ProvisionedTerminal
    number: str
    photo_app_id: str
    foreign_app_id: str
    rating_id: str
    request_id: str


def _user(db: Path, name: str, role: str, region: str) -> None:
    result = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "python"),
            "-m",
            "app.cli",
            "central",
            "user",
            "add",
            "--db",
            str(db),
            "--name",
            name,
            "--role",
            role,
            "--region",
            region,
        ],
        input=PASSWORD + "\n",
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _png() -> bytes:
    image = Image.new("RGB", (240, 160), (250, 250, 250))
    for x in range(20, 220):
        for y in (40, 80, 120):
            image.putpixel((x, y), (30, 60, 120))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _seed(db_path: Path) -> tuple[str, str, str]:
    """Another station of the county with a photographed application, a 不满意 rating and a
    request; and a station of another county. Written before the server starts."""
    db = CentralDB(db_path)
    try:
        db.seed_catalogue_if_empty()
        near = db.enrol(
            db.new_enrol_code("330102002"), "330102002", "西湖村便民服务站", "1", "s" * 32
        )
        far = db.enrol(db.new_enrol_code("330106002"), "330106002", "外县服务站", "1", "t" * 32)
        assert near is not None and far is not None
        photo = _png()
        base = make_application(service_code="MZ-DB-001", n=7, code=near.terminal_code)
        item = ApplicationUpload.model_validate(
            base.model_dump()
            | {
                "attachments": [
                    AttachmentRef(
                        sha256=hashlib.sha256(photo).hexdigest(),
                        field_key="hukou_photo",
                        filename="户口簿.png",
                        mime_type="image/png",
                        size=len(photo),
                    ).model_dump()
                ]
            }
        )
        db.store_item(near.terminal_id, ItemKind.APPLICATION, item)
        db.append_chunk(near.terminal_id, hashlib.sha256(photo).hexdigest(), 0, photo)
        other = make_application(n=9, code=far.terminal_code)
        db.store_item(far.terminal_id, ItemKind.APPLICATION, other)
        rating = make_rating(1).model_copy(
            update={"level": 2, "reason": "排队太久", "application_number": item.number}
        )
        db.store_item(near.terminal_id, ItemKind.RATING, rating)
        request = make_request(3).model_copy(update={"kind": "help", "content": "村口路灯坏了"})
        db.store_item(near.terminal_id, ItemKind.REQUEST, request)
        return item.id, other.id, rating.id + "|" + request.id
    finally:
        db.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ClerkWorld]:
    db_path = tmp_path / "central.sqlite3"
    photo_id, foreign_id, ids = _seed(db_path)
    rating_id, request_id = ids.split("|")
    _user(db_path, "wang", "clerk", "330102")
    _user(db_path, "li", "admin", "")
    with serve_platform(db_path) as platform:
        terminal = provision(platform, tmp_path / "home")
        (app_id,) = file_applications(terminal.home, 1)
        synced = kiosk("sync", "--once", home=terminal.home)
        assert synced.returncode == 0, synced.stderr
        queue = json.loads(kiosk("queue", "--json", home=terminal.home).stdout)
        assert queue[0]["state"] == "done", queue
        yield ClerkWorld(
            platform,
            terminal,
            queue[0]["number"],
            photo_id,
            foreign_id,
            rating_id,
            request_id,
        )
        del app_id


@pytest.fixture
def chrome(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    # selenium logs every page source at DEBUG, and a case page holds personal data: keep the
    # driver's chatter out of the session's kiosk log (tests/conftest.py scans it).
    for name in ("selenium", "urllib3"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.WARNING)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1366,768",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _login(driver: WebDriver, url: str, name: str) -> None:
    driver.get(url + "/console/login")
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    button = driver.find_element(By.CSS_SELECTOR, "form button[type=submit]")
    click_to_new_page(driver, button.click, "the page after signing in")
    assert "/console/login" not in driver.current_url, driver.current_url


def _open(driver: WebDriver, url: str, number: str) -> None:
    driver.get(url + "/console/applications")
    link = driver.find_element(By.LINK_TEXT, number)
    click_to_new_page(driver, link.click, f"application {number}")
    assert driver.find_elements(By.ID, "applicant")


def _submit(driver: WebDriver, form_id: str) -> None:
    """Submit a decision form and return on the page that answers it (a new document: the
    redirect after a decision, or the refusal), never on the page the form was on."""
    button = driver.find_element(By.CSS_SELECTOR, f"form#{form_id} button[type=submit]")
    click_to_new_page(driver, button.click, f"the answer to form {form_id}")
    assert driver.find_elements(By.ID, "done") or driver.find_elements(By.ID, "error")


def _post(driver: WebDriver, button: WebElement, element_id: str, text: str) -> None:
    """Submit a list page's inline form; the page it redirects to shows ``text``."""
    click_to_new_page(driver, button.click, f"{text} after a form post")
    assert text in driver.find_element(By.ID, element_id).text


def _state(driver: WebDriver) -> str:
    return str(driver.find_element(By.ID, "state").text)


def _queue_row(terminal: ProvisionedTerminal, number: str) -> dict[str, object]:
    synced = kiosk("sync", "--once", home=terminal.home)
    assert synced.returncode == 0, synced.stderr
    rows = json.loads(kiosk("queue", "--json", home=terminal.home).stdout)
    return next(r for r in rows if r["number"] == number)


def _shot(driver: WebDriver, name: str) -> None:
    if os.environ.get("KIOSK_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / name))


def test_clerk_asks_for_a_supplement_then_completes_and_the_kiosk_prints_the_result(
    world: ClerkWorld, chrome: WebDriver, tmp_path: Path
) -> None:
    url = world.platform.url
    _login(chrome, url, "wang")
    chrome.get(url + "/console/applications?state=received")
    listed = chrome.find_element(By.ID, "applications").text
    assert world.number in listed and "受理答复期限" in listed
    assert "外县服务站" not in listed  # another county's case is not even listed
    _shot(chrome, "clerk_applications.png")

    _open(chrome, url, world.number)
    assert "王秀兰" in chrome.find_element(By.ID, "applicant").text  # decrypted on this page
    supplement = chrome.find_element(By.ID, "supplement")
    supplement.find_element(By.CSS_SELECTOR, "input[name=missing]").click()
    supplement.find_element(By.NAME, "missing_other").send_keys("村委会出具的居住证明")
    supplement.find_element(By.NAME, "reason").send_keys("缺少居住证明")
    _submit(chrome, "supplement")
    assert _state(chrome) == "待补正"
    assert "村委会出具的居住证明" in chrome.find_element(By.ID, "history").text

    row = _queue_row(world.terminal, world.number)
    assert row["state"] == "needs_supplement", row
    assert "缺少居住证明" in str(row["reason"]) and "村委会出具的居住证明" in str(row["reason"])

    # Materials handed in at the counter: accept, then complete with the result text.
    _submit(chrome, "accept")
    assert _state(chrome) == "已受理"
    chrome.find_element(By.CSS_SELECTOR, "form#complete textarea[name=result_notice]").send_keys(
        "经审核，准予参保登记。\n参保自次月起生效。"
    )
    _submit(chrome, "complete")
    assert _state(chrome) == "已办结"
    assert "结论已锁定" in chrome.page_source
    assert not chrome.find_elements(By.CSS_SELECTOR, "form#complete, form#reject")
    _shot(chrome, "clerk_application.png")

    row = _queue_row(world.terminal, world.number)
    assert row["state"] == "completed", row
    with PrinterSimulator(width_mm=80, jobs_dir=tmp_path) as sim:
        printed = kiosk(
            "print",
            "result",
            world.number,
            "--printer",
            f"escpos:{sim.port}",
            home=world.terminal.home,
        )
        assert printed.returncode == 0, printed.stderr
        (job,) = sim.wait_for_jobs(1, timeout=30)
    text = "".join(job.lines).replace(" ", "")
    assert "准予参保登记" in text and "参保自次月起生效" in text and world.number in text


def test_a_decision_without_a_required_reason_is_refused_by_the_server(
    world: ClerkWorld, chrome: WebDriver
) -> None:
    url = world.platform.url
    _login(chrome, url, "wang")
    _open(chrome, url, world.number)
    # The browser's own "required" check is lifted: the server must refuse on its own.
    chrome.execute_script(
        "document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))"
    )
    chrome.find_element(By.CSS_SELECTOR, "form#supplement input[name=missing]").click()
    _submit(chrome, "supplement")
    assert "补正须写明原因" in chrome.find_element(By.ID, "error").text
    assert _state(chrome) == "待受理"
    chrome.execute_script(
        "document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))"
    )
    chrome.find_element(By.CSS_SELECTOR, "form#reject textarea[name=appeal]").clear()
    chrome.find_element(By.CSS_SELECTOR, "form#reject textarea[name=reason]").send_keys("不属本县")
    _submit(chrome, "reject")
    assert "行政复议" in chrome.find_element(By.ID, "error").text
    assert _state(chrome) == "待受理"
    assert _queue_row(world.terminal, world.number)["state"] == "done"  # nothing went down


def test_a_region_scoped_clerk_cannot_open_another_regions_application_by_link(
    world: ClerkWorld, chrome: WebDriver
) -> None:
    url = world.platform.url
    _login(chrome, url, "wang")
    for path in (
        f"/console/applications/{world.foreign_app_id}",
        f"/console/applications/{world.foreign_app_id}/attachments/{'0' * 64}",
    ):
        chrome.get(url + path)
        assert "不在您负责的区划内" in chrome.page_source
        assert "张三" not in chrome.page_source
    # The same county's other station is in scope, with its photo shown as an image.
    chrome.get(url + f"/console/applications/{world.photo_app_id}")
    image = chrome.find_element(By.CSS_SELECTOR, ".attachments img")
    WebDriverWait(chrome, 20).until(
        lambda d: d.execute_script("return arguments[0].naturalWidth", image) == 240
    )
    chrome.execute_script("arguments[0].scrollIntoView()", image)
    _shot(chrome, "clerk_application_decide.png")
    # The admin (all regions) opens the other county's application.
    chrome.delete_all_cookies()
    _login(chrome, url, "li")
    chrome.get(url + f"/console/applications/{world.foreign_app_id}")
    assert "外县服务站" in chrome.page_source


def test_unsatisfied_rating_marked_handled_and_a_request_answered(
    world: ClerkWorld, chrome: WebDriver
) -> None:
    url = world.platform.url
    _login(chrome, url, "wang")
    chrome.get(url + "/console/ratings")
    assert "排队太久" in chrome.find_element(By.ID, "unsatisfied").text
    assert "最低生活保障申请" in chrome.find_element(By.ID, "by-item").text
    form = chrome.find_element(
        By.CSS_SELECTOR, f"form[action$='/ratings/{world.rating_id}/handled']"
    )
    form.find_element(By.NAME, "note").send_keys("已电话回访，增开一个窗口")
    _post(chrome, form.find_element(By.CSS_SELECTOR, "button"), "unsatisfied", "已整改")
    _shot(chrome, "clerk_ratings.png")

    chrome.get(url + "/console/requests")
    row = chrome.find_element(By.ID, f"req-{world.request_id}")
    assert "村口路灯坏了" in row.text and "待处理" in row.text
    assert "李四" not in row.text  # the contact is masked in the list
    row.find_element(By.NAME, "assignee").send_keys("村委会")
    assign = row.find_element(By.CSS_SELECTOR, "form input[value=assign] ~ button")
    _post(chrome, assign, f"req-{world.request_id}", "已分派")
    row = chrome.find_element(By.ID, f"req-{world.request_id}")
    row.find_element(By.NAME, "reply").send_keys("已安排电工本周修复")
    reply = row.find_element(By.CSS_SELECTOR, "form input[value=reply] ~ button")
    _post(chrome, reply, f"req-{world.request_id}", "已答复")
    _shot(chrome, "clerk_requests.png")
