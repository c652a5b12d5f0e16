#!/usr/bin/env python3
"""Screenshots of the technician pages of the web console, for docs/screenshots/console/.

A real platform on 127.0.0.1 with a small fleet whose heartbeats (seven days of them for
one terminal) are sent through the signed protocol, and a headless Chromium at 1366×768,
the county office screen the pages are designed for.

    .venv/bin/python scripts/console_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402

from sync.client import PlatformClient  # noqa: E402
from sync.protocol import Heartbeat  # noqa: E402
from tests.console.consolehelpers import (  # noqa: E402
    Console,
    EnrolledTerminal,
    login,
    start_browser,
    start_console,
)

OUT = ROOT / "docs" / "screenshots" / "console"

FLEET = [
    # station, region, printer, reader, queue, oldest unsent (h), quarantined, hours silent, version
    ("青山村便民服务站", "330102001000", "no_paper", "no_card", 3, 2.0, 0, 0.0, "0.2.0"),
    ("东坝村便民服务站", "330102002000", "paper_near_end", "no_card", 0, None, 0, 0.0, "0.2.0"),
    ("西河村便民服务站", "330102003000", "ready", "disconnected", 1, 0.2, 0, 0.0, "0.2.0"),
    ("南岭村便民服务站", "330102004000", "ready", "no_card", 12, 30.0, 1, 0.0, "0.1.0"),
    ("北山村便民服务站", "330102005000", "ready", "no_card", 0, None, 0, 5.0, "0.2.0"),
    ("城关镇便民服务中心", "330102000000", "ready", "no_card", 0, None, 0, 0.0, "0.2.0"),
    ("桥头村便民服务站", "330203001000", "ready", "no_card", 2, 0.1, 0, 0.0, "0.2.0"),
]


def _beat(  # noqa: PLR0917  # one row of FLEET
    console: Console,
    printer: str,
    reader: str,
    queue: int,
    oldest_h: float | None,
    quarantined: int,
    version: str,
) -> Heartbeat:
    return Heartbeat(
        queue_depth=queue,
        oldest_unsent_age_s=oldest_h * 3600 if oldest_h is not None else None,
        quarantined=quarantined,
        device_health={"printer": printer, "card_reader": reader},
        free_disk_bytes=18 * 1024**3,
        terminal_time=console.clock() + 3,
        kiosk_version=version,
        os="Debian GNU/Linux 12 (bookworm) 6.1.0-28-amd64",
        uptime_s=3 * 86400 + 5000,
        last_sync_success=console.clock() - 120,
        settings_revision="5f1c0a9e27b4",
    )


def build_fleet(console: Console) -> list[EnrolledTerminal]:
    terminals: list[EnrolledTerminal] = []
    for station, region, printer, reader, queue, oldest, quarantined, silent_h, version in FLEET:
        terminal = console.enrol(station, region)
        terminals.append(terminal)
        client = PlatformClient(console.url, terminal.credentials, clock=console.clock)
        try:
            if terminal is terminals[0]:  # a week of history for the terminal page's chart
                for hours_ago in range(7 * 24, 0, -1):
                    if 50 <= hours_ago <= 62 or 120 <= hours_ago <= 126:
                        continue  # two nights without power
                    console.clock.offset = -hours_ago * 3600.0
                    depth = (hours_ago * 7) % 5 if 8 <= (hours_ago % 24) <= 17 else 0
                    client.heartbeat(_beat(console, "ready", reader, depth, None, 0, version))
            console.clock.offset = -silent_h * 3600.0
            client.heartbeat(_beat(console, printer, reader, queue, oldest, quarantined, version))
        finally:
            console.clock.offset = 0.0
            client.close()
    return terminals


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="console-shots-") as tmp:
        console = start_console(Path(tmp) / "central.sqlite3")
        driver, stop = start_browser(Path(tmp) / "profile")
        try:
            terminals = build_fleet(console)
            driver.implicitly_wait(10)  # type: ignore[attr-defined]  # elements of the next page
            driver.get(f"{console.url}/console/login")  # type: ignore[attr-defined]
            driver.save_screenshot(str(OUT / "login.png"))  # type: ignore[attr-defined]
            login(driver, console, "tech")
            driver.find_element(By.ID, "terminals")  # type: ignore[attr-defined]
            driver.save_screenshot(str(OUT / "terminals.png"))  # type: ignore[attr-defined]
            driver.get(f"{console.url}/console/terminals/{terminals[0].terminal_id}")  # type: ignore[attr-defined]
            driver.execute_script("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
            driver.save_screenshot(str(OUT / "terminal.png"))  # type: ignore[attr-defined]
            driver.execute_script(  # type: ignore[attr-defined]
                "document.querySelector('.chart').scrollIntoView()"
            )
            driver.save_screenshot(str(OUT / "terminal_chart.png"))  # type: ignore[attr-defined]
            driver.find_element(By.ID, "enrol-code").click()  # type: ignore[attr-defined]
            driver.find_element(By.ID, "code")  # type: ignore[attr-defined]
            driver.save_screenshot(str(OUT / "enrol_code.png"))  # type: ignore[attr-defined]
            driver.find_element(By.CSS_SELECTOR, "form.logout button").click()  # type: ignore[attr-defined]
            login(driver, console, "tech-3301")
            driver.get(f"{console.url}/console/terminals/{terminals[-1].terminal_id}")  # type: ignore[attr-defined]
            driver.save_screenshot(str(OUT / "denied.png"))  # type: ignore[attr-defined]
        finally:
            stop()
            console.running.stop()
    for png in sorted(OUT.glob("*.png")):
        print(png.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
