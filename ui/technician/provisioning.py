"""Enrolment for the wizard: the same steps as ``kiosk provision``, as a function.

Kept beside the wizard until the sync package exposes its provisioning helper;
then :func:`enrol_terminal` should simply call it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import metadata

from kiosk.errors import KioskError
from kiosk.paths import DataDir
from kiosk.settings import load_settings, save_settings
from kiosk.store import Store
from kiosk.usecases.enrolment import adopt_terminal_code, renumbering_summary

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProvisionRequest:
    platform_url: str
    enrol_code: str
    region_code: str
    station_name: str
    ca_bundle: str = ""


@dataclass(frozen=True, slots=True)
class ProvisionResult:
    terminal_id: str
    terminal_code: str


class ProvisionError(KioskError):
    """Enrolment failed; the message says why in Chinese."""


def _version() -> str:
    try:
        return metadata.version("kiosk")
    except metadata.PackageNotFoundError:
        return "dev"


def enrol_terminal(data: DataDir, request: ProvisionRequest) -> ProvisionResult:
    """Enrol with the platform, store the secret (0600) and the settings. Blocks: run off the GUI thread."""
    from sync.client import AuthError, TransientError, enrol
    from sync.credentials import save_secret
    from sync.protocol import EnrolRequest
    from sync.signing import decode_secret

    settings = load_settings(data.settings_file)
    url = request.platform_url.strip().rstrip("/")
    try:
        answer = enrol(
            url,
            EnrolRequest(
                code=request.enrol_code.strip(),
                region_code=request.region_code.strip(),
                station_name=request.station_name.strip(),
                kiosk_version=_version(),
            ),
            ca_bundle=request.ca_bundle,
        )
    except AuthError as exc:
        raise ProvisionError("注册码无效或已使用，请向平台管理员申请新的注册码。") from exc
    except TransientError as exc:
        raise ProvisionError("无法连接平台，请检查平台地址和网络后重试。") from exc
    except ValueError as exc:
        raise ProvisionError(f"填写的内容有误：{exc}") from exc
    save_secret(data, decode_secret(answer.secret))
    updated = settings.model_copy(
        update={
            "platform": settings.platform.model_copy(
                update={
                    "url": url,
                    "terminal_id": answer.terminal_id,
                    "ca_bundle": request.ca_bundle,
                }
            ),
            "terminal": settings.terminal.model_copy(
                update={
                    "code": answer.terminal_code,
                    "region_code": request.region_code.strip(),
                    "station_name": request.station_name.strip(),
                }
            ),
        }
    )
    save_settings(data.settings_file, type(settings).model_validate(updated.model_dump()))
    store = Store(data, check_integrity=False)  # the running UI's store already checked it
    try:
        renumbering = adopt_terminal_code(store, answer.terminal_code)
    finally:
        store.close()
    log.info("%s", renumbering_summary(renumbering))
    return ProvisionResult(answer.terminal_id, answer.terminal_code)
