"""Enrolment (开通): the one home of what ``kiosk provision`` and the technician's wizard do.

Steps, in this order, so a failure leaves the terminal as it was:

1. check the request here, before any traffic (:func:`check_request`): region code
   (the one pattern, ``kiosk.settings.REGION_CODE_PATTERN``), station name, an
   ``http(s)`` URL, and no plain ``http://`` to anything but loopback unless the
   technician said ``insecure`` (the one-time code would cross the network in clear);
2. exchange the one-time code for a terminal id, code and secret;
3. write the secret (0600, never into ``terminal.toml``), then the settings;
4. record the assigned code and renumber the queue under it
   (``kiosk.usecases.enrolment.adopt_terminal_code``).

Failures are typed (:class:`EnrolmentError` and its subclasses); each carries a
Chinese message the wizard shows as it is, and the CLI maps the type to its
documented exit status.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from kiosk.errors import KioskError
from kiosk.paths import DataDir
from kiosk.settings import is_region_code, load_settings, save_settings, with_changes
from kiosk.store import Store
from kiosk.store.numbering import Renumbering
from kiosk.usecases.enrolment import adopt_terminal_code, renumbering_summary
from kiosk.version import kiosk_version
from sync.client import AuthError, TransientError, enrol
from sync.credentials import ca_bundle_problem, save_secret
from sync.protocol import EnrolRequest
from sync.signing import decode_secret

log = logging.getLogger(__name__)


class EnrolmentError(KioskError):
    """Enrolment did not happen; nothing was written. The message says why, in Chinese."""


class InvalidEnrolmentRequest(EnrolmentError):
    """Refused before contacting the platform: a field is missing or malformed."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class InsecureURL(InvalidEnrolmentRequest):
    """Plain ``http://`` to a host that is not this machine, without ``insecure``."""

    def __init__(self) -> None:
        super().__init__(
            "平台地址应以 https:// 开头（明文 http 只允许连接本机）。", field="platform_url"
        )


class EnrolmentRefused(EnrolmentError):
    """The platform refused the code (unknown, used, expired, or bound to another region)."""

    def __init__(self, reason: str) -> None:
        super().__init__("注册码无效或已使用，请向平台管理员申请新的注册码。")
        self.reason = reason  # the platform's error code, for the technician's log and the CLI


class PlatformUnreachable(EnrolmentError):
    """No usable answer (network, TLS, 5xx): try again later with the same code."""

    def __init__(self, detail: str) -> None:
        super().__init__("无法连接平台，请检查平台地址和网络后重试。")
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ProvisionRequest:
    platform_url: str
    enrol_code: str
    region_code: str
    station_name: str
    ca_bundle: str = ""
    #: Allow plain ``http://`` to another machine (test benches only).
    insecure: bool = False

    def cleaned(self) -> ProvisionRequest:
        """Without the stray spaces and trailing slash a hand-typed request carries."""
        return ProvisionRequest(
            self.platform_url.strip().rstrip("/"),
            self.enrol_code.strip(),
            self.region_code.strip(),
            self.station_name.strip(),
            self.ca_bundle.strip(),
            self.insecure,
        )


@dataclass(frozen=True, slots=True)
class ProvisionResult:
    terminal_id: str
    terminal_code: str
    renumbering: Renumbering | None = None


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, insecure: bool = False) -> None:
    """``https://``, or ``http://`` to loopback (or anywhere with ``insecure``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidEnrolmentRequest("平台地址应以 https:// 开头。", field="platform_url")
    if parts.scheme == "http" and not insecure and not is_loopback(parts.hostname):
        raise InsecureURL


def check_request(request: ProvisionRequest) -> ProvisionRequest:
    """The cleaned request, or the first problem as an :class:`InvalidEnrolmentRequest`."""
    clean = request.cleaned()
    check_url(clean.platform_url, insecure=clean.insecure)
    if not clean.enrol_code:
        raise InvalidEnrolmentRequest("请填写平台提供的一次性注册码。", field="enrol_code")
    if not is_region_code(clean.region_code):
        raise InvalidEnrolmentRequest("行政区划代码应为 6、9 或 12 位数字。", field="region_code")
    if not clean.station_name:
        raise InvalidEnrolmentRequest("请填写服务站名称。", field="station_name")
    if problem := ca_bundle_problem(clean.ca_bundle):
        raise InvalidEnrolmentRequest(problem, field="ca_bundle")
    return clean


def enrol_terminal(
    data: DataDir, request: ProvisionRequest, *, store: Store | None = None
) -> ProvisionResult:
    """Enrol this terminal; blocks on the network (the wizard runs it off the GUI thread).

    ``store``: the running kiosk's store (the wizard); without one the store is
    opened, integrity-checked, and closed again (``kiosk provision``).
    """
    clean = check_request(request)
    settings = load_settings(data.settings_file)
    try:
        answer = enrol(
            clean.platform_url,
            EnrolRequest(
                code=clean.enrol_code,
                region_code=clean.region_code,
                station_name=clean.station_name,
                kiosk_version=kiosk_version(),
            ),
            ca_bundle=clean.ca_bundle,
        )
    except AuthError as exc:
        raise EnrolmentRefused(exc.code.value) from exc
    except TransientError as exc:
        raise PlatformUnreachable(str(exc)) from exc
    except (OSError, ValueError) as exc:  # an unreadable CA bundle, a URL that cannot be used
        raise PlatformUnreachable(type(exc).__name__) from exc
    save_secret(data, decode_secret(answer.secret))
    updated = with_changes(
        settings,
        platform=with_changes(
            settings.platform,
            url=clean.platform_url,
            terminal_id=answer.terminal_id,
            ca_bundle=clean.ca_bundle,
        ),
        terminal=with_changes(
            settings.terminal,
            code=answer.terminal_code,
            region_code=clean.region_code,
            station_name=clean.station_name,
        ),
    )
    save_settings(data.settings_file, updated)
    own = store is None
    target = Store(data) if store is None else store
    try:
        renumbering = adopt_terminal_code(target, answer.terminal_code)
    finally:
        if own:
            target.close()
    log.info("enrolled; %s", renumbering_summary(renumbering))
    return ProvisionResult(answer.terminal_id, answer.terminal_code, renumbering)
