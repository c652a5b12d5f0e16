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
