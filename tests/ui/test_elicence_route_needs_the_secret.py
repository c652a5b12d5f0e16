"""电子证照 is offered only by a terminal that can reach its platform (issue 16 follow-up).

Since the sync client is built after the first frame, a platform URL and a terminal id
were enough to offer the route: a terminal never enrolled (no secret file) offered it and
every lookup ended "unavailable". Before, the route followed the engine, which a terminal
without its secret never had. :func:`sync.credentials.is_provisioned` is that rule again,
checked without reading the secret or importing httpx.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.wiring import Kiosk, UiOptions, build_kiosk
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.settings import Settings, load_settings
from sync.credentials import is_provisioned, save_secret, secret_file

ROOT = Path(__file__).resolve().parents[2]
_PLATFORM = '[platform]\nurl = "http://127.0.0.1:9"\nterminal_id = "T-1"\n'


@pytest.fixture
def data(kiosk_home: Path) -> DataDir:
    home = DataDir(kiosk_home).ensure()
    home.settings_file.write_text(_PLATFORM, encoding="utf-8")
    return home


def _offers_elicences(qtbot, data: DataDir) -> bool:
    core = KioskCore.open(data)
    kiosk: Kiosk | None = None
    try:
        kiosk = build_kiosk(core, demo=False, options=UiOptions(voice_engine="mock"))
        qtbot.addWidget(kiosk.window)
        return kiosk.journey.licences is not None
    finally:
        if kiosk is not None:
            kiosk.close()  # before the first frame: no device opened, no engine started
        core.close()


def test_a_terminal_without_its_secret_does_not_offer_the_elicence_route(qtbot, data):
    assert not is_provisioned(data, _settings(data))
    assert _offers_elicences(qtbot, data) is False


def test_a_secret_that_is_a_directory_does_not_offer_the_elicence_route(qtbot, data):
    secret_file(data).mkdir()
    assert _offers_elicences(qtbot, data) is False


def test_a_provisioned_terminal_offers_the_elicence_route(qtbot, data):
    save_secret(data, b"s" * 32)
    assert is_provisioned(data, _settings(data))
    assert _offers_elicences(qtbot, data) is True


def test_no_url_or_no_terminal_id_is_not_provisioned(data):
    save_secret(data, b"s" * 32)
    data.settings_file.write_text('[platform]\nurl = "http://127.0.0.1:9"\n', encoding="utf-8")
    assert not is_provisioned(data, _settings(data))
    data.settings_file.write_text('[platform]\nterminal_id = "T-1"\n', encoding="utf-8")
    assert not is_provisioned(data, _settings(data))


def test_the_check_imports_no_http_client():
    code = "import sys, sync.credentials; print('httpx' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.stdout.strip() == "False"


def _settings(data: DataDir) -> Settings:
    return load_settings(data.settings_file)
