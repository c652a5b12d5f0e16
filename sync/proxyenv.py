"""Which HTTP proxy, if any, a request goes through: ``HTTP(S)_PROXY``, ``ALL_PROXY``, ``NO_PROXY``.

The kiosk's client honoured these while it was httpx (``trust_env``), and a station on a
government network may only reach the platform through its proxy, so the standard-library
transport (:mod:`sync.http`) keeps them. Only ``http://`` proxies are supported: https goes
through them as a CONNECT tunnel (TLS still ends at the platform, certificate checked), plain
http as an absolute-form request. A loopback target never goes through a proxy: the demo's
platform runs on this machine, and a proxy's loopback is another machine's.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True, slots=True)
class Proxy:
    """An ``http://`` proxy; ``headers`` carry its Basic credentials, if the URL had any."""

    host: str
    port: int
    headers: Mapping[str, str]


class ProxySettingError(ValueError):
    """A proxy variable this transport cannot use (not ``http://``, no host, bad port)."""


def _proxy_of(url: str) -> Proxy:
    parts = urlsplit(url if "://" in url else "http://" + url)  # "host:3128" means http
    try:
        port = parts.port or 80
    except ValueError as exc:
        raise ProxySettingError(f"bad proxy port in {parts.netloc!r}") from exc
    if parts.scheme != "http" or not parts.hostname:
        raise ProxySettingError(f"only http:// proxies are supported, not {parts.scheme}://")
    headers: dict[str, str] = {}
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    return Proxy(parts.hostname, port, headers)


def _variable(environ: Mapping[str, str], name: str) -> str:
    """The lower-case spelling wins, as in curl and urllib."""
    return (environ.get(name.lower()) or environ.get(name.upper()) or "").strip()


def _bypassed(host: str, port: int, no_proxy: str) -> bool:
    if host == "localhost" or host.startswith("127.") or host == "::1":
        return True
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if entry == "*":
            return True
        entry = entry.lstrip("*").lstrip(".")  # ".gov.cn" and "*.gov.cn" mean the domain
        if entry and (entry in (host, f"{host}:{port}") or host.endswith("." + entry)):
            return True
    return False


def proxy_for(scheme: str, host: str, port: int, environ: Mapping[str, str]) -> Proxy | None:
    """The proxy for ``scheme://host:port`` by ``environ``, or None to connect directly.

    Raises :class:`ProxySettingError` if the variable that applies is unusable: going
    around a proxy the station requires would only fail later and less clearly.
    """
    if _bypassed(host.lower(), port, _variable(environ, "no_proxy")):
        return None
    url = _variable(environ, f"{scheme}_proxy") or _variable(environ, "all_proxy")
    return _proxy_of(url) if url else None
