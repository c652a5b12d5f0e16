"""The engine against the real reference platform on 127.0.0.1: delivery, pulls, failure classes."""

from __future__ import annotations

import threading

from kiosk.settings import SyncSettings
from kiosk.states import ApplicationState, DeliveryState
from kiosk.store.outbox import Outbox
from sync.engine import ConnectionState, backoff_delay
from sync.protocol import PlatformStatus
from tests.sync.conftest import both_engines
from tests.sync.synchelpers import assert_platform_holds_exactly, fill_store, wait_until

pytest_generate_tests = both_engines  # each test on SQLite and on PostgreSQL


def _state(store, app_id):
    return store.application(app_id).state


def test_queue_drains_exactly_once_with_attachments(platform, kiosk_store, make_engine):
    apps = fill_store(kiosk_store, apps=5, files_per_app=2, file_size=40_000, ratings=3, requests=2)
    engine = make_engine()
    report = engine.run_until_idle()
    assert report.ok, report.error
    assert Outbox(kiosk_store).stats().depth == 0
    assert {_state(kiosk_store, a.id) for a in apps} == {ApplicationState.DONE}
    assert_platform_holds_exactly(platform.db, kiosk_store)
    states = {
        r["state"]
        for r in kiosk_store.conn.query(
            "SELECT state FROM ratings UNION SELECT state FROM requests"
        )
    }
    assert states == {DeliveryState.ACKNOWLEDGED.value}
    status = engine.status()
    assert status.connection is ConnectionState.ONLINE and status.queue_depth == 0
    assert status.skew_s is not None and abs(status.skew_s) < 5


def test_catalogue_pulled_by_cursor(platform, kiosk_store, make_engine):
    from sync.protocol import CatalogueEntry

    assert platform.db.seed_catalogue_if_empty() > 0
    engine = make_engine()
    first = engine.run_round()
    assert first.catalogue_items > 0
    assert engine.run_round().catalogue_items == 0  # nothing changed: nothing comes down
    item = dict(platform.db.catalogue_page(0, 1)[0][1].item)
    item["version"] += 1
    item["state"] = "closing"
    platform.db.upsert_catalogue(
        [CatalogueEntry(code=item["code"], version=item["version"], state="closing", item=item)]
    )
    assert engine.run_round().catalogue_items == 1
    assert kiosk_store.item(item["code"]).version == item["version"]


def test_statuses_come_back_and_move_applications(platform, kiosk_store, make_engine):
    apps = fill_store(kiosk_store, apps=3, ratings=0, requests=0)
    engine = make_engine()
    engine.run_until_idle()
    platform.db.set_status(apps[0].number, PlatformStatus.ACCEPTED)
    platform.db.set_status(
        apps[1].number, PlatformStatus.NEEDS_SUPPLEMENT, reason="照片不清晰", missing=["户口本首页"]
    )
    platform.db.set_status(apps[2].number, PlatformStatus.REJECTED, reason="不符合条件")
    assert engine.run_round().statuses_applied == 3
    assert _state(kiosk_store, apps[0].id) is ApplicationState.ACCEPTED
    second = kiosk_store.application(apps[1].id)
    assert second.state is ApplicationState.NEEDS_SUPPLEMENT and "户口本首页" in second.state_reason
    assert kiosk_store.application(apps[2].id).state_reason == "不符合条件"
    platform.db.set_status(apps[0].number, PlatformStatus.COMPLETED, result_notice="准予")
    assert engine.run_round().statuses_applied == 1
    assert kiosk_store.application(apps[0].id).result_notice == "准予"


def test_revoked_terminal_pauses_queue_without_losing_items(platform, kiosk_store, make_engine):
    apps = fill_store(kiosk_store, apps=2, ratings=0, requests=0)
    engine = make_engine()
    platform.db.revoke(make_engine.credentials[0].terminal_id)
    report = engine.run_round()
    assert report.auth_failed
    status = engine.status()
    assert status.paused_for_auth and status.connection is ConnectionState.AUTH_PAUSED
    assert "停用" in status.auth_reason
    assert {_state(kiosk_store, a.id) for a in apps} == {ApplicationState.QUEUED}
    assert status.queue_depth == 2


def test_conflict_quarantines_only_that_item(platform, kiosk_store, make_engine):
    from sync.protocol import ApplicationUpload, ItemKind

    apps = fill_store(kiosk_store, apps=3, files_per_app=0, ratings=0, requests=0)
    engine = make_engine()  # enrols: the queued items now carry the enrolled code
    current = kiosk_store.application(apps[1].id)
    other = ApplicationUpload.model_validate(dict(current.upload_content(), form={"x": "不同"}))
    platform.db.store_item(make_engine.credentials[0].terminal_id, ItemKind.APPLICATION, other)
    report = engine.run_until_idle()
    assert report.ok and report.quarantined == 1
    assert _state(kiosk_store, apps[1].id) is ApplicationState.QUARANTINED
    assert kiosk_store.application(apps[1].id).state_reason
    assert {_state(kiosk_store, apps[i].id) for i in (0, 2)} == {ApplicationState.DONE}


def test_wrong_kiosk_clock_is_corrected_from_server_time(platform, kiosk_store, make_engine):
    import time

    fill_store(kiosk_store, apps=1, ratings=0, requests=0)
    engine = make_engine(clock=lambda: time.time() + 3600)  # kiosk clock one hour fast
    first = engine.run_round()
    assert not first.ok and "stale" in first.error
    assert abs(engine.status().skew_s + 3600) < 5
    assert engine.run_until_idle().ok
    assert len(platform.db.applications()) == 1


def test_clock_jump_is_flagged(platform, kiosk_store, make_engine):
    import time

    shift = [0.0]
    engine = make_engine(clock=lambda: time.time() + shift[0])
    engine.run_round()
    assert not engine.status().clock_jump
    shift[0] = -86400.0 * 365
    engine.run_round()
    assert engine.status().clock_jump


def test_purge_after_retention_keeps_number_and_status(platform, kiosk_store, make_engine):
    from sync.engine import EngineOptions

    engine = make_engine(
        settings=SyncSettings(retention_days=0), options=EngineOptions(purge_every_s=0)
    )
    apps = fill_store(kiosk_store, apps=1, ratings=0, requests=0)  # filed after enrolment
    engine.run_until_idle()
    kept = kiosk_store.application(apps[0].id)
    assert kept.purged and kept.number == apps[0].number
    assert kept.applicant.name != apps[0].applicant.name


def test_background_thread_runs_on_trigger(platform, kiosk_store, make_engine):
    waits: list[float] = []

    def wait(event: threading.Event, timeout: float) -> bool:
        waits.append(timeout)
        return event.wait(5)  # a trigger (or stop) ends the wait; the timer is recorded, not slept

    engine = make_engine(settings=SyncSettings(interval_s=3600), wait=wait)
    engine.start()
    wait_until(lambda: engine.status().last_success_at is not None, what="first round")
    apps = fill_store(kiosk_store, apps=2, ratings=0, requests=0)
    engine.trigger_now()
    wait_until(
        lambda: all(_state(kiosk_store, a.id) is ApplicationState.DONE for a in apps),
        what="delivery",
    )
    engine.stop()
    assert 3600 in waits


def test_backoff_grows_with_jitter_and_is_capped():
    import random

    rng = random.Random(1)
    delays = [backoff_delay(n, 2.0, 600.0, rng) for n in range(1, 15)]
    assert 2.0 <= delays[0] <= 4.0
    assert all(d <= 600.0 for d in delays)
    assert delays[-1] >= 300.0


def test_lease_of_a_killed_engine_is_released_by_the_next(platform, kiosk_store, make_engine):
    import time

    from kiosk.store.outbox import OutboxKind
    from sync.credentials import SyncLock

    engine = make_engine(wait=lambda event, timeout: event.wait(5))
    apps = fill_store(kiosk_store, apps=1, ratings=0, requests=0)  # filed after enrolment
    # a round that died after claiming: the item is leased for ten minutes
    assert Outbox(kiosk_store).claim(OutboxKind.APPLICATION, 10, time.time(), 600)
    assert engine.run_round().delivered == 0  # the lease is respected within a process
    other = SyncLock(kiosk_store.data)
    assert other.acquire()  # while someone else holds the lock, leases are not touched
    assert not SyncLock(kiosk_store.data).acquire()
    other.release()
    engine.start()  # takes the lock, so any lease found belongs to a dead engine
    wait_until(lambda: _state(kiosk_store, apps[0].id) is ApplicationState.DONE, what="delivery")
    engine.stop()
    after = SyncLock(kiosk_store.data)
    assert after.acquire()  # released on stop
    after.release()


def test_heartbeat_reports_queue_disk_and_versions(platform, kiosk_store, make_engine):
    import json

    fill_store(kiosk_store, apps=1, ratings=0, requests=0)
    engine = make_engine(
        device_health=lambda: {"printer": "ready", "card_reader": "no_card"},
        versions={"kiosk": "0.1.0"},
    )
    engine.run_round()
    row = platform.db.query("SELECT last_heartbeat FROM terminals")[0]
    beat = json.loads(row[0])
    assert beat["queue_depth"] == 0 and beat["free_disk_bytes"] > 0
    assert beat["device_health"]["printer"] == "ready"
    assert beat["versions"] == {"protocol": "1", "kiosk": "0.1.0"}


def test_status_for_an_application_whose_ack_was_lost_is_not_skipped(
    platform, kiosk_store, make_engine
):
    import time

    from kiosk.store import sync_queries
    from kiosk.store.outbox import OutboxKind
    from sync.client import PlatformClient
    from sync.protocol import ApplicationUpload, BatchRequest

    engine = make_engine()
    apps = fill_store(kiosk_store, apps=1, files_per_app=0, ratings=0, requests=0)
    # The platform stored it but the kiosk never saw the acknowledgement: still leased and sending.
    assert Outbox(kiosk_store).claim(OutboxKind.APPLICATION, 1, time.time(), 600)
    with PlatformClient(platform.url, make_engine.credentials[0]) as other:
        other.upload_batch(
            BatchRequest(applications=[ApplicationUpload.model_validate(apps[0].upload_content())])
        )
    platform.db.set_status(apps[0].number, PlatformStatus.ACCEPTED)
    assert engine.run_round().statuses_applied == 0  # not applicable yet, and not dropped
    sync_queries.release_all_leases(kiosk_store)
    report = engine.run_round()
    assert report.delivered == 1 and report.statuses_applied == 1
    assert _state(kiosk_store, apps[0].id) is ApplicationState.ACCEPTED
