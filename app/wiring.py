"""The composition root: the one place that builds the kiosk and chooses real or simulated parts.

``kiosk run`` uses the devices and platform of the terminal's settings;
``kiosk run --demo`` uses the card and printer simulators, starts the reference
platform on loopback, enrols with it, and adds the dev dock. Tests build the
same UI with :func:`build_ui` and their own devices.

Start-up (issue 16, goals 1–2): only the home screen is built before it is shown. The
other screens and both consoles are built on first use; the voice engine, the card
reader's and printer's threads and a configured sync engine start after the window's
first frame (:meth:`ui.window.KioskWindow.after_first_frame`), the sync engine on a
thread of its own since it imports the HTTP client. Heavy libraries are imported where
they are used (the sync client and its wire models, reportlab/qrcode by the PDF printers, PIL by
the photo downscaler); ``tests/ui/test_startup_imports.py`` keeps them out of the start.
"""

from __future__ import annotations

import gc
import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from devices.camera.protocol import DocumentCamera
from devices.cards.reader import CardReader
from devices.printers.protocol import Printer
from kiosk.catalogue import prepare_search
from kiosk.core import KioskCore
from kiosk.journey import Journey, Step
from kiosk.paths import KIOSK_HOME_ENV, DataDir, data_dir
from kiosk.states import ApplicationState
from kiosk.usecases.booking import BookingDesk
from kiosk.usecases.elicence import (
    LicenceAnswer,
    LicenceDesk,
    LicencePort,
    LicenceQuery,
    LicenceUnavailableError,
)
from kiosk.usecases.resident import CoreServices
from ui.devices import CameraBridge, CardReaderBridge, PrinterBridge
from ui.speech import Voice
from ui.status_bar import ConnectionSnapshot
from ui.theme import Theme
from ui.window import KioskWindow

if TYPE_CHECKING:  # imported for types only: a kiosk that never syncs does not load sync
    from central.db import CentralDB
    from kiosk.diagnostics import Report
    from sync.engine import SyncEngine
    from sync.http import Transport
    from ui.dev_dock import DevControls
    from ui.staff.console import StaffConsole
    from ui.technician.console import TechnicianConsole

log = logging.getLogger(__name__)

_WAITING = (ApplicationState.QUEUED, ApplicationState.SENDING)
SYNC_NOT_STARTED = "同步未启动，请联系技术人员"


@dataclass
class UiOptions:
    """Timings and engines; tests shorten the timers and pick the ``mock`` voice.

    ``idle_ms`` and ``countdown_s`` default (None) to the terminal's settings
    (``ui.idle_timeout_s``, ``ui.countdown_s``).
    """

    idle_ms: int | None = None
    countdown_s: int | None = None
    tick_ms: int = 1000
    voice_engine: str = ""
    printer_watch_s: float = 5.0


@dataclass
class Kiosk:
    """Everything :func:`build_ui` made, so the caller can drive and close it."""

    core: KioskCore
    services: CoreServices
    journey: Journey
    window: KioskWindow
    reader: CardReaderBridge
    printer: PrinterBridge
    voice: Voice
    closers: list[Callable[[], None]] = field(default_factory=list)
    engine: SyncEngine | None = None  # when one runs (a configured one: once started)
    camera: CameraBridge | None = None  # the document camera's bridge, when one is wired in
    search_warmup: SearchWarmUp | None = None

    def nudge_sync_after_filing(self) -> None:
        """Send new applications, ratings and requests at once instead of at the next timer round.

        The engine is looked up at each step: a configured one starts after the first frame.
        """

        def on_step(step: Step) -> None:
            engine = self.engine
            if engine is not None and step in (Step.SUBMITTED, Step.REQUEST_DONE, Step.END):
                engine.trigger_now()  # sets an event; never blocks

        self.journey.subscribe(on_step)

    def close(self) -> None:
        for closer in reversed(self.closers):
            try:
                closer()
            except Exception:
                log.exception("shutdown step failed")
        self.closers.clear()


class DeviceHealth:
    """The devices' own status enums for the heartbeat (issue 12 item 1).

    The sync engine starts before the UI builds the device bridges, so it gets this
    holder and the bridges are attached once they exist; until then (and for ``kiosk sync``
    without a UI) it reports nothing rather than a guess. Read from the sync thread: each
    ``.status`` is a single attribute read.
    """

    def __init__(self) -> None:
        self.reader: CardReaderBridge | None = None
        self.printer: PrinterBridge | None = None
        self.camera: CameraBridge | None = None

    def attach(self, kiosk: Kiosk) -> None:
        self.reader, self.printer, self.camera = kiosk.reader, kiosk.printer, kiosk.camera

    def __call__(self) -> dict[str, str]:
        states: dict[str, str] = {}
        if self.reader is not None:
            states["card_reader"] = str(self.reader.status.value)
        if self.printer is not None:
            states["printer"] = str(self.printer.status.value)
        if self.camera is not None:
            camera = self.camera.camera
            states["camera"] = str(camera.status.value) if camera is not None else "disconnected"
        return states


DEMO_CONSOLE_PASSWORD = "demo-console-2026"  # noqa: S105  # printed at demo start, loopback only
"""The demo platform's console accounts ``demo-tech`` and ``demo-clerk`` use this password."""


def storage_problem(core: KioskCore) -> str:
    """The latest failed write's short reason (e.g. "磁盘已满（剩余 0.0 MB）"); in memory, no I/O."""
    failure = core.store.conn.last_failure
    return failure.summary if failure is not None else ""


def queue_snapshot_from_store(core: KioskCore) -> Callable[[], ConnectionSnapshot]:
    """Status bar source without a sync engine: the local queue depth only."""

    def snapshot() -> ConnectionSnapshot:
        counts = core.store.count_by_state()
        label = "未配置平台" if not core.settings.platform.url else "未连接"
        return ConnectionSnapshot(
            label, sum(counts.get(s, 0) for s in _WAITING), storage_problem(core)
        )

    return snapshot


class EngineLicencePort:
    """电子证照 through the running sync engine's signed client, looked up at each lookup.

    A configured engine starts after the home screen's first frame; a lookup before that
    (or with no engine) is "unavailable", like a dead link. Importing ``sync.licences``
    here, not at start-up, keeps the HTTP client out of the home screen.
    """

    def __init__(self, engine_of: Callable[[], SyncEngine | None]) -> None:
        self.engine_of = engine_of

    def lookup(self, query: LicenceQuery) -> LicenceAnswer:
        engine = self.engine_of()
        if engine is None:
            raise LicenceUnavailableError("sync engine not started")
        from sync.licences import HttpLicencePort

        return HttpLicencePort(engine.client).lookup(query)


class SearchWarmUp:
    """The journey's catalogue and its search index, made on a thread of their own as soon as
    the home screen is up.

    The first visit after a start used to pay for them on the GUI thread: the first card read
    (or 办事 tap) parsed the whole catalogue before the item list could show — 445 ms with
    5,000 items here, seconds on a kiosk board — and the first search key built the index.
    Started at the first step of a visit instead, the warm-up only raced the resident to the
    same lock. Nothing argues for waiting any more: the index no longer loads pypinyin (its
    initials come from :mod:`kiosk.pinyin_initials`, ~0.05 s for 5,000 names), and equal
    questions and materials are shared (:mod:`kiosk.interning`), so a kiosk holds after start
    what it would hold after its first visit anyway.
    """

    def __init__(self, services: CoreServices) -> None:
        self.services = services
        self.done = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Once per process (``KioskWindow.after_first_frame``)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="kiosk-search-warmup", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        try:
            prepare_search(self.services.catalogue())
        except Exception as exc:  # the first search then does it, as before
            log.warning("search warm-up skipped: %s", type(exc).__name__)
        finally:
            self.done.set()

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=10)


class BackgroundStart:
    """Start-up work on a thread of its own, begun after the first frame (issue 16, goal 1).

    Opening the devices (the printer simulator loads PIL; a serial port may be slow to
    answer) and building the sync engine (it imports the platform client) used to delay the
    home screen.
    ``start`` is handed to :meth:`KioskWindow.after_first_frame`; the steps run in order.
    ``close`` waits for the thread, then stops an engine it started, so shutting down
    mid-start leaves nothing running (the bridges stop their devices themselves).
    """

    def __init__(self) -> None:
        self.steps: list[Callable[[], None]] = []
        self.kiosk: Kiosk | None = None
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()
        self._engine: SyncEngine | None = None  # the engine a step started
        self.sync_problem = ""  # why the engine could not start (Chinese), or ""

    def start(self) -> None:
        if self._thread is None and not self._closed.is_set():
            self._thread = threading.Thread(target=self._run, name="kiosk-start", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        for step in self.steps:
            if self._closed.is_set():
                return
            try:
                step()
            except Exception:
                log.exception("a start-up step failed")

    def start_sync(self, make: Callable[[], SyncEngine | None]) -> None:
        """A step: build and start the sync engine, then make it ``kiosk.engine``.

        An engine that cannot be built (the CA bundle or the secret file unusable, or any
        other failure) leaves its reason in :attr:`sync_problem`: the status bar says sync has
        not started (the doctor names the file), and filing goes on offline.
        """
        from sync.credentials import SyncCannotStart

        try:
            engine = make()
        except SyncCannotStart as exc:
            self.sync_problem = str(exc)
            log.error("sync engine not started: its CA bundle or secret file cannot be used")
            return
        except Exception as exc:  # anything else: still never a silent stop of sync
            self.sync_problem = f"同步程序未能启动（{type(exc).__name__}）。"
            log.exception("sync engine not started")
            return
        if engine is None:
            return
        self._engine = engine
        if self.kiosk is not None:
            self.kiosk.engine = engine

    def close(self) -> None:
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._engine is not None:
            _stop_engine(self._engine)
            self._engine = None


def _stop_engine(engine: SyncEngine) -> None:
    engine.stop(timeout=5)
    engine.client.close()


def build_ui(
    core: KioskCore,
    *,
    reader: CardReader | None,
    printer: Printer | None,
    options: UiOptions | None = None,
    status_source: Callable[[], ConnectionSnapshot] | None = None,
    dev_controls: DevControls | None = None,
    engine: SyncEngine | None = None,
    camera: DocumentCamera | None = None,
    licence_port: LicencePort | None = None,
    background: BackgroundStart | None = None,
    engine_later: bool = False,
) -> Kiosk:
    """The window on ``core`` with the given devices (started after the first frame, stopped
    by ``close``).

    With a ``camera`` (高拍仪), attachment fields become photo steps of the form. With
    ``background``, its steps run on their own thread after the first frame (they may
    attach the devices to ``kiosk.reader``/``kiosk.printer`` and set ``kiosk.engine``);
    ``engine_later`` says one of them starts a sync engine.
    """
    options = options or UiOptions()
    services = CoreServices(core)
    voice = Voice(options.voice_engine, enabled=core.settings.ui.voice, start_later=True)
    printer_bridge = PrinterBridge(printer, core, watch_interval_s=options.printer_watch_s)
    kiosk_ref: list[Kiosk] = []

    def current_engine() -> SyncEngine | None:
        return kiosk_ref[0].engine if kiosk_ref else engine

    # 电子证照 through the platform this kiosk syncs with (its engine's signed client);
    # without a platform the route is not offered.
    syncs = engine is not None or engine_later
    if licence_port is None and syncs:
        licence_port = EngineLicencePort(current_engine)
    desk = LicenceDesk(licence_port, core.clock) if licence_port is not None else None
    # 预约 / 上门服务 (issue 13 item 4): always offered; offline it stays 待确认 until synced.
    journey = Journey(
        services,
        printer_bridge,
        camera=camera is not None,
        licences=desk,
        bookings=BookingDesk(core),
    )
    camera_bridge = CameraBridge(camera) if camera is not None else None
    if camera_bridge is not None:
        camera_bridge.captured.connect(
            lambda key, content: journey.photo_taken(key, content, "image/jpeg")
        )
        camera_bridge.failed.connect(journey.photo_failed)
        camera_bridge.follow(journey)  # a missing live camera: the routes without one
    reader_bridge = CardReaderBridge(reader)
    theme = Theme(large=core.settings.ui.large_text, high_contrast=core.settings.ui.high_contrast)
    staff_console, technician_console = _consoles(
        core,
        printer_bridge,
        reader_bridge,
        voice,
        current_engine,
        syncs=syncs,
    )
    window = KioskWindow(
        journey,
        voice=voice,
        printer=printer_bridge,
        reader=reader_bridge,
        status_source=status_source or queue_snapshot_from_store(core),
        theme=theme,
        idle_ms=(
            options.idle_ms
            if options.idle_ms is not None
            else core.settings.ui.idle_timeout_s * 1000
        ),
        countdown_s=(
            options.countdown_s if options.countdown_s is not None else core.settings.ui.countdown_s
        ),
        tick_ms=options.tick_ms,
        dev_controls=dev_controls,
        staff_console=staff_console,
        technician_console=technician_console,
        camera=camera_bridge,
    )
    kiosk = Kiosk(core, services, journey, window, reader_bridge, printer_bridge, voice)
    kiosk.camera = camera_bridge
    kiosk_ref.append(kiosk)
    kiosk.engine = engine
    # None of this is needed to show the home screen: it waits for the first frame.
    window.after_first_frame(reader_bridge.start)
    window.after_first_frame(printer_bridge.start)
    window.after_first_frame(voice.start)
    window.after_first_frame(settle_heap)
    kiosk.closers.append(gc.unfreeze)
    search_warmup = SearchWarmUp(services)
    kiosk.search_warmup = search_warmup
    window.after_first_frame(search_warmup.start)
    kiosk.closers += [
        search_warmup.close,
        reader_bridge.stop,
        printer_bridge.close,
        voice.close,
        window.shutdown,
    ]
    if camera_bridge is not None:
        kiosk.closers.append(camera_bridge.close)
    if background is not None:
        background.kiosk = kiosk
        window.after_first_frame(background.start)
        kiosk.closers.append(background.close)  # closers run last first: this one first
    return kiosk


def settle_heap() -> None:
    """Collect once now and freeze what start-up built, before any resident touches the screen.

    Start-up leaves a few hundred thousand long-lived objects (Qt wrappers, the catalogue,
    style sheets). The first full (generation 2) collection after start traversed them all
    and held the GIL for about 70 ms; it fell in the first sync round, in the middle of a
    visit (`bench/bench_ui.py`'s stall while syncing: 70–100 ms, 5 ms after this). Collecting
    at this idle moment and moving the survivors to the permanent generation
    (:func:`gc.freeze`) keeps later full collections short all day. Undone at close
    (:func:`gc.unfreeze`), so a process that builds many kiosks (the tests) frees them.
    """
    gc.collect()
    gc.freeze()


def _consoles(
    core: KioskCore,
    printer: PrinterBridge,
    reader: CardReaderBridge,
    voice: Voice,
    engine_of: Callable[[], SyncEngine | None],
    *,
    syncs: bool,
) -> tuple[Callable[[], StaffConsole], Callable[[], TechnicianConsole]]:
    """Factories of the staff console (sign-in, queue, supplements) and the technician console
    (PIN, doctor), called the first time each is opened.

    Their modules are imported there too: the technician console's provisioning wizard
    imports the platform client and its wire models, time and memory that a resident's visit
    never needs (issue 16, goals 1–2).
    """

    def staff() -> StaffConsole:
        from ui.staff.console import StaffConsole

        return StaffConsole(core, printer)

    def technician() -> TechnicianConsole:
        from app.logs import export_logs
        from app.probes import in_app_report
        from kiosk.diagnostics import VoiceFact
        from ui.staff.printing import StaffPrinter
        from ui.technician.console import TechnicianConsole
        from ui.technician.wizard import ProvisioningWizard, provision_with

        def report() -> Report:
            engine = engine_of()
            return in_app_report(
                core,
                reader_status=lambda: reader.status.value,
                reader_problem=lambda: reader.problem,
                printer_status=lambda: printer.status.value,
                printer_problem=lambda: printer.problem,
                sync_health=engine.health if engine is not None else None,
                skew_s=(lambda: engine.status().skew_s) if engine is not None else None,
                voice=lambda: VoiceFact(
                    core.settings.ui.voice,
                    voice.checked or bool(voice.problem),
                    voice.problem,
                    voice.engine,
                ),
            )

        def sync_now() -> None:
            engine = engine_of()
            if engine is not None:
                engine.trigger_now()

        wizard = ProvisioningWizard(
            core, provision_with(core), reader=reader, printer=StaffPrinter(core, printer)
        )
        return TechnicianConsole(
            core,
            report,
            wizard=wizard,
            export_logs=lambda target: export_logs(
                core.data.logs, target, terminal_code=core.settings.terminal.code, now=core.clock()
            ),
            sync_now=sync_now if syncs else None,
        )

    return staff, technician


def switchable_transport() -> tuple[Transport, threading.Event]:
    """An HTTP transport the dev dock can cut (set the event): requests then fail like a dead link.

    Built on demand so a kiosk that never syncs does not import the sync client at start-up.
    """
    from sync.client import platform_transport
    from sync.http import Request, Response, TransportError

    cut = threading.Event()

    class SwitchableTransport:
        def __init__(self, inner: Transport) -> None:
            self.inner = inner

        def send(self, request: Request) -> Response:
            if cut.is_set():  # as a dead link fails: before anything is sent
                raise TransportError("network cut in the dev dock") from ConnectionRefusedError()
            return self.inner.send(request)

        def close(self) -> None:
            self.inner.close()

    return SwitchableTransport(platform_transport("")), cut


def demo_data_dir(environ: dict[str, str] | None = None) -> DataDir:
    """``$KIOSK_HOME`` if set, else a fresh temporary directory (demo needs no configuration)."""
    import os

    env = dict(os.environ) if environ is None else environ
    if env.get(KIOSK_HOME_ENV):
        return data_dir(env)
    return DataDir(Path(tempfile.mkdtemp(prefix="kiosk-demo-")))


def _start_demo_platform(
    core: KioskCore, transport: Transport, device_health: DeviceHealth | None = None
) -> tuple[SyncEngine, Callable[[], None], CentralDB]:
    """Reference platform on loopback, this terminal enrolled, the sync engine running."""
    from central.db import CentralDB
    from central.server import start_in_thread
    from sync.client import PlatformClient, enrol
    from sync.engine import SyncEngine
    from sync.protocol import EnrolRequest
    from sync.signing import decode_secret

    db_path = core.data.run / "demo-platform.sqlite3"
    url, stop_platform = start_in_thread(db_path)
    central = CentralDB(db_path)
    code = central.new_enrol_code(core.settings.terminal.region_code)
    answer = enrol(
        url,
        EnrolRequest(
            code=code,
            region_code=core.settings.terminal.region_code,
            station_name=core.settings.terminal.station_name,
        ),
    )
    from kiosk.usecases.enrolment import adopt_terminal_code
    from sync.client import Credentials

    # As provisioning does: numbers from now on (and queued ones) carry the assigned code.
    adopt_terminal_code(core.store, answer.terminal_code)
    client = PlatformClient(
        url, Credentials(answer.terminal_id, decode_secret(answer.secret)), transport=transport
    )
    engine = SyncEngine(core.store, client, core.settings.sync, device_health=device_health or dict)
    engine.start()
    _demo_console_login(central, url)

    def stop() -> None:
        engine.stop(timeout=5)
        client.close()
        central.close()
        stop_platform()

    return engine, stop, central


def _demo_console_login(central: CentralDB, url: str) -> None:
    """The demo prints where the web console is and how to sign in (issue 12)."""
    import contextlib
    import sys

    from central.console.users import UserError, add_user

    for name, role in (("demo-tech", "technician"), ("demo-clerk", "clerk")):
        with contextlib.suppress(UserError):  # made by an earlier demo here, same password
            add_user(central, name, role, "", DEMO_CONSOLE_PASSWORD)
    print(
        f"kiosk: web console {url}/console/login — sign in as demo-tech (技术人员) or "
        f"demo-clerk (窗口人员), password {DEMO_CONSOLE_PASSWORD}",
        file=sys.stderr,
    )


def _provisioned(core: KioskCore) -> bool:
    """The sync engine can start: a platform, a terminal id and a readable secret file.

    It decides both whether the engine's start is queued after the first frame and
    whether 电子证照 is offered (a terminal without its secret never reaches the platform,
    so the route would only ever end "unavailable"). The rule lives in
    :func:`sync.credentials.is_provisioned`, which reads no secret and imports no client.
    """
    from sync.credentials import is_provisioned

    return is_provisioned(core.data, core.settings)


def _late_engine_snapshot(
    core: KioskCore, late: BackgroundStart
) -> Callable[[], ConnectionSnapshot]:
    """The engine's status once it runs; until then the local queue, like an unprovisioned kiosk."""
    queue = queue_snapshot_from_store(core)

    def snapshot() -> ConnectionSnapshot:
        engine = late.kiosk.engine if late.kiosk is not None else None
        if engine is None:
            waiting = queue()
            if late.sync_problem:  # never silent: the technician's doctor says which file
                return ConnectionSnapshot(SYNC_NOT_STARTED, waiting.queue_depth, waiting.storage)
            return waiting
        status = engine.status()
        return ConnectionSnapshot(
            status.connection.label, int(status.queue_depth), storage_problem(core)
        )

    return snapshot


def _engine_snapshot(core: KioskCore, engine: SyncEngine) -> Callable[[], ConnectionSnapshot]:
    def snapshot() -> ConnectionSnapshot:
        status = engine.status()
        return ConnectionSnapshot(
            status.connection.label, int(status.queue_depth), storage_problem(core)
        )

    return snapshot


def build_kiosk(core: KioskCore, *, demo: bool, options: UiOptions | None = None) -> Kiosk:
    """Devices from the settings (or the simulators in demo), platform and sync, then the UI.

    Outside demo mode the devices are opened, and a provisioned terminal's sync engine
    started, on a background thread after the home screen's first frame
    (:class:`BackgroundStart`); the demo opens them first (its dock drives the simulators).
    """
    devices = core.settings.devices
    reader: CardReader | None = None
    printer: Printer | None = None
    if demo:
        reader = _open_reader(core, "sam:sim")
        printer = _open_printer(core, "escpos:sim")
    camera = _open_camera("sim:" if demo else devices.document_camera)
    closers: list[Callable[[], None]] = []
    status_source: Callable[[], ConnectionSnapshot] | None = None
    controls: DevControls | None = None
    engine: SyncEngine | None = None
    background: BackgroundStart | None = None
    provisioned = False
    device_health = DeviceHealth()
    if demo:
        from ui.dev_dock import DevControls

        controls = DevControls()
        status_source, engine = _demo_parts(core, reader, controls, closers, device_health)
    else:
        background = BackgroundStart()
        start = background

        def open_devices() -> None:
            kiosk = start.kiosk
            assert kiosk is not None
            opened_reader = _open_reader(core, devices.card_reader)
            if opened_reader is not None:
                kiosk.reader.attach(opened_reader)
            opened_printer = _open_printer(core, devices.receipt_printer)
            if opened_printer is not None:
                kiosk.printer.attach(opened_printer)

        background.steps.append(open_devices)
        if provisioned := _provisioned(core):
            background.steps.append(
                lambda: start.start_sync(lambda: _start_configured_sync(core, device_health))
            )
            status_source = _late_engine_snapshot(core, background)
    kiosk = build_ui(
        core,
        reader=reader,
        printer=printer,
        options=options,
        status_source=status_source,
        dev_controls=controls,
        engine=engine,
        camera=camera,
        background=background,
        engine_later=background is not None and provisioned,
    )
    kiosk.closers[:0] = closers
    device_health.attach(kiosk)
    kiosk.nudge_sync_after_filing()
    return kiosk


def _open_reader(core: KioskCore, url: str) -> CardReader | None:
    """The card reader of ``url``, or None (typed ID numbers still work)."""
    from devices.cards.factory import open_card_reader

    try:
        return open_card_reader(url, run_dir=core.data.run / "card-sim")
    except Exception:
        log.exception("card reader unavailable; typed ID numbers still work")
        return None


def _open_printer(core: KioskCore, url: str) -> Printer | None:
    """The receipt printer of ``url``, or None."""
    from devices.printers.factory import open_printer
    from printouts.escpos.profile import TextEncoding

    try:
        return open_printer(
            url,
            encoding=TextEncoding(core.settings.devices.printer_encoding),
            run_dir=core.data.run,
        )
    except Exception:
        log.exception("receipt printer unavailable")
        return None


def _open_camera(url: str) -> DocumentCamera | None:
    """The document camera of ``url``, or None (no camera: items needing papers go to the counter)."""
    from devices.camera.factory import open_camera

    def live(name: str) -> DocumentCamera:  # qt:NAME — Qt Multimedia loads only for this
        from ui.camera_qt import open_qt_camera

        return open_qt_camera(name)

    try:
        return open_camera(url, live=live)
    except Exception:
        log.exception("document camera unavailable; items that need papers go to the counter")
        return None


def _demo_parts(
    core: KioskCore,
    reader: CardReader | None,
    controls: DevControls,
    closers: list[Callable[[], None]],
    device_health: DeviceHealth | None = None,
) -> tuple[Callable[[], ConnectionSnapshot] | None, SyncEngine | None]:
    """Loopback platform, sync engine, and the dev dock's card, paper and network controls."""
    status_source: Callable[[], ConnectionSnapshot] | None = None
    engine: SyncEngine | None = None
    transport, cut = switchable_transport()
    try:
        engine, stop, central = _start_demo_platform(core, transport, device_health)
    except Exception:
        log.exception("demo platform did not start; running offline")
    else:
        closers.append(stop)
        status_source = _engine_snapshot(core, engine)
        controls.network_down = cut.set

        def network_up() -> None:
            cut.clear()
            engine.trigger_now()

        def accept_latest() -> None:
            from sync.protocol import PlatformStatus

            latest = core.store.applications(limit=1)
            if latest:
                try:
                    central.set_status(latest[0].number, PlatformStatus.ACCEPTED)
                except Exception:
                    log.warning("the platform does not know the latest application yet")
                engine.trigger_now()

        controls.network_up = network_up
        controls.platform_accept = accept_latest
    sim = getattr(reader, "simulator", None)
    if sim is not None:
        from devices.cards.sim.profiles import load_profiles

        def inserter(profile: str) -> Callable[[], None]:
            return lambda: sim.insert(profile)

        for name in sorted(load_profiles())[:4]:
            controls.cards[name] = inserter(name)
        controls.remove_card = sim.remove
    _add_printer_controls(controls, core)
    return status_source, engine


def _add_printer_controls(controls: DevControls, core: KioskCore) -> None:
    from devices.printers.factory import SIM_SOCKET
    from devices.printers.simulator.control import send_command

    socket_path = core.data.run / SIM_SOCKET

    def command(name: str) -> Callable[[], None]:
        def send() -> None:
            try:
                send_command(socket_path, name, timeout=1.0)
            except OSError:
                log.warning("printer simulator control unavailable")

        def run() -> None:  # a socket round trip: never on the GUI thread
            threading.Thread(target=send, name="dock-printer", daemon=True).start()

        return run

    controls.paper_out = command("paper-out")
    controls.paper_in = command("paper-in")


def _start_configured_sync(
    core: KioskCore, device_health: DeviceHealth | None = None
) -> SyncEngine | None:
    """The sync engine for a provisioned terminal, or None (not provisioned: the queue waits).

    The engine's thread takes the terminal's sync lock itself; with ``kiosk sync``
    running too, the outbox leases keep the two from sending an item twice.
    """
    if not core.settings.platform.url:
        return None
    from sync.credentials import SyncCannotStart, sync_start_problem

    if problem := sync_start_problem(core.data, core.settings):
        raise SyncCannotStart(problem)
    from sync.client import PlatformClient
    from sync.credentials import load_credentials
    from sync.engine import SyncEngine

    credentials = load_credentials(core.data, core.settings)
    if credentials is None:
        return None
    client = PlatformClient(
        core.settings.platform.url, credentials, ca_bundle=core.settings.platform.ca_bundle
    )
    engine = SyncEngine(core.store, client, core.settings.sync, device_health=device_health or dict)
    engine.start()
    return engine
