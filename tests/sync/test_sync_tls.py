"""TLS is verified (rule 8): a platform certificate signed by the configured CA bundle is
accepted; any other certificate is refused and nothing is sent."""

from __future__ import annotations

import pytest

from central.db import CentralDB
from central.server import RunningPlatform
from sync.client import PlatformClient, TransientError
from sync.protocol import BatchRequest
from tests.sync.certs import self_signed as _self_signed
from tests.sync.synchelpers import MovableClock, Platform, make_application


@pytest.fixture
def tls_platform(tmp_path):
    cert, key = _self_signed(tmp_path, "platform")
    clock = MovableClock()
    running = RunningPlatform(
        CentralDB(tmp_path / "central.sqlite3", clock=clock), clock, tls=(cert, key)
    )
    try:
        yield Platform(running, clock), cert
    finally:
        running.stop()


def test_platform_certificate_from_the_configured_bundle_is_accepted(tls_platform):
    from sync.client import Credentials, enrol
    from sync.protocol import EnrolRequest
    from sync.signing import decode_secret

    platform, cert = tls_platform
    assert platform.url.startswith("https://")
    code = platform.db.new_enrol_code()
    answer = enrol(
        platform.url,
        EnrolRequest(code=code, region_code="330102", station_name="站"),
        ca_bundle=str(cert),
    )
    creds = Credentials(answer.terminal_id, decode_secret(answer.secret))
    with PlatformClient(platform.url, creds, ca_bundle=str(cert)) as client:
        client.upload_batch(
            BatchRequest(applications=[make_application(code=answer.terminal_code)])
        )
    assert len(platform.db.applications()) == 1


def test_unknown_certificate_is_refused(tls_platform, tmp_path):
    from sync.client import Credentials
    from sync.signing import new_secret

    platform, _ = tls_platform
    other_ca, _ = _self_signed(tmp_path, "other")
    for bundle in (str(other_ca), ""):  # another CA, and the system CAs
        with (
            PlatformClient(
                platform.url, Credentials("T1", new_secret()), ca_bundle=bundle
            ) as client,
            pytest.raises(TransientError, match="network"),
        ):
            client.upload_batch(BatchRequest(applications=[make_application()]))
    assert platform.db.applications() == []


def test_system_cas_are_read_from_the_hashed_directory_when_a_handshake_needs_them(
    tls_platform, tmp_path, monkeypatch
):
    """Issue 16, goal 2: not the whole bundle (~140 certificates, ~1.3 MB) at start."""
    import shutil
    import socket
    import ssl
    import subprocess
    from urllib.parse import urlsplit

    from sync.client import _tls_context

    if shutil.which("openssl") is None:
        pytest.skip("openssl's command names the hashed file")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    platform, cert = tls_platform
    digest = subprocess.run(
        ["openssl", "x509", "-subject_hash", "-noout", "-in", str(cert)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    hashed = tmp_path / "certs"
    hashed.mkdir()
    shutil.copy(cert, hashed / f"{digest}.0")
    system = ssl.get_default_verify_paths()._replace(capath=str(hashed))
    context = _tls_context("", system)
    assert context.cert_store_stats()["x509_ca"] == 0  # nothing read yet
    address = urlsplit(platform.url)
    with (
        socket.create_connection((address.hostname, address.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=address.hostname) as tls,
    ):
        assert tls.version() is not None  # verified against the hashed directory's CA
    assert context.cert_store_stats()["x509_ca"] == 1  # just the one it needed
    # A directory without hashed names: OpenSSL's defaults, the bundle read at once.
    empty = tmp_path / "empty"
    empty.mkdir()
    fallback = _tls_context("", ssl.get_default_verify_paths()._replace(capath=str(empty)))
    assert fallback.cert_store_stats()["x509_ca"] > 0
