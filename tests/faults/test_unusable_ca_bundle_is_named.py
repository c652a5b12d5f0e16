"""A CA bundle that cannot be used is named, never a silent stop of sync.

``[platform] ca_bundle`` is checked when a terminal is enrolled. A file deleted, unreadable or
replaced by something that is not PEM afterwards used to stop the sync engine from starting
with only a log line: the status bar went on saying 未连接 and ``kiosk doctor`` called the
network fine, while nothing was sent. Now the doctor's network check fails and names the file,
and the kiosk's status bar says sync has not started; filing goes on offline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.wiring import SYNC_NOT_STARTED, UiOptions, build_kiosk
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from sync.credentials import save_secret
from tests.faults.faulthelpers import doctor_check


def _enrolled_home(home: Path, ca_bundle: Path | None) -> DataDir:
    data = DataDir(home).ensure()
    KioskCore.open(data).close()
    save_secret(data, b"s" * 32)
    bundle_line = "" if ca_bundle is None else f'ca_bundle = "{ca_bundle}"\n'
    (home / "terminal.toml").write_text(
        '[platform]\nurl = "https://127.0.0.1:9"\nterminal_id = "T-CA"\n' + bundle_line,
        encoding="utf-8",
    )
    return data


@pytest.mark.parametrize(
    ("content", "said"),
    [(None, "找不到证书文件"), (b"not a certificate\n", "不是有效的 PEM")],
    ids=["deleted", "not-pem"],
)
def test_doctor_fails_the_network_check_naming_the_ca_bundle(
    tmp_path: Path, content: bytes | None, said: str
) -> None:
    bundle = tmp_path / "platform-ca.pem"
    if content is not None:
        bundle.write_bytes(content)
    _enrolled_home(tmp_path / "home", bundle)
    code, check = doctor_check(tmp_path / "home", "network")
    assert check["status"] == "failed", check
    assert said in check["detail"] and str(bundle) in check["detail"]
    assert "ca_bundle" in check["action"]
    assert code != 0


def _status_bar_says_sync_has_not_started(qtbot, data: DataDir) -> None:
    """The kiosk as ``kiosk run`` builds it: its status bar names the stop, no engine runs."""
    core = KioskCore.open(data)
    kiosk = build_kiosk(core, demo=False, options=UiOptions(voice_engine="mock"))
    try:
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        qtbot.waitUntil(
            lambda: SYNC_NOT_STARTED in kiosk.window.status_bar.connection.text(), timeout=30_000
        )
        assert kiosk.engine is None
    finally:
        kiosk.close()
        core.close()


def test_the_status_bar_says_sync_has_not_started(qtbot, tmp_path: Path) -> None:
    data = _enrolled_home(tmp_path / "home", tmp_path / "missing-ca.pem")
    _status_bar_says_sync_has_not_started(qtbot, data)


def test_a_damaged_secret_file_is_named_and_shows_sync_has_not_started(
    qtbot, tmp_path: Path
) -> None:
    """The platform secret file no longer base64 (a bad copy from a backup): the same."""
    data = _enrolled_home(tmp_path / "home", None)  # the system's CAs: nothing to check
    (data.root / "platform.secret").write_text("not a secret!\n", encoding="ascii")
    code, check = doctor_check(tmp_path / "home", "network")
    assert check["status"] == "failed", check
    assert "平台密钥文件" in check["detail"] and "platform.secret" in check["detail"]
    assert code != 0
    _status_bar_says_sync_has_not_started(qtbot, data)
