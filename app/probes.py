"""Where ``kiosk doctor`` and the in-app 诊断 screen get their facts: the probes.

The rules live in :mod:`kiosk.diagnostics` (pure, no I/O); this module gathers the
facts they judge — the devices through their factories, the store, the sync engine's
persisted health record, the disk, a TCP connection to the platform — for both front
ends: :func:`run_doctor` (the CLI, opening the terminal's data itself) and
:func:`in_app_report` (the running kiosk, with its live devices and engine).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kiosk.core import KioskCore
from kiosk.crypto import read_key
from kiosk.diagnostics import (
    ClockFact,
    DatabaseFact,
    DataKeyFact,
    DeviceFact,
    DiskFact,
    NetworkFact,
    Probes,
    QueueFact,
    Report,
    SyncFact,
    VersionFact,
    VoiceFact,
    diagnose,
)
from kiosk.errors import DataKeyError, DiskFullError, KeyMissingError, StoreError
from kiosk.paths import DataDir
from kiosk.settings import Settings, load_settings
from kiosk.store import Store
from kiosk.store.db import probe_database
from kiosk.store.outbox import Outbox
from kiosk.sync_health import HEALTH_META_KEY, SyncHealth
from kiosk.version import kiosk_version
from kiosk.workdays import shipped_calendar

if TYPE_CHECKING:
    from devices.cards.events import ReaderStatus
    from devices.printers.status import PrinterStatus

log = logging.getLogger(__name__)

DEVICE_TIMEOUT_S = 3.0
NETWORK_TIMEOUT_S = 3.0


def run_doctor(
    home: DataDir,
    *,
    test_devices: bool = True,
    now: dt.datetime | None = None,
    probe_factory: Callable[[KioskCore | None, StoreError | None, Settings, DataDir, bool], Probes]
    | None = None,
) -> Report:
    """Open the terminal's data without failing on a damaged database, then diagnose.

    Never raises for the terminal's state: a missing or foreign key, a damaged, empty,
    read-only database or a full disk each become a failed check with the reason.
    """
    with contextlib.suppress(OSError):  # read-only or full disk: the checks will say so
        home.ensure()
    settings = load_settings(home.settings_file)
    core: KioskCore | None = None
    store_error: StoreError | None = None
    try:
        store = Store(home, check_integrity=False)
        core = KioskCore(home, settings, store, shipped_calendar())
    except StoreError as exc:
        store_error = exc
    except Exception as exc:  # the doctor must report, whatever opening the store raised
        log.debug("opening the store failed", exc_info=True)
        store_error = StoreError(
            f"数据库无法打开（{type(exc).__name__}：{exc}）。",
            f"cannot open the database: {type(exc).__name__}: {exc}",
        )
    try:
        factory = probe_factory or build_probes
        probes = factory(core, store_error, settings, home, test_devices)
        return diagnose(probes, now or dt.datetime.now(dt.UTC))
    finally:
        if core is not None:
            core.close()


def build_probes(
    core: KioskCore | None,
    store_error: StoreError | None,
    settings: Settings,
    home: DataDir,
    test_devices: bool,
) -> Probes:
    """The real probes. ``core`` is None when the database could not even be opened."""

    def need_core() -> KioskCore:
        if core is None:
            raise store_error or StoreError("数据库无法打开")
        return core

    def database() -> DatabaseFact:
        if core is None:
            if isinstance(store_error, DataKeyError):
                # The key was refused; the database itself may be fine: check it without the key.
                try:
                    probe_database(home.database)
                except StoreError as exc:
                    return DatabaseFact(False, str(exc), exc.kind)
                return DatabaseFact(True)
            kind = store_error.kind if store_error is not None else "store"
            return DatabaseFact(False, str(store_error), kind)
        try:
            core.store.conn.check_integrity()
            core.store.conn.check_writable()
        except StoreError as exc:
            return DatabaseFact(False, str(exc), exc.kind)
        return DatabaseFact(True, wal_missing=core.store.conn.wal_was_missing)

    def data_key() -> DataKeyFact:
        if isinstance(store_error, DataKeyError):
            return DataKeyFact(False, str(store_error), store_error.kind)
        if core is not None:
            return DataKeyFact(True)
        try:  # the store failed for another reason: judge the key file alone
            key = read_key(home.key_file)
        except DataKeyError as exc:
            return DataKeyFact(False, str(exc), exc.kind)
        if key is None:
            return DataKeyFact(False, KeyMissingError(home.key_file).message, "key_missing")
        return DataKeyFact(True)

    def queue() -> QueueFact:
        outbox = Outbox(need_core().store)
        stats = outbox.stats()
        unreadable = stats.unreadable + len(outbox.unreadable_pending())
        return QueueFact(stats.depth, stats.oldest_seq_created_at, stats.quarantined, unreadable)

    return Probes(
        card_reader=lambda: card_reader_fact(settings, home, test_devices),
        receipt_printer=lambda: receipt_printer_fact(settings, home, test_devices),
        a4_printer=lambda: a4_printer_fact(settings, home, test_devices),
        network=lambda: network_fact(settings, home),
        sync=lambda: sync_fact(need_core(), settings),
        queue=queue,
        disk=lambda: disk_fact(home, store_full=isinstance(store_error, DiskFullError)),
        database=database,
        clock=lambda: clock_fact(need_core()),
        versions=lambda: versions_fact(need_core()),
        data_key=data_key,
        voice=lambda: voice_fact(settings, test_devices),
    )


# -- facts ------------------------------------------------------------------------------------


def card_reader_fact(settings: Settings, home: DataDir, test: bool) -> DeviceFact:
    """Start the reader and wait for its first status change (or the timeout)."""
    url = settings.devices.card_reader
    if not url:
        return DeviceFact(configured=False)
    if not test:
        return DeviceFact(configured=True, url=url, tested=False)
    from devices.cards.events import ReaderError, StatusChanged
    from devices.cards.factory import open_card_reader

    reader = open_card_reader(url, run_dir=home.run / "card-sim")
    answered = threading.Event()
    problems: list[str] = []

    def listener(event: object) -> None:
        # A port that will not open reports an error and stays disconnected (no change):
        # that is an answer too, and says why.
        if isinstance(event, ReaderError):
            problems.append(event.code.value)
        if isinstance(event, StatusChanged | ReaderError):
            answered.set()

    reader.add_listener(listener)
    reader.start()
    try:
        answered.wait(DEVICE_TIMEOUT_S)
        status = reader.status
    finally:
        reader.remove_listener(listener)
        reader.stop()
    return _reader_fact(url, status, problems[-1] if problems else "")


def _reader_fact(url: str, status: ReaderStatus, problem: str = "") -> DeviceFact:
    """``problem``: the reader's last error code, kept only while the reader is unusable."""
    from devices.cards.status import USABLE, status_message

    usable = status in USABLE
    return DeviceFact(
        True,
        url,
        status.value,
        usable,
        False,
        status_message(status),
        problem="" if usable else problem,
    )


def _printer_fact(url: str, settings: Settings, home: DataDir, test: bool) -> DeviceFact:
    if not url:
        return DeviceFact(configured=False)
    if not test:
        return DeviceFact(configured=True, url=url, tested=False)
    from devices.printers.factory import open_printer
    from printouts.escpos.profile import TextEncoding

    printer = open_printer(
        url, encoding=TextEncoding(settings.devices.printer_encoding), run_dir=home.run
    )
    try:
        status = printer.status()
        problem = printer.problem
    finally:
        printer.close()
    return _printer_status_fact(url, status, problem)


def _printer_status_fact(url: str, status: PrinterStatus, problem: str = "") -> DeviceFact:
    """``problem``: the printer's :class:`PrinterProblem`, kept only while it cannot print."""
    from devices.printers.status import CAN_PRINT, PrinterStatus, status_message

    usable = status in CAN_PRINT
    return DeviceFact(
        True,
        url,
        status.value,
        usable,
        status is PrinterStatus.PAPER_NEAR_END,
        status_message(status),
        problem="" if usable else problem,
    )


def receipt_printer_fact(settings: Settings, home: DataDir, test: bool) -> DeviceFact:
    return _printer_fact(settings.devices.receipt_printer, settings, home, test)


def a4_printer_fact(settings: Settings, home: DataDir, test: bool) -> DeviceFact:
    return _printer_fact(settings.devices.a4_printer, settings, home, test)


def voice_fact(settings: Settings, test: bool) -> VoiceFact:
    """Ask speech-dispatcher as the kiosk would (starting it if nothing listens yet)."""
    if not settings.ui.voice:
        return VoiceFact(enabled=False)
    if not test:
        return VoiceFact(True, tested=False)
    from devices.voice.ssip import answers

    return VoiceFact(True, problem=answers(DEVICE_TIMEOUT_S), engine="speechd")


def network_fact(
    settings: Settings, home: DataDir, timeout: float = NETWORK_TIMEOUT_S
) -> NetworkFact:
    """A TCP connection to the platform's host: enough to tell "no network" from "platform refuses".

    First, what would keep the sync engine from starting at all (an unusable CA bundle, a
    damaged secret file): that is a failure, whatever the network does.
    """
    url = settings.platform.url
    if not url or not settings.platform.terminal_id:
        return NetworkFact(provisioned=False)
    from sync.credentials import sync_start_problem

    if problem := sync_start_problem(home, settings):
        return NetworkFact(True, None, tls_problem=problem)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return NetworkFact(True, True)
    except TimeoutError:
        return NetworkFact(True, False, "连接超时")
    except OSError as exc:
        return NetworkFact(True, False, type(exc).__name__)


def sync_fact(core: KioskCore, settings: Settings) -> SyncFact:
    """From the health record the sync engine writes every round (it may run in another process).

    Only that record counts: a signed answer is not a success (a 403 "revoked" is signed too).
    """
    provisioned = bool(settings.platform.url and settings.platform.terminal_id)
    raw = core.store.get_meta(HEALTH_META_KEY)
    if not raw:
        return SyncFact(provisioned)
    try:
        health = SyncHealth.from_json(raw)
    except ValueError as exc:
        return SyncFact(provisioned, record_problem=str(exc))
    return sync_fact_from_health(health, provisioned)


def sync_fact_from_health(health: SyncHealth, provisioned: bool) -> SyncFact:
    """One reading of the record, for ``kiosk doctor`` and the in-app 诊断 screen alike."""
    return SyncFact(
        provisioned,
        health.last_success,
        health.auth_paused,
        health.last_error,
        auth_reason=health.auth_reason,
        connection=health.connection.value,
    )


def clock_fact(core: KioskCore) -> ClockFact:
    skew = core.store.get_meta("sync:skew_s")
    jump = core.store.get_meta("sync:clock_jump")
    return ClockFact(float(skew) if skew else None, float(jump) if jump else None)


def disk_fact(home: DataDir, *, store_full: bool = False) -> DiskFact:
    usage = shutil.disk_usage(home.root)
    return DiskFact(usage.free, usage.total, store_full)


def software_version() -> str:
    return kiosk_version()  # the one look-up (kiosk.version), as enrolment and sync report it


def versions_fact(core: KioskCore) -> VersionFact:
    return VersionFact(
        software_version(),
        core.store.catalogue_size(),  # counted, not parsed: ~0.5 s with 5,000 items
        Outbox(core.store).get_cursor("catalogue"),
    )


# -- inside the running kiosk ---------------------------------------------------------------------


def live_device_fact(
    url: str, status: str | None, *, printer: bool, problem: str = ""
) -> DeviceFact:
    """A device the running app already holds, from its bridge's last reported status
    (and its problem while it is unusable: a port this user may not open)."""
    if not url:
        return DeviceFact(configured=False)
    if status is None:
        return DeviceFact(True, url, tested=False)
    if printer:
        from devices.printers.status import PrinterStatus

        return _printer_status_fact(url, PrinterStatus(status), problem)
    from devices.cards.events import ReaderStatus

    return _reader_fact(url, ReaderStatus(status), problem)


def in_app_report(
    core: KioskCore,
    *,
    reader_status: Callable[[], str | None],
    printer_status: Callable[[], str | None],
    reader_problem: Callable[[], str] = lambda: "",
    printer_problem: Callable[[], str] = lambda: "",
    sync_health: Callable[[], SyncHealth] | None = None,
    skew_s: Callable[[], float | None] | None = None,
    voice: Callable[[], VoiceFact] | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """The 诊断 screen's report: the app's open core, live device statuses, the engine's status.

    ``sync_health`` returns the running engine's :class:`~kiosk.sync_health.SyncHealth`
    (``SyncEngine.health``); without one, the record the engine persisted is read.
    ``voice`` is the running voice's own account (its last text went through or why not);
    without one, read-aloud is reported untested.
    """
    settings = core.settings
    base = build_probes(core, None, settings, core.data, False)

    def sync() -> SyncFact:
        if sync_health is None:
            return sync_fact(core, settings)
        provisioned = bool(settings.platform.url and settings.platform.terminal_id)
        return sync_fact_from_health(sync_health(), provisioned)

    def clock() -> ClockFact:
        fact = clock_fact(core)
        live = skew_s() if skew_s is not None else None
        return fact if live is None else ClockFact(live, fact.jump_s)

    probes = Probes(
        card_reader=lambda: live_device_fact(
            settings.devices.card_reader, reader_status(), printer=False, problem=reader_problem()
        ),
        receipt_printer=lambda: live_device_fact(
            settings.devices.receipt_printer,
            printer_status(),
            printer=True,
            problem=printer_problem(),
        ),
        a4_printer=base.a4_printer,
        network=base.network,
        sync=sync,
        queue=base.queue,
        disk=base.disk,
        database=base.database,
        clock=clock,
        versions=base.versions,
        voice=voice or base.voice,
    )
    return diagnose(probes, now or core.clock())
