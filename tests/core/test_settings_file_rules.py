"""``terminal.toml`` after the settings stopped being a pydantic model (issue 16, goals 1-2).

A file that loaded before must load the same (pydantic's lax mode took ``"120"`` for a
number and ``"yes"`` for a flag; technicians' files may rely on it), and a bad file must
still stop the kiosk with a message naming the key, never run on a silently ignored value.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.settings import (
    Settings,
    SettingsError,
    SyncSettings,
    load_settings,
    save_settings,
    with_changes,
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "terminal.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_pydantic_accepted_loosely_still_load_as_typed_values(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[ui]\nidle_timeout_s = "120"\nvoice = "no"\nlarge_text = 1\n'
        '[sync]\ninterval_s = 30.0\n[terminal]\nstation_name = "石马村便民服务站"\n',
    )
    settings = load_settings(path)
    assert settings.ui.idle_timeout_s == 120
    assert settings.ui.voice is False
    assert settings.ui.large_text is True
    assert settings.sync.interval_s == 30 and isinstance(settings.sync.interval_s, int)
    assert settings.terminal.station_name == "石马村便民服务站"
    assert settings.devices == Settings().devices  # untouched sections keep their defaults


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[ui]\nidle_timeout_s = 5\n", "ui.idle_timeout_s 应不小于 20"),
        ("[ui]\ncountdown_s = 500\n", "ui.countdown_s 应不大于 120"),
        ('[ui]\nvoice = "maybe"\n', "ui.voice 应为布尔值"),
        ('[sync]\nbatch_size = "many"\n', "sync.batch_size 应为整数"),
        ("[terminal]\ncode = 330102\n", "terminal.code 应为文字"),
        ('[terminal]\nregion_code = "33010"\n', "terminal.region_code 格式不对"),
        ("[ui]\nidle_timout_s = 120\n", "未知的配置项 ui.idle_timout_s"),
        ("[display]\nlarge = true\n", "未知的配置节 [display]"),
        ("[ui\n", "不是有效的 TOML"),
    ],
)
def test_a_bad_file_is_refused_with_the_key_named(tmp_path: Path, text: str, named: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SettingsError) as refused:
        load_settings(path)
    assert str(path) in str(refused.value)
    assert named in str(refused.value)


def test_a_changed_copy_is_checked_like_a_loaded_file() -> None:
    assert with_changes(SyncSettings(), batch_size=10).batch_size == 10
    with pytest.raises(SettingsError, match=r"sync\.batch_size 应不小于 1"):
        with_changes(SyncSettings(), batch_size=0)


def test_saved_settings_load_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "terminal.toml"
    settings = with_changes(
        Settings(), ui=with_changes(Settings().ui, idle_timeout_s=300, high_contrast=True)
    )
    save_settings(path, settings)
    assert load_settings(path) == settings
