"""Helpers shared by the console tests and ``scripts/console_screenshots.py``.

A real platform (SQLite, uvicorn on 127.0.0.1) with one console user per role, a real
headless Chromium driven by selenium, and kiosks that enrol and send real signed
heartbeats through the sync engine.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from central.console.users import add_user
from central.db import CentralDB
from central.server import RunningPlatform
from sync.client import Credentials, PlatformClient, enrol
from sync.protocol import EnrolRequest
from sync.signing import decode_secret
from tests.sync.synchelpers import MovableClock

USERS: dict[str, tuple[str, str]] = {
    "tech": ("technician", ""),
    "tech-3301": ("technician", "3301"),
    "clerk": ("clerk", ""),
    "clerk-3301": ("clerk", "3301"),
    "admin": ("admin", ""),
}
"""Console users every ``console`` fixture has: name → (role, region prefix)."""

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1366,768",
    "--lang=zh-CN",
)


def password_of(name: str) -> str:
    return f"{name}-password-1"


@dataclass
class EnrolledTerminal:
    credentials: Credentials
    terminal_code: str
    station: str
    region: str

    @property
    def terminal_id(self) -> str:
        return self.credentials.terminal_id


@dataclass
class Console:
    """A running platform with console users; ``url`` is the platform's base URL."""

    running: RunningPlatform
    clock: MovableClock
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def db(self) -> CentralDB:
        return self.running.db

    def enrol(self, station: str, region: str = "330102001000") -> EnrolledTerminal:
        code = self.db.new_enrol_code(region)
        answer = enrol(self.url, EnrolRequest(code=code, region_code=region, station_name=station))
        creds = Credentials(answer.terminal_id, decode_secret(answer.secret))
        return EnrolledTerminal(creds, answer.terminal_code, station, region)

    def client(self, terminal: EnrolledTerminal) -> PlatformClient:
        return PlatformClient(self.url, terminal.credentials)

    def http(self, name: str | None = None) -> httpx.Client:
        """An HTTP client, signed in as ``name`` through the login form when given."""
        import re

        client = httpx.Client(base_url=self.url, follow_redirects=False, timeout=10)
        if name is None:
            return client
        page = client.get("/console/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        answer = client.post(
            "/console/login",
            data={"username": name, "password": password_of(name), "csrf_token": token[1]},
        )
        assert answer.status_code == 303, answer.text
        return client


def start_console(db_path: Path) -> Console:
    clock = MovableClock()
    db = CentralDB(db_path, clock=clock)
    db.seed_catalogue_if_empty()
    for name, (role, region) in USERS.items():
        add_user(db, name, role, region, password_of(name))
    running = RunningPlatform(db, clock)
    return Console(running, clock, {n: password_of(n) for n in USERS})


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def start_browser(profile_dir: Path | None = None) -> tuple[object, Callable[[], None]]:
    """A headless Chromium with a fresh profile; returns (driver, stop)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    own_profile = profile_dir is None
    profile = Path(profile_dir or tempfile.mkdtemp(prefix="console-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    env = {**os.environ, "SE_AVOID_STATS": "true"}
    service = Service(executable_path=CHROMEDRIVER, env=env)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_window_size(1366, 768)
    driver.set_page_load_timeout(30)

    def stop() -> None:
        driver.quit()
        if own_profile:
            shutil.rmtree(profile, ignore_errors=True)

    return driver, stop


def login(driver: object, console: Console, name: str, password: str | None = None) -> None:
    """Sign in through the login page's form (the contract: ``username``, ``password``)."""
    from selenium.webdriver.common.by import By

    d = driver  # typed loosely: selenium's WebDriver
    d.get(f"{console.url}/console/login")  # type: ignore[attr-defined]
    d.find_element(By.NAME, "username").send_keys(name)  # type: ignore[attr-defined]
    d.find_element(By.NAME, "password").send_keys(  # type: ignore[attr-defined]
        password if password is not None else password_of(name)
    )
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()  # type: ignore[attr-defined]
