"""The web console in a real headless Chromium (issue 12, "must show").

A real platform, real kiosks sending signed heartbeats through the sync engine, the real
printer simulator driven by ``kiosk sim printer``, and the pages as a browser renders them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from devices.printers.factory import open_printer
from devices.printers.protocol import Printer
from kiosk.paths import DataDir
from kiosk.settings import SyncSettings
from kiosk.usecases.enrolment import adopt_terminal_code
from sync.engine import EngineOptions, SyncEngine
from tests.console.consolehelpers import Console, EnrolledTerminal, login
from tests.sync.synchelpers import open_store

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def _wait(browser: Any, predicate: Any, what: str, timeout: float = 10) -> None:
    # While a page is being replaced Chromium may answer for a stale node with a plain
    # WebDriverException ("Node … does not belong to the document"): poll again.
    WebDriverWait(
        browser, timeout, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)
    ).until(predicate, message=f"timed out waiting for {what}")


def _csrf(page: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def _row(browser: Any, terminal_code: str) -> Any:
    rows = browser.find_elements(By.CSS_SELECTOR, f'#terminals tr[data-terminal="{terminal_code}"]')
    return rows[0] if rows else None


class Kiosk:
    """A kiosk's store, sync engine and receipt printer (the simulator, in this process)."""

    def __init__(self, console: Console, terminal: EnrolledTerminal, home: Path) -> None:
        self.home = DataDir(home).ensure()
        self.store = open_store(home)
        adopt_terminal_code(self.store, terminal.terminal_code)
        self.printer: Printer = open_printer("escpos:sim", run_dir=self.home.run)
        self.client = console.client(terminal)
        self.engine = SyncEngine(
            self.store,
            self.client,
            SyncSettings(),
            options=EngineOptions(heartbeat_s=0),  # a heartbeat every round
            device_health=lambda: {"printer": self.printer.status().value},
        )

    def sync(self) -> None:
        assert self.engine.run_round().ok

    def sim_printer(self, verb: str) -> None:
        """``kiosk sim printer VERB`` against this kiosk's running simulator."""
        env = {**os.environ, "KIOSK_HOME": str(self.home.root)}
        done = subprocess.run(
            [KIOSK, "sim", "printer", verb],
            check=False,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr

    def close(self) -> None:
        self.client.close()
        self.printer.close()
        self.store.close()


@pytest.fixture
def kiosk_for(console: Console, tmp_path: Path) -> Iterator[Any]:
    made: list[Kiosk] = []

    def make(terminal: EnrolledTerminal) -> Kiosk:
        kiosk = Kiosk(console, terminal, tmp_path / f"kiosk{len(made)}")
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()


def test_terminal_appears_after_first_heartbeat_and_turns_red_on_paper_out(
    console: Console, browser: Any, kiosk_for: Any
) -> None:
    login(browser, console, "tech")
    _wait(browser, lambda d: d.current_url.endswith("/console/terminals"), "the terminals page")
    station = "青山村便民服务站"
    assert station not in browser.find_element(By.ID, "terminals").text

    terminal = console.enrol(station)
    kiosk = kiosk_for(terminal)
    kiosk.sync()  # its first heartbeat: printer ready
    browser.refresh()
    _wait(browser, lambda d: _row(d, terminal.terminal_code) is not None, "the terminal's row")
    row = _row(browser, terminal.terminal_code)
    assert station in row.text and terminal.terminal_code in row.text
    assert row.get_attribute("data-severity") == "ok"
    assert "打印机正常" in row.text

    kiosk.sim_printer("paper-out")
    kiosk.sync()
    browser.refresh()
    _wait(
        browser,
        lambda d: _row(d, terminal.terminal_code).get_attribute("data-severity") == "critical",
        "the row to turn red",
    )
    row = _row(browser, terminal.terminal_code)
    assert "sev-critical" in row.get_attribute("class")
    assert "打印机缺纸" in row.text
    red = row.find_element(By.CSS_SELECTOR, "td").value_of_css_property("border-left-color")
    assert red in ("rgba(198, 40, 40, 1)", "rgb(198, 40, 40)")
    alerts = browser.find_element(By.ID, "alerts")
    assert "打印机缺纸" in alerts.text and station in alerts.text

    kiosk.sim_printer("paper-in")
    kiosk.sync()
    browser.refresh()
    _wait(
        browser,
        lambda d: _row(d, terminal.terminal_code).get_attribute("data-severity") == "ok",
        "the row to turn green again",
    )


def test_region_scoped_user_cannot_open_another_regions_terminal_by_link(
    console: Console, browser: Any, kiosk_for: Any
) -> None:
    mine = console.enrol("本区服务站", region="330102001000")
    theirs = console.enrol("外区服务站", region="330203001000")
    for terminal in (mine, theirs):
        kiosk_for(terminal).sync()
    login(browser, console, "tech-3301")
    _wait(browser, lambda d: d.current_url.endswith("/console/terminals"), "the terminals page")
    listed = browser.find_element(By.ID, "terminals").text
    assert mine.terminal_code in listed and theirs.terminal_code not in listed

    browser.get(f"{console.url}/console/terminals/{theirs.terminal_id}")
    _wait(browser, lambda d: "页面不存在" in d.find_element(By.TAG_NAME, "h1").text, "refusal")
    assert "不在您负责的区划内" in browser.find_element(By.TAG_NAME, "main").text
    assert theirs.station not in browser.page_source
    assert theirs.terminal_code not in browser.page_source
    with closing(console.http("tech-3301")) as http:
        assert http.get(f"/console/terminals/{theirs.terminal_id}").status_code == 404
        forged = http.post(  # nor act on it with a valid token
            f"/console/terminals/{theirs.terminal_id}/enrol-code",
            data={"csrf_token": _csrf(http.get("/console/terminals").text)},
        )
        assert forged.status_code == 404
        assert http.get(f"/console/terminals/{mine.terminal_id}").status_code == 200

    browser.get(f"{console.url}/console/terminals/{mine.terminal_id}")
    _wait(browser, lambda d: mine.station in d.find_element(By.TAG_NAME, "h1").text, "own page")
    assert browser.find_element(By.CSS_SELECTOR, ".chart svg") is not None


def test_csrf_less_post_is_refused_in_the_browser(console: Console, browser: Any) -> None:
    terminal = console.enrol("东坝村服务站")
    login(browser, console, "tech")
    _wait(browser, lambda d: d.current_url.endswith("/console/terminals"), "the terminals page")
    # Same browser, same session cookie, but no csrf_token in the form: what a forged
    # form or script would send.
    status = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {method: "POST", body: new URLSearchParams({reason: "forged"}),
                             redirect: "manual"})
          .then(r => done(r.status)).catch(e => done(String(e)));
        """,
        f"/console/terminals/{terminal.terminal_id}/revoke",
    )
    assert status == 403
    assert console.db.terminal(terminal.terminal_id).revoked is False  # type: ignore[union-attr]

    # The page's own form (with the token) works, and is audited.
    browser.get(f"{console.url}/console/terminals/{terminal.terminal_id}")
    browser.find_element(By.NAME, "reason").send_keys("设备被盗")
    browser.find_element(By.ID, "revoke").click()
    _wait(browser, lambda d: "终端已停用" in d.page_source, "the revocation notice")
    assert console.db.terminal(terminal.terminal_id).revoked is True  # type: ignore[union-attr]
    actions = [
        r[0]
        for r in console.db.query(
            "SELECT action FROM audit_log WHERE target = ?", (terminal.terminal_id,)
        )
    ]
    assert actions == ["terminal.revoke"]


def test_lockout_after_repeated_failures_in_the_browser(console: Console, browser: Any) -> None:
    for _ in range(4):
        login(browser, console, "tech", password="wrong-password")
        _wait(browser, lambda d: "用户名或密码错误" in d.page_source, "the wrong-password message")
    login(browser, console, "tech", password="wrong-password")  # the fifth: locked
    _wait(browser, lambda d: "账号已锁定" in d.page_source, "the lockout message")

    login(browser, console, "tech")  # the right password is refused while locked
    _wait(browser, lambda d: "账号已锁定" in d.page_source, "still locked")
    assert "/console/login" in browser.current_url

    console.clock.offset += 15 * 60 + 1  # the lock runs out
    login(browser, console, "tech")
    _wait(browser, lambda d: d.current_url.endswith("/console/terminals"), "signed in")


def test_login_contract_and_logout(console: Console, browser: Any) -> None:
    browser.get(f"{console.url}/console/terminals")
    _wait(browser, lambda d: "/console/login" in d.current_url, "the redirect to login")
    form = browser.find_element(By.CSS_SELECTOR, "form[action='/console/login']")
    assert form.find_element(By.NAME, "username").get_attribute("name") == "username"
    assert form.find_element(By.NAME, "password").get_attribute("type") == "password"
    assert form.find_element(By.CSS_SELECTOR, "button[type=submit]").is_displayed()
    login(browser, console, "tech")
    _wait(browser, lambda d: d.current_url.endswith("/console/terminals"), "the terminals page")
    cookies = {c["name"]: c for c in browser.get_cookies()}
    session = cookies["kiosk_console"]
    assert session["httpOnly"] is True and session["sameSite"] == "Strict"

    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    _wait(browser, lambda d: "/console/login" in d.current_url, "the login page after logout")
    browser.get(f"{console.url}/console/terminals")
    _wait(browser, lambda d: "/console/login" in d.current_url, "signed out for real")
