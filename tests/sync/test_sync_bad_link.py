"""Through a link that drops, resets, truncates, answers 5xx/429 or a captive portal's page:
every application, rating, request and attachment arrives exactly once and byte-identical."""

from __future__ import annotations

import threading

import pytest

from kiosk.settings import SyncSettings
from kiosk.states import ApplicationState
from kiosk.store.outbox import Outbox
from sync.engine import ConnectionState, EngineOptions
from sync.testing.faultproxy import INJECTABLE, Fault, FaultProxy
from tests.sync.synchelpers import assert_platform_holds_exactly, fill_store, wait_until


@pytest.fixture
def bad_link(platform):
    with FaultProxy(
        platform.running.port, latency_s=0.003, bandwidth_bps=8_000_000, fault_rate=0.3, seed=7
    ) as proxy:
        yield proxy


def test_everything_arrives_exactly_once_over_a_bad_link(
    platform, kiosk_store, make_engine, bad_link
):
    fill_store(kiosk_store, apps=25, files_per_app=2, file_size=30_000, ratings=10, requests=8)
    engine = make_engine(
        bad_link.url,
        settings=SyncSettings(batch_size=7),
        options=EngineOptions(chunk_bytes=8 * 1024),
    )
    failures = 0
    for _ in range(400):
        report = engine.run_round()  # driven directly: the backoff wait is the thread's business
        failures += not report.ok
        if report.ok and Outbox(kiosk_store).stats().depth == 0:
            break
    assert Outbox(kiosk_store).stats().depth == 0
    assert set(bad_link.stats.faults) == {f.value for f in INJECTABLE}, bad_link.stats.faults
    assert failures > 10
    states = {r["state"] for r in kiosk_store.conn.query("SELECT state FROM applications")}
    assert states == {ApplicationState.DONE.value}
    assert_platform_holds_exactly(platform.db, kiosk_store)


def test_captive_portal_page_is_not_an_acknowledgement(platform, kiosk_store, make_engine):
    apps = fill_store(kiosk_store, apps=2, ratings=0, requests=0)
    with FaultProxy(platform.running.port) as proxy:
        engine = make_engine(proxy.url)
        proxy.fault_rate, proxy.faults = 1.0, (Fault.CAPTIVE_PORTAL,)
        report = engine.run_round()
        assert not report.ok and engine.status().connection is ConnectionState.OFFLINE
        assert {kiosk_store.application(a.id).state for a in apps} == {ApplicationState.QUEUED}
        proxy.fault_rate = 0.0
        assert engine.run_until_idle().ok
    assert {kiosk_store.application(a.id).state for a in apps} == {ApplicationState.DONE}


def test_retry_after_is_honoured_and_trigger_skips_the_wait(platform, kiosk_store, make_engine):
    apps = fill_store(kiosk_store, apps=1, ratings=0, requests=0)
    waits: list[float] = []

    def wait(event: threading.Event, timeout: float) -> bool:
        waits.append(timeout)
        return event.wait(10)  # only a trigger or stop ends it; the timeout is recorded, not slept

    with FaultProxy(platform.running.port, retry_after_s=120) as proxy:
        proxy.schedule(Fault.HTTP_429)
        engine = make_engine(proxy.url, wait=wait)
        engine.start()
        wait_until(lambda: len(waits) >= 1, what="backoff after 429")
        assert waits[0] >= 120
        assert engine.status().next_attempt_in_s >= 120
        engine.trigger_now()  # connectivity changed: go now
        wait_until(
            lambda: kiosk_store.application(apps[0].id).state is ApplicationState.DONE,
            what="delivery after trigger",
        )
        engine.stop()
