"""Terminal settings: typed, declared once, each with a default, its unit and its rule.

Read from ``terminal.toml`` in the data directory (the technician's copy); a key not
set there takes the default declared here. Nothing else in the code reads environment
variables or dict paths for configuration.

Plain frozen dataclasses checked by the few rules below, not a pydantic model: the
settings are read before the home screen is shown, and pydantic cost the start-up about
0.1 s and 20 MB (issue 16, goals 1-2). The checks keep what pydantic's lax mode accepted
for these types (``"60"`` for an integer, ``"yes"`` for a flag), so a ``terminal.toml``
that worked before still works; anything else names the key and what it must be.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kiosk.atomic import atomic_write
from kiosk.errors import KioskError
from kiosk.lax import as_bool, as_int

#: 行政区划代码: 6 digits (county), 9 (township) or 12 (village). The settings field, the
#: enrolment request (``kiosk provision``, the wizard) and the wire protocol all use this one.
REGION_CODE_PATTERN = r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"


def is_region_code(text: str) -> bool:
    return re.fullmatch(REGION_CODE_PATTERN, text) is not None


class SettingsError(KioskError):
    """The settings file cannot be used; the message names the bad key."""


@dataclass(frozen=True)
class Rule:
    """What a setting's value must be; ``description`` is the line in docs/configuration.md."""

    description: str
    kind: type
    pattern: str | None = None
    ge: int | None = None
    le: int | None = None


def setting(
    default: Any,
    description: str,
    *,
    pattern: str | None = None,
    ge: int | None = None,
    le: int | None = None,
) -> Any:
    """A dataclass field carrying its :class:`Rule` (the type is the default's)."""
    return field(
        default=default, metadata={"rule": Rule(description, type(default), pattern, ge, le)}
    )


def rule_of(f: dataclasses.Field[Any]) -> Rule:
    rule: Rule = f.metadata["rule"]
    return rule


def _coerce(value: Any, kind: type) -> Any:
    """The value as ``kind``, as pydantic's lax mode took it; ``None`` if it cannot be one."""
    if kind is bool:
        return as_bool(value)
    if kind is int:
        return as_int(value)
    return value if isinstance(value, kind) else None


_KIND_ZH = {str: "文字", int: "整数", bool: "布尔值（true 或 false）"}


def _checked(section: str, name: str, value: Any, rule: Rule) -> Any:
    key = f"{section}.{name}"
    coerced = _coerce(value, rule.kind)
    if coerced is None:
        raise SettingsError(f"{key} 应为{_KIND_ZH[rule.kind]}（现为 {value!r}）")
    if rule.pattern is not None and re.fullmatch(rule.pattern, coerced) is None:
        raise SettingsError(f"{key} 格式不对（现为 {coerced!r}，应符合 {rule.pattern}）")
    if rule.ge is not None and coerced < rule.ge:
        raise SettingsError(f"{key} 应不小于 {rule.ge}（现为 {coerced}）")
    if rule.le is not None and coerced > rule.le:
        raise SettingsError(f"{key} 应不大于 {rule.le}（现为 {coerced}）")
    return coerced


class _Section:
    """Checks every field against its rule when built, so no invalid settings object exists."""

    section: str = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = _checked(self.section, f.name, getattr(self, f.name), rule_of(f))
            object.__setattr__(self, f.name, value)


@dataclass(frozen=True)
class TerminalSettings(_Section):
    section = "terminal"
    code: str = setting(
        "000000",
        "Six-digit terminal code printed in application numbers; the platform assigns it at enrolment.",
        pattern=r"^[0-9]{6}$",
    )
    station_name: str = setting("演示便民服务站", "Station name printed on receipts.")
    region_code: str = setting(
        "330102001000",
        "Administrative region code (行政区划代码), 6, 9 or 12 digits.",
        pattern=REGION_CODE_PATTERN,
    )
    helpline: str = setting("12345", "Helpline printed on receipts.")


@dataclass(frozen=True)
class PlatformSettings(_Section):
    section = "platform"
    url: str = setting("", "Base URL of the central platform; empty until provisioned.")
    terminal_id: str = setting("", "Terminal id returned by enrolment.")
    ca_bundle: str = setting("", "Path to a CA bundle for TLS verification; empty: system CAs.")
    status_url: str = setting(
        "https://zwfw.example.gov.cn/q/",
        "Prefix of the progress-query link put in receipt QR codes (number appended).",
    )


@dataclass(frozen=True)
class DeviceSettings(_Section):
    section = "devices"
    card_reader: str = setting(
        "sam:sim", "Card reader URL: sam:PORT, sam:socket://h:p, pcsc:, or sam:sim."
    )
    pcsc_reader: str = setting("", "Second reader for chip cards (pcsc: URL); empty: none.")
    receipt_printer: str = setting(
        "escpos:sim",
        "Receipt printer URL: escpos:PORT[?baud=&width=] (a serial port or /dev/usb/lpN), escpos:socket://h:p.",
    )
    a4_printer: str = setting("", "A4 printer URL: cups:QUEUE or pdf:PATH; empty: none.")
    printer_encoding: str = setting(
        "gb18030", "Text encoding the receipt printer understands: gb18030, gbk or gb2312."
    )
    document_camera: str = setting(
        "",
        "Document camera (高拍仪) URL: folder:PATH (its save folder), qt: (first camera) or"
        " qt:NAME (live preview), or sim:; empty: none.",
    )


@dataclass(frozen=True)
class UiSettings(_Section):
    section = "ui"
    idle_timeout_s: int = setting(
        90, "Seconds without a touch before the countdown starts.", ge=20, le=1800
    )
    countdown_s: int = setting(
        30, "Seconds of visible countdown before the session is wiped.", ge=10, le=120
    )
    large_text: bool = setting(False, "Start in the larger-text (长辈) mode.")
    high_contrast: bool = setting(False, "Start in high-contrast mode (7:1).")
    voice: bool = setting(True, "Read screens aloud.")


@dataclass(frozen=True)
class SyncSettings(_Section):
    section = "sync"
    interval_s: int = setting(
        60, "Seconds between sync rounds when nothing else triggers one.", ge=5
    )
    batch_size: int = setting(50, "Items per upload request.", ge=1, le=500)
    retention_days: int = setting(
        30, "Days personal data stays after the platform confirmed it.", ge=0
    )


@dataclass(frozen=True)
class Settings:
    terminal: TerminalSettings = field(default_factory=TerminalSettings)
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)


#: The sections in file order: ``[terminal]`` is ``Settings.terminal`` of this class.
SECTIONS: dict[str, type[_Section]] = {
    f.name: f.default_factory  # type: ignore[misc]
    for f in dataclasses.fields(Settings)
}

_S = TypeVar("_S")


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """The settings a parsed ``terminal.toml`` asks for; an unknown section or key is an error
    (a misspelt key silently ignored would leave the terminal running on the default)."""
    sections: dict[str, Any] = {}
    for name, values in data.items():
        if name not in SECTIONS:
            raise SettingsError(f"未知的配置节 [{name}]（可用：{'、'.join(SECTIONS)}）")
        if not isinstance(values, dict):
            raise SettingsError(f"[{name}] 应为一节键值（现为 {values!r}）")
        cls = SECTIONS[name]
        known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for key in values:
            if key not in known:
                raise SettingsError(f"未知的配置项 {name}.{key}")
        sections[name] = cls(**values)
    return Settings(**sections)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    return dataclasses.asdict(settings)


def with_changes(section: _S, **changes: Any) -> _S:
    """A copy of a settings section (or of :class:`Settings`) with ``changes``, checked again."""
    return dataclasses.replace(section, **changes)  # type: ignore[type-var]


def load_settings(path: Path) -> Settings:
    """Settings from ``path`` if it exists, defaults otherwise."""
    if not path.exists():
        return Settings()
    try:
        return settings_from_dict(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"配置文件 {path} 有误：不是有效的 TOML（{exc}）") from exc
    except (SettingsError, TypeError) as exc:
        raise SettingsError(f"配置文件 {path} 有误：{exc}") from exc


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically (fsync'd, renamed, directory fsync'd): a power cut never leaves half a file."""
    import tomli_w

    atomic_write(path, tomli_w.dumps(settings_to_dict(settings)))
