"""The console shows the e-licence lookup log (issue 13 item 2): clerks and admins, scoped
to their region, the holder masked, the view audited; technicians and visitors refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from central.licences import LicenceLibrary
from tests.console.consolehelpers import Console, start_console
from tests.elicence.test_platform_lookup import _request

HOLDER = "130608195804123029"


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    running = start_console(tmp_path / "central.sqlite3")
    LicenceLibrary(running.db).seed_if_empty()
    yield running
    running.running.stop()


def _get(console: Console, name: str | None) -> httpx.Response:
    http = console.http(name)
    try:
        return http.get("/console/licence-lookups")
    finally:
        http.close()


def test_console_licence_lookup_log_is_scoped_masked_and_audited(console: Console) -> None:
    hangzhou = console.enrol("三墩镇便民服务中心", region="330106001000")
    baoding = console.enrol("东闾乡便民服务中心", region="130608001000")
    with console.client(hangzhou) as client:
        client.lookup_licences(_request(["居民户口簿"]))
    with console.client(baoding) as client:
        asked = _request(["居民户口簿"], item="MZ-GL-001")
        client.lookup_licences(asked)

    page = _get(console, "clerk")
    assert page.status_code == 200
    assert page.text.count("130608********3029") == 2 and HOLDER not in page.text
    assert "MZ-GL-001" in page.text and asked.business_ref in page.text
    assert "东闾乡便民服务中心" in page.text and "三墩镇便民服务中心" in page.text

    scoped = _get(console, "clerk-3301")
    assert scoped.status_code == 200
    assert "三墩镇便民服务中心" in scoped.text and "东闾乡便民服务中心" not in scoped.text

    assert _get(console, "tech").status_code == 403
    assert _get(console, None).status_code == 303

    actions = [r[0] for r in console.db.query("SELECT action FROM audit_log")]
    assert actions.count("licence_lookups.view") == 2
