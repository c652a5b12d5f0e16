"""Terminal settings: typed, declared once, each with a default and its unit.

Read from ``terminal.toml`` in the data directory (the technician's copy) over
the defaults shipped in ``config/terminal.default.toml``. Nothing else in the
code reads environment variables or dict paths for configuration.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.atomic import atomic_write
from kiosk.errors import KioskError

#: 行政区划代码: 6 digits (county), 9 (township) or 12 (village). The settings field, the
#: enrolment request (``kiosk provision``, the wizard) and the wire protocol all use this one.
REGION_CODE_PATTERN = r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"


def is_region_code(text: str) -> bool:
    return re.fullmatch(REGION_CODE_PATTERN, text) is not None


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TerminalSettings(_Section):
    code: str = Field(
        "000000",
        pattern=r"^[0-9]{6}$",
        description="Six-digit terminal code printed in application numbers; the platform assigns it at enrolment.",
    )
    station_name: str = Field("演示便民服务站", description="Station name printed on receipts.")
    region_code: str = Field(
        "330102001000",
        pattern=REGION_CODE_PATTERN,
        description="Administrative region code (行政区划代码), 6, 9 or 12 digits.",
    )
    helpline: str = Field("12345", description="Helpline printed on receipts.")


class PlatformSettings(_Section):
    url: str = Field("", description="Base URL of the central platform; empty until provisioned.")
    terminal_id: str = Field("", description="Terminal id returned by enrolment.")
    ca_bundle: str = Field(
        "", description="Path to a CA bundle for TLS verification; empty: system CAs."
    )
    status_url: str = Field(
        "https://zwfw.example.gov.cn/q/",
        description="Prefix of the progress-query link put in receipt QR codes (number appended).",
    )


class DeviceSettings(_Section):
    card_reader: str = Field(
        "sam:sim", description="Card reader URL: sam:PORT, sam:socket://h:p, pcsc:, or sam:sim."
    )
    pcsc_reader: str = Field(
        "", description="Second reader for chip cards (pcsc: URL); empty: none."
    )
    receipt_printer: str = Field(
        "escpos:sim",
        description="Receipt printer URL: escpos:PORT[?baud=&width=], escpos:socket://h:p.",
    )
    a4_printer: str = Field("", description="A4 printer URL: cups:QUEUE or pdf:PATH; empty: none.")
    printer_encoding: str = Field(
        "gb18030",
        description="Text encoding the receipt printer understands: gb18030, gbk or gb2312.",
    )
    document_camera: str = Field(
        "",
        description=(
            "Document camera (高拍仪) URL: folder:PATH (its save folder), qt: (first camera) or"
            " qt:NAME (live preview), or sim:; empty: none."
        ),
    )


class UiSettings(_Section):
    idle_timeout_s: int = Field(
        90, ge=20, le=1800, description="Seconds without a touch before the countdown starts."
    )
    countdown_s: int = Field(
        30, ge=10, le=120, description="Seconds of visible countdown before the session is wiped."
    )
    large_text: bool = Field(False, description="Start in the larger-text (长辈) mode.")
    high_contrast: bool = Field(False, description="Start in high-contrast mode (7:1).")
    voice: bool = Field(True, description="Read screens aloud.")


class SyncSettings(_Section):
    interval_s: int = Field(
        60, ge=5, description="Seconds between sync rounds when nothing else triggers one."
    )
    batch_size: int = Field(50, ge=1, le=500, description="Items per upload request.")
    retention_days: int = Field(
        30, ge=0, description="Days personal data stays after the platform confirmed it."
    )


class Settings(_Section):
    terminal: TerminalSettings = TerminalSettings()
    platform: PlatformSettings = PlatformSettings()
    devices: DeviceSettings = DeviceSettings()
    ui: UiSettings = UiSettings()
    sync: SyncSettings = SyncSettings()


class SettingsError(KioskError):
    """The settings file cannot be used; the message names the bad key."""


def load_settings(path: Path) -> Settings:
    """Settings from ``path`` if it exists, defaults otherwise."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Settings.model_validate(data)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise SettingsError(f"配置文件 {path} 有误：{exc}") from exc


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically (fsync'd, renamed, directory fsync'd): a power cut never leaves half a file."""
    data: dict[str, Any] = settings.model_dump()
    atomic_write(path, tomli_w.dumps(data))
