"""The sync engine: drains the persisted outbox to the platform and pulls what changed.

Every state lives in the kiosk's SQLite store (``kiosk.store.outbox``), never
only in memory, so a power cut or a SIGKILL at any instant loses nothing: the
lease of a dead round is released by the next engine, and resending is
harmless because the platform is idempotent on (id, content hash).

One round: catalogue pull → batch uploads until the queue is empty →
attachments of acknowledged applications (resumed from the platform's offset)
→ status pull → heartbeat → retention purge. Failures are classified
(sync contract rule 5):

- transient (network, 5xx, 429, an answer we cannot verify): stop the round and
  retry with exponential backoff and jitter, honouring Retry-After, forever;
- authentication (bad signature, revoked, unknown terminal): pause the queue
  and say so in :class:`SyncStatus` for staff;
- business (conflict, rejected): quarantine that item only; the rest flows.

The engine runs in its own thread (never the UI thread); the clock and the wait
are injected so tests drive it without sleeping.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kiosk.booking import Slot, SlotList, SlotOffer
from kiosk.catalogue import CatalogueError, item_from_dict
from kiosk.errors import StoreError
from kiosk.request_progress import PlatformRequestState
from kiosk.settings import SyncSettings
from kiosk.states import ApplicationState
from kiosk.store import booking_queries, request_queries, sync_queries
from kiosk.store.outbox import (
    UNDECRYPTABLE_ATTACHMENT_REASON,
    UNDECRYPTABLE_REASON,
    Outbox,
    OutboxEntry,
    OutboxKind,
    UnreadableRowError,
)
from kiosk.store.store import Store
from kiosk.sync_health import HEALTH_META_KEY, ConnectionState, SyncHealth
from sync.client import (
    AttachmentRejectedError,
    AuthError,
    Exchange,
    PlatformClient,
    TransientError,
)
from sync.credentials import SyncLock
from sync.protocol import (
    DELIVERED,
    PROTOCOL_VERSION,
    ApplicationUpload,
    BatchRequest,
    BookingUpload,
    ErrorCode,
    Heartbeat,
    ItemResult,
    PlatformStatus,
    RatingUpload,
    RequestUpload,
)
from sync.wire import ValidationError

log = logging.getLogger(__name__)

_KIOSK_STATE: dict[PlatformStatus, ApplicationState] = {
    PlatformStatus.RECEIVED: ApplicationState.DONE,  # 待受理: only after a reopening
    PlatformStatus.ACCEPTED: ApplicationState.ACCEPTED,
    PlatformStatus.IN_PROGRESS: ApplicationState.IN_PROGRESS,
    PlatformStatus.NEEDS_SUPPLEMENT: ApplicationState.NEEDS_SUPPLEMENT,
    PlatformStatus.COMPLETED: ApplicationState.COMPLETED,
    PlatformStatus.REJECTED: ApplicationState.REJECTED,
}
"""The kiosk's state for each platform status (``received`` is the kiosk's 已提交，等待受理)."""

Clock = Callable[[], float]
Waiter = Callable[[threading.Event, float], bool]


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """A snapshot for the UI status bar and ``kiosk doctor``; safe to read from any thread."""

    connection: ConnectionState = ConnectionState.UNKNOWN
    queue_depth: int = 0
    quarantined: int = 0
    oldest_unsent_age_s: float | None = None
    paused_for_auth: bool = False
    auth_reason: str = ""
    last_attempt_at: float | None = None
    last_success_at: float | None = None
    last_error: str = ""
    next_attempt_in_s: float | None = None
    skew_s: float | None = None
    clock_jump: bool = False
    delivered: int = 0
    attachment_bytes: int = 0
    statuses_applied: int = 0


@dataclass
class RoundReport:
    sent: int = 0
    delivered: int = 0
    quarantined: int = 0
    attachment_bytes: int = 0
    statuses_applied: int = 0
    catalogue_items: int = 0
    error: str = ""
    retry_after: float | None = None
    auth_failed: bool = False

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class EngineOptions:
    """Tunables with units; defaults suit a 256 kbit/s, 500 ms link."""

    lease_s: float = 600.0
    """How long a claimed item is reserved for this round (s); longer than one big upload."""
    chunk_bytes: int = 256 * 1024
    """Attachment chunk size: a cut costs at most one chunk, each chunk costs a round trip."""
    backoff_base_s: float = 2.0
    backoff_cap_s: float = 600.0
    heartbeat_s: float = 300.0
    purge_every_s: float = 3600.0
    clock_jump_s: float = 120.0
    """A wall-clock move this much beyond the monotonic clock is flagged as a jump."""
    auth_probe_s: float = 1800.0
    """While paused for authentication, try again this rarely (a staff trigger tries at once)."""
    extra: dict[str, Any] = field(default_factory=dict)


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, so kiosks desynchronise."""
    ceiling = min(cap, base * float(1 << min(failures, 30)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


class SyncEngine:
    """Delivers one terminal's outbox to one platform."""

    def __init__(
        self,
        store: Store,
        client: PlatformClient,
        settings: SyncSettings,
        *,
        options: EngineOptions | None = None,
        clock: Clock = time.time,
        monotonic: Clock = time.monotonic,
        wait: Waiter | None = None,
        rng: random.Random | None = None,
        device_health: Callable[[], dict[str, str]] = dict,
        versions: dict[str, str] | None = None,
        on_event: Callable[[str], None] | None = None,
        on_status: Callable[[SyncStatus], None] | None = None,
    ) -> None:
        self.store = store
        self.outbox = Outbox(store)
        self.client = client
        self.settings = settings
        self.options = options or EngineOptions()
        self._clock = clock
        self._monotonic = monotonic
        self._wait: Waiter = wait or (lambda event, timeout: event.wait(timeout))
        self._rng = rng or random.Random()
        self._device_health = device_health
        self._versions = {"protocol": PROTOCOL_VERSION, **(versions or {})}
        self._on_event = on_event
        self._on_status = on_status
        self._lock = threading.Lock()
        self._status = SyncStatus()
        self._failures = 0
        self._last_heartbeat = -1e18
        self._last_purge = -1e18
        self._clock_base: float | None = None
        self._previous_round_at: float | None = None  # from the persisted health record
        self._last_exchange: Exchange | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._take_lock = True
        client.on_exchange = self._learn_skew
        client.skew = self._current_skew
        saved = store.get_meta("sync:skew_s")
        self._skew = float(saved) if saved else 0.0
        with self._lock:
            self._status = replace(self._status, skew_s=self._skew if saved else None)
        self._restore_health()

    # --- public ------------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def start(self, *, take_lock: bool = True) -> None:
        """Run rounds in a background thread: on the timer, and whenever :meth:`trigger_now` is called.

        With ``take_lock`` the thread takes the terminal's sync lock (``run/sync.lock``) and,
        holding it, releases the leases a killed engine left; if another process holds the
        lock (say ``kiosk sync`` in a terminal) this engine still runs, and the leases keep
        the two from sending the same item at once. Pass False when the caller already holds
        the lock and released the leases.
        """
        if self._thread is not None:
            return
        self._take_lock = take_lock
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="sync-engine", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """End the loop and wait up to ``timeout`` s for its thread; False if it is still busy.

        The loop ends between rounds, and :meth:`run_until_idle` between rounds too; a request
        already on the wire is not interrupted, so a caller that must return promptly (``kiosk
        sync`` after Ctrl-C) passes a short timeout and may leave the daemon thread behind:
        every state is in the store, so that costs no more than a SIGKILL would.
        """
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def trigger_now(self) -> None:
        """Connectivity came back (or staff pressed "sync now"): skip the backoff, run a round."""
        self._failures = 0
        self._wake.set()

    def release_stale_leases(self) -> int:
        """Call once at start, holding :class:`sync.credentials.SyncLock`."""
        return sync_queries.release_all_leases(self.store)

    def run_until_idle(self, max_rounds: int = 1000) -> RoundReport:
        """Rounds until the queue is empty or a round fails (``kiosk sync --once``)."""
        total = RoundReport()
        for _ in range(max_rounds):
            report = self.run_round()
            total.sent += report.sent
            total.delivered += report.delivered
            total.quarantined += report.quarantined
            total.attachment_bytes += report.attachment_bytes
            total.statuses_applied += report.statuses_applied
            total.catalogue_items += report.catalogue_items
            if not report.ok:
                total.error, total.retry_after = report.error, report.retry_after
                total.auth_failed = report.auth_failed
                return total
            if self._stop.is_set():  # stop() was called: not another round of a long queue
                return total
            if self.outbox.stats().depth == 0 or report.sent + report.attachment_bytes == 0:
                return total
        return total

    def run_round(self) -> RoundReport:
        """One full pass; never raises for network or platform trouble (the report says)."""
        report = RoundReport()
        started = self._clock()
        self._check_clock()
        if self.outbox.forget_future_times(started, self.options.lease_s):
            log.warning("outbox times ahead of the clock were reset (the clock was set back)")
        self._update(last_attempt_at=started)
        if self.status().paused_for_auth:
            self._emit("queue paused for authentication; probing the platform")
        try:
            report.catalogue_items = self._pull_catalogue()
            self._update(connection=ConnectionState.ONLINE, paused_for_auth=False, auth_reason="")
            self._upload_all(report)
            self._upload_attachments(report)
            report.statuses_applied = self._pull_statuses()
            self._pull_request_updates()
            self._pull_slots()
            self._heartbeat()
        except TransientError as exc:
            report.error, report.retry_after = str(exc), exc.retry_after
            self._failures += 1
            self._update(connection=ConnectionState.OFFLINE, last_error=report.error)
            log.info("sync round failed (transient): %s", exc)
        except AuthError as exc:
            report.error, report.auth_failed = str(exc), True
            self._update(
                connection=ConnectionState.AUTH_PAUSED,
                paused_for_auth=True,
                auth_reason=_auth_reason(exc.code),
                last_error=report.error,
            )
            log.warning("sync paused: platform refused this terminal (%s)", exc.code.value)
        except StoreError as exc:
            # The terminal's own storage failed (disk full, database trouble): not the link's
            # fault and not something a retry of this round fixes by itself; say so.
            report.error = f"local store: {exc}"
            self._failures += 1
            self._update(last_error=report.error)
            log.error("sync round stopped by a local store error: %s", type(exc).__name__)
        else:
            self._failures = 0
            self._update(last_success_at=self._clock(), last_error="")
        self._persist_health()
        self._persist_clocks()
        self._purge_if_due()
        self._refresh_queue_stats(report)
        return report

    # --- the loop ----------------------------------------------------------------------------

    def _loop(self) -> None:
        lock = SyncLock(self.store.data) if self._take_lock else None
        if lock is not None:
            if lock.acquire():
                self.release_stale_leases()
            else:
                log.warning("another sync process holds the lock; its leases are respected")
                lock = None
        try:
            self._rounds()
        finally:
            if lock is not None:
                lock.release()

    def _rounds(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.run_until_idle()
            except Exception:  # a bug must not kill the only thread that delivers
                log.exception("sync round crashed")
                report = RoundReport(error="internal error")
                self._failures += 1
            if self._stop.is_set():
                break
            delay = self._next_delay(report)
            self._update(next_attempt_in_s=delay)
            self._wait(self._wake, delay)
            self._wake.clear()

    def _next_delay(self, report: RoundReport) -> float:
        if report.auth_failed:
            return self.options.auth_probe_s
        if report.ok:
            return float(self.settings.interval_s)
        delay = backoff_delay(
            self._failures, self.options.backoff_base_s, self.options.backoff_cap_s, self._rng
        )
        if report.retry_after is not None:
            delay = max(delay, report.retry_after)
        return delay

    # --- uploads -----------------------------------------------------------------------------

    def _upload_all(self, report: RoundReport) -> None:
        while True:
            now = self._clock()
            limit = self.settings.batch_size
            # The three claims share one transaction: one commit (and fsync) per batch.
            with self.store.conn.write():
                entries = self.outbox.claim(
                    OutboxKind.APPLICATION, limit, now, self.options.lease_s
                )
                room = limit - len(entries)
                if room > 0:
                    entries += self.outbox.claim(OutboxKind.RATING, room, now, self.options.lease_s)
                    room = limit - len(entries)
                if room > 0:
                    entries += self.outbox.claim(
                        OutboxKind.REQUEST, room, now, self.options.lease_s
                    )
                if limit > len(entries) and booking_queries.pending_in_outbox(self.store):
                    for kind in (OutboxKind.BOOKING, OutboxKind.HOME_VISIT):  # issue 13 item 4
                        room = limit - len(entries)
                        if room > 0:
                            entries += self.outbox.claim(kind, room, now, self.options.lease_s)
            if not entries:
                return
            self._upload_batch(entries, report)

    def _upload_batch(self, entries: list[OutboxEntry], report: RoundReport) -> None:
        uploads: dict[str, list[Any]] = {f: [] for f in set(_UPLOAD_FIELDS.values())}
        by_key: dict[tuple[str, str], OutboxEntry] = {}
        for entry in entries:
            try:
                payload = self.outbox.payload(entry)
                payload.pop("content_hash", None)
                uploads[_UPLOAD_FIELDS[entry.kind]].append(_upload(entry.kind, payload))
                by_key[entry.kind.value, entry.item_id] = entry  # the ack's (kind, id)
            except UnreadableRowError:
                # One damaged row (a flipped bit, a foreign key file) must never hold up the
                # others: take it out of the flow with a reason staff can read.
                self.outbox.quarantine(entry, UNDECRYPTABLE_REASON)
                report.quarantined += 1
                log.error(
                    "quarantined %s %s: data cannot be decrypted", entry.kind.value, entry.item_id
                )
            except (ValidationError, KeyError, ValueError, TypeError) as exc:
                # Never put the validator's message in the reason: it may quote personal input.
                self.outbox.quarantine(entry, f"本机数据不完整，无法发送（{_where(exc)}）")
                report.quarantined += 1
                log.warning(
                    "quarantined %s %s: invalid local data", entry.kind.value, entry.item_id
                )
        if not by_key:
            return
        batch = BatchRequest(
            applications=uploads["applications"],
            ratings=uploads["ratings"],
            requests=uploads["requests"],
            bookings=uploads["bookings"],
        )
        report.sent += len(by_key)
        self._emit(f"sending {len(by_key)} items")
        try:
            ack = self.client.upload_batch(batch)
        except TransientError as exc:
            now = self._clock()
            for entry in by_key.values():
                self.outbox.retry_later(entry, now, str(exc))
            raise
        except BaseException:
            self.outbox.release(list(by_key.values()))
            raise
        # One transaction for the whole acknowledgement: one fsync instead of one per item
        # (the store nests each item's write as a savepoint). Dying halfway rolls back to
        # "not acknowledged", and resending is harmless: the platform answers duplicate.
        # The delivered items are recorded together (a few statements per batch, not per item).
        with self.store.conn.write():
            delivered: list[OutboxEntry] = []
            for result in ack.results:
                entry = by_key[result.kind.value, result.id]
                if self._record(entry, result, report):
                    delivered.append(entry)
            at = dt.datetime.fromtimestamp(self._clock(), dt.UTC)
            self.outbox.acknowledged_many(delivered, at)
            self._confirm_bookings(ack.results)

    def _confirm_bookings(self, results: list[ItemResult]) -> None:
        """A delivered window booking's confirmed slot: 待确认 becomes 已确认 (issue 13 item 4)."""
        for result in results:
            if result.slot and result.outcome in DELIVERED:
                booking_queries.confirm(self.store, result.id, result.slot)

    def _record(self, entry: OutboxEntry, result: ItemResult, report: RoundReport) -> bool:
        """True when the item was delivered (the caller acknowledges it); quarantines it otherwise."""
        if result.outcome in DELIVERED:
            report.delivered += 1
            log.info("%s %s delivered (%s)", entry.kind.value, entry.item_id, result.outcome)
            return True
        reason = (
            result.reason
            or {
                "conflict": "平台已有同一编号但内容不同的记录，已隔离，请工作人员核查",
                "rejected": "平台拒收",
            }[result.outcome.value]
        )
        self.outbox.quarantine(entry, reason)
        report.quarantined += 1
        log.warning("%s %s quarantined: %s", entry.kind.value, entry.item_id, result.outcome)
        return False

    def _upload_attachments(self, report: RoundReport) -> None:
        while True:
            # One application at a time: a failure must not leave other claims leased.
            entries = self.outbox.claim(
                OutboxKind.ATTACHMENTS, 1, self._clock(), self.options.lease_s
            )
            if not entries:
                return
            self._upload_files_of(entries[0], report)

    def _upload_files_of(self, entry: OutboxEntry, report: RoundReport) -> None:
        try:
            for pending in self.outbox.pending_attachments(entry.item_id):
                state = self.client.attachment_state(pending.sha256)
                if not state.complete:
                    content = self.outbox.attachment_content(pending.sha256)
                    offset = state.offset
                    while offset < len(content):
                        chunk = content[offset : offset + self.options.chunk_bytes]
                        state = self.client.upload_chunk(pending.sha256, offset, chunk)
                        report.attachment_bytes += len(chunk)
                        if state.offset <= offset and not state.complete:
                            raise TransientError("platform did not advance the upload offset")
                        offset = state.offset
                        if state.complete:
                            break
                self.outbox.attachment_uploaded(
                    entry.item_id, pending.sha256, dt.datetime.fromtimestamp(self._clock(), dt.UTC)
                )
                self._emit(f"attachment {pending.sha256[:12]} of {entry.item_id} uploaded")
        except TransientError as exc:
            self.outbox.retry_later(entry, self._clock(), str(exc))
            raise
        except UnreadableRowError:
            self.outbox.quarantine(entry, UNDECRYPTABLE_ATTACHMENT_REASON)
            report.quarantined += 1
            log.error("quarantined attachments of %s: file cannot be decrypted", entry.item_id)
        except AttachmentRejectedError as exc:
            if exc.code is ErrorCode.HASH_MISMATCH and entry.attempts < 3:
                self.outbox.retry_later(entry, self._clock(), "attachment hash mismatch")
            else:
                self.outbox.quarantine(entry, "附件未能被平台接收（校验失败），请工作人员核查")
                report.quarantined += 1
        except BaseException:
            self.outbox.release([entry])
            raise

    # --- pulls -------------------------------------------------------------------------------

    def _pull_catalogue(self) -> int:
        cursor = int(self.outbox.get_cursor("catalogue") or 0)
        count = 0
        while True:
            page = self.client.pull_catalogue(cursor)
            items = []
            for entry in page.entries:
                try:
                    items.append(item_from_dict(entry.item))
                except CatalogueError:
                    log.warning(
                        "catalogue item %s v%s unusable; skipped", entry.code, entry.version
                    )
            if items:
                self.store.save_catalogue(items)
            count += len(items)
            cursor = page.cursor
            self.outbox.set_cursor("catalogue", str(cursor))
            if not page.more:
                return count

    def _pull_slots(self) -> None:
        """Cache the township centre's window slots for offline booking (issue 13 item 4)."""
        page = self.client.pull_slots()
        booking_queries.cache_slots(
            self.store,
            SlotList(
                page.centre,
                tuple(SlotOffer(Slot.parse(o.slot), o.remaining) for o in page.slots),
                True,  # no time stamp: the cache is rewritten only when the slots change
            ),
        )

    def _pull_statuses(self) -> int:
        cursor = int(self.outbox.get_cursor("statuses") or 0)
        applied = 0
        while True:
            page = self.client.pull_statuses(cursor)
            for update in page.updates:
                local = sync_queries.application_state(self.store, update.application_id)
                if local in (ApplicationState.QUEUED.value, ApplicationState.SENDING.value):
                    # The platform has it but our acknowledgement was lost: take this update
                    # again after the upload (the next round), instead of dropping it.
                    return applied
                if update.materials_received is not None:
                    # Promised materials a clerk took in: no state change (issue 13 item 3).
                    applied += self.outbox.apply_materials_received(
                        update.application_id,
                        [(m.name, m.received_on) for m in update.materials_received],
                    )
                    cursor = update.seq
                    self.outbox.set_cursor("statuses", str(cursor))
                    continue
                reason = update.reason
                if update.status is PlatformStatus.NEEDS_SUPPLEMENT and update.missing:
                    reason = (
                        (reason + "；" if reason else "") + "需补：" + "、".join(update.missing)
                    )
                if self.outbox.apply_platform_status(
                    update.application_id,
                    _KIOSK_STATE[update.status],
                    reason,
                    dt.datetime.fromtimestamp(update.changed_at, dt.UTC),
                    update.result_notice,
                    accepted_on=update.accepted_on,
                    due_on=update.due_on,
                    reopened=update.reopened,
                ):
                    applied += 1
                cursor = update.seq
                self.outbox.set_cursor("statuses", str(cursor))
            if not page.more:
                return applied

    def _pull_request_updates(self) -> int:
        """Clerks' answers to this terminal's requests (诉求): state and reply, in order."""
        cursor = int(self.outbox.get_cursor("request-updates") or 0)
        applied = 0
        while True:
            page = self.client.pull_request_updates(cursor)
            for update in page.updates:
                if request_queries.apply_request_update(
                    self.store,
                    update.request_id,
                    PlatformRequestState(update.state.value),
                    update.reply,
                    dt.datetime.fromtimestamp(update.changed_at, dt.UTC),
                ):
                    applied += 1
                cursor = update.seq
                self.outbox.set_cursor("request-updates", str(cursor))
            if not page.more:
                return applied

    def _heartbeat(self) -> None:
        now = self._monotonic()
        if now - self._last_heartbeat < self.options.heartbeat_s:
            return
        stats = self.outbox.stats()
        oldest = sync_queries.oldest_unsent_created_at(self.store)
        age = None
        if oldest:
            age = max(0.0, self._clock() - dt.datetime.fromisoformat(oldest).timestamp())
        try:
            devices = {k: str(v) for k, v in self._device_health().items()}
        except Exception:  # a device bridge must never stop the heartbeat that reports it
            log.exception("device states unavailable for the heartbeat")
            devices = {}
        from kiosk.version import kiosk_version

        self.client.heartbeat(
            Heartbeat(
                queue_depth=stats.depth,
                oldest_unsent_age_s=age,
                quarantined=stats.quarantined,
                device_health=devices,
                versions=self._versions,
                free_disk_bytes=shutil.disk_usage(self.store.data.root).free,
                terminal_time=self._clock(),
                kiosk_version=self._versions.get("kiosk") or kiosk_version(),
                os=_os_name(),
                uptime_s=_process_uptime_s(),
                last_sync_success=self.status().last_success_at,
                settings_revision=_settings_revision(self.store.data.settings_file),
            )
        )
        self._last_heartbeat = now

    # --- retention, clocks, status -------------------------------------------------------------

    def _purge_if_due(self) -> None:
        now = self._monotonic()
        if now - self._last_purge < self.options.purge_every_s:
            return
        self._last_purge = now
        cutoff = dt.datetime.fromtimestamp(self._clock(), dt.UTC) - dt.timedelta(
            days=self.settings.retention_days
        )
        purged = self.store.purge_personal_data(cutoff)
        if purged:
            log.info("purged personal data of %d delivered applications", purged)

    def _learn_skew(self, exchange: Exchange) -> None:
        """Learn the skew from every verified answer; requests are stamped with our time + skew.

        Both clocks are kept in memory per exchange and persisted once per round
        (see :meth:`_persist_clocks`), not per request: each store write is an fsync.
        """
        self._skew = exchange.skew
        self._last_exchange = exchange
        self._update(skew_s=exchange.skew)

    def _restore_health(self) -> None:
        """Start from what the last engine (maybe another process) recorded, not from "unknown".

        A queue paused for authentication stays paused after a restart until a round gets through.
        """
        raw = self.store.get_meta(HEALTH_META_KEY)
        if not raw:
            return
        try:
            health = SyncHealth.from_json(raw)
        except ValueError:
            log.warning("sync health record unreadable; starting afresh")
            return
        self._previous_round_at = health.round_at
        self._update(
            last_success_at=health.last_success_at,
            paused_for_auth=health.auth_paused,
            auth_reason=health.auth_reason,
            last_error=health.last_error,
            connection=ConnectionState.AUTH_PAUSED
            if health.auth_paused
            else ConnectionState.UNKNOWN,
        )

    def health(self) -> SyncHealth:
        """The typed record of the latest round (what :meth:`_persist_health` writes)."""
        status = self.status()
        return SyncHealth(
            connection=status.connection,
            round_at=status.last_attempt_at or self._clock(),
            last_success_at=status.last_success_at,
            last_error=status.last_error,
            auth_paused=status.paused_for_auth,
            auth_reason=status.auth_reason,
            consecutive_failures=self._failures,
        )

    def _persist_health(self) -> None:
        """One record per round, replaced whole: ``kiosk doctor`` in another process reads it."""
        try:
            self.store.set_meta(HEALTH_META_KEY, self.health().to_json())
        except StoreError as exc:  # a full disk must not turn into a crashed sync thread
            log.error("could not record sync health: %s", type(exc).__name__)

    def _persist_clocks(self) -> None:
        exchange = self._last_exchange
        if exchange is None:
            return
        self._last_exchange = None
        try:
            self.store.set_meta("sync:skew_s", f"{exchange.skew:.3f}")
            self.store.set_meta(
                "sync:last_exchange",
                f'{{"terminal_time": {exchange.received_at:.3f}, '
                f'"server_time": {exchange.server_time:.3f}}}',
            )
        except StoreError as exc:  # a full disk: the round already said so; no traceback
            log.error("could not record the clocks: %s", type(exc).__name__)

    def _current_skew(self) -> float:
        return self._skew

    def _check_clock(self) -> None:
        """Flag the wall clock moving differently from the monotonic clock (someone set it).

        Across processes and reboots (the monotonic clock restarts) a clock set back still
        shows: this round would start before the last recorded round did.
        """
        now = self._clock()
        base = now - self._monotonic()
        jump: float | None = None
        if (
            self._clock_base is not None
            and abs(base - self._clock_base) > self.options.clock_jump_s
        ):
            jump = base - self._clock_base
        elif (
            self._clock_base is None
            and self._previous_round_at is not None
            and now < self._previous_round_at - self.options.clock_jump_s
        ):
            jump = now - self._previous_round_at
        if jump is not None:
            log.warning("wall clock jumped by %.0f s", jump)
            self.store.set_meta("sync:clock_jump", f"{jump:.0f}")
            self._update(clock_jump=True)
        self._clock_base = base

    def _refresh_queue_stats(self, report: RoundReport) -> None:
        stats = self.outbox.stats()
        age = None
        if stats.oldest_seq_created_at is not None:
            age = max(0.0, self._clock() - stats.oldest_seq_created_at.timestamp())
        with self._lock:
            s = self._status
            self._status = replace(
                s,
                queue_depth=stats.depth,
                quarantined=stats.quarantined,
                oldest_unsent_age_s=age,
                delivered=s.delivered + report.delivered,
                attachment_bytes=s.attachment_bytes + report.attachment_bytes,
                statuses_applied=s.statuses_applied + report.statuses_applied,
            )
            snapshot = self._status
        if self._on_status is not None:
            self._on_status(snapshot)

    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _emit(self, message: str) -> None:
        if self._on_event is not None:
            self._on_event(message)


def _where(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['type']}"
    return type(exc).__name__


def _auth_reason(code: ErrorCode) -> str:
    return {
        ErrorCode.REVOKED: "本终端已被平台停用，请联系上级管理部门",
        ErrorCode.UNKNOWN_TERMINAL: "平台不认识本终端，请技术人员重新注册（kiosk provision）",
        ErrorCode.BAD_SIGNATURE: "终端密钥与平台不一致，请技术人员重新注册（kiosk provision）",
    }.get(code, "平台拒绝了本终端的认证")


__all__ = [
    "ConnectionState",
    "EngineOptions",
    "RoundReport",
    "SyncEngine",
    "SyncStatus",
    "backoff_delay",
]


_UPLOAD_FIELDS = {
    OutboxKind.APPLICATION: "applications",
    OutboxKind.RATING: "ratings",
    OutboxKind.REQUEST: "requests",
    OutboxKind.BOOKING: "bookings",  # issue 13 item 4
    OutboxKind.HOME_VISIT: "bookings",
}
"""Where each kind of outbox item goes in a :class:`BatchRequest`."""


def _upload(
    kind: OutboxKind, payload: dict[str, Any]
) -> ApplicationUpload | RatingUpload | RequestUpload | BookingUpload:
    """The wire model of one outbox item (a ValidationError propagates to the caller)."""
    if kind is OutboxKind.APPLICATION:
        return ApplicationUpload.model_validate(payload)
    if kind is OutboxKind.RATING:
        return RatingUpload.model_validate(payload)
    if kind in (OutboxKind.BOOKING, OutboxKind.HOME_VISIT):
        return BookingUpload.model_validate(payload)
    return RequestUpload.model_validate(payload)


# --- heartbeat facts (issue 12 item 1) -------------------------------------------------------


def _os_name() -> str:
    """``Debian GNU/Linux 12 (bookworm) 6.1.0-…``: what a technician needs to match a fault."""
    import platform

    try:
        pretty = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:
        pretty = platform.system()
    return f"{pretty} {platform.release()}".strip()[:128]


def _process_uptime_s() -> float | None:
    """Seconds since this kiosk process started (a restart loop shows as a small uptime)."""
    import os

    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as up:
            boot_uptime = float(up.read().split()[0])
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return max(0.0, boot_uptime - started)


def _settings_revision(path: Path) -> str | None:
    """A short hash of ``terminal.toml``: two terminals with the same one run the same settings."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None
