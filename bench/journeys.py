"""The resident's visits, driven by taps on the real widgets: shared by two benches.

``bench_ui --only-taps`` times every tap of these visits (issue 16, goal 3: tap → next screen
painted); ``bench_day`` runs a thousand of them and counts what is left behind (goal 6: a day
without leaks). Both need the same thing: a kiosk built as the UI tests build it (the SAM card
simulator on a pseudo-terminal, the ESC/POS printer simulator on a socket, optionally the
loopback reference platform for e-licences and a simulated document camera), and a resident
who taps visible buttons — never calls the journey directly — so every screen's ``refresh()``,
every signal and every widget the visit builds is exercised exactly as at a terminal.

A tap is timed from just before ``QTest.mouseClick`` until the screen shown afterwards has
been painted: pending events processed (layout, the queued show), deferred deletions done
(what the event loop would do before it idles), then a synchronous ``repaint()``. An event
filter waiting for the paint event crashed PySide6 6.12 (``none_dealloc``), so the paint is
forced instead. Device events (a card read, a photo) are timed from the device thread's
event to the painted screen.

Qt must be imported after ``QT_QPA_PLATFORM`` is set: import this module from a process
that has set it (both benches do).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget

CARD = "resident-longterm"  # 李秀英, 130608195804123029: a 户口簿 in the sample e-licence library
PHONE = "13812345678"
PENSION = "RS-YL-001"  # 城乡居民养老保险参保登记: no papers needed
PROMISE_ITEM = "MZ-GL-001"  # 高龄津贴: the 户口簿 may be promised or fetched as an e-licence
BOOKING_ITEM = "CL-ZZ-001"  # 残疾人证申领: a photo of the person; booked instead (no camera)
PHOTO_ITEM = "MZ-YD-001"  # 老年人优待证办理: the 一寸免冠照片 (with a document camera)

Record = Callable[[str, float], None]


def _nothing(_row: str, _ms: float) -> None:
    """Records nothing (the day bench drives the same visits untimed)."""


@dataclass
class BenchKiosk:
    """A kiosk on real simulators, as ``tests/ui/conftest.py`` builds it, and how to close it."""

    kiosk: Any  # app.wiring.Kiosk
    card_sim: Any  # devices.cards.sim.sam_simulator.SamSimulator
    printer_sim: Any  # devices.printers.simulator.server.PrinterSimulator
    reader: Any  # devices.cards.reader.CardReader
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def journey(self) -> Any:
        return self.kiosk.journey

    @property
    def window(self) -> Any:
        return self.kiosk.window

    def close(self) -> None:
        for close in reversed(self.closers):
            close()
        self.closers.clear()


def open_kiosk(
    run_dir: Path, *, camera: bool = False, platform: bool = True, idle_ms: int = 600_000
) -> BenchKiosk:
    """The kiosk on ``$KIOSK_HOME`` with the card and printer simulators.

    ``platform``: the loopback reference platform with its sample e-licence library, this
    terminal enrolled (the e-licence route); ``camera``: a simulated 高拍仪 (photo steps).
    """
    from app.wiring import UiOptions, build_ui
    from devices.cards.factory import open_card_reader
    from devices.cards.sam_reader import SamTimings
    from devices.printers.escpos_serial import EscPosPrinter
    from devices.printers.simulator.server import PrinterSimulator
    from kiosk.core import KioskCore

    run_dir.mkdir(parents=True, exist_ok=True)
    closers: list[Callable[[], None]] = []
    core = KioskCore.open()
    closers.append(core.close)
    reader = open_card_reader(
        "sam:sim",
        run_dir=run_dir / "card-sim",
        timings=SamTimings(poll_interval=0.02, reconnect_interval=0.05),
    )
    printer_sim = PrinterSimulator().start()
    closers.append(printer_sim.stop)
    printer = EscPosPrinter(printer_sim.port, printer_sim.profile, status_timeout=0.5)
    licence_port = None
    if platform:
        licence_port = _loopback_platform(core, run_dir, closers)
    the_camera = None
    if camera:
        from devices.camera.simulator import SimulatedCamera

        the_camera = SimulatedCamera(title="一寸免冠照片", size=(2480, 3508))
    options = UiOptions(
        idle_ms=idle_ms, countdown_s=3, tick_ms=20, voice_engine="mock", printer_watch_s=0
    )
    kiosk = build_ui(
        core,
        reader=reader,
        printer=printer,
        options=options,
        camera=the_camera,
        licence_port=licence_port,
    )
    closers.append(kiosk.close)
    kiosk.window.resize(1920, 1080)
    kiosk.window.show()
    QApplication.processEvents()
    return BenchKiosk(kiosk, getattr(reader, "simulator"), printer_sim, reader, closers)  # noqa: B009


def _loopback_platform(core: Any, run_dir: Path, closers: list[Callable[[], None]]) -> Any:
    """The reference platform on 127.0.0.1 (sample catalogue and e-licence library), enrolled."""
    from central.server import start_in_thread
    from kiosk.usecases.enrolment import adopt_terminal_code
    from sync.client import Credentials, PlatformClient, enrol
    from sync.licences import HttpLicencePort
    from sync.protocol import EnrolRequest
    from sync.signing import decode_secret

    db_path = run_dir / "platform.sqlite3"
    url, stop_platform = start_in_thread(db_path)
    closers.append(stop_platform)
    from central.db import CentralDB

    central = CentralDB(db_path)
    region = "130608001000"
    answer = enrol(
        url,
        EnrolRequest(
            code=central.new_enrol_code(region), region_code=region, station_name="基准站"
        ),
    )
    central.close()
    adopt_terminal_code(core.store, answer.terminal_code)
    client = PlatformClient(url, Credentials(answer.terminal_id, decode_secret(answer.secret)))
    closers.append(client.close)
    return HttpLicencePort(client)


def residents(card_sim: Any, count: int, first: int = 0) -> list[str]:
    """``count`` residents: the simulator's 李秀英 with as many valid ID numbers (women, as on
    her card), so each has a handful of applications, as at a village station — one card
    filing everything would make 我的办件 grow with every round of a bench."""
    from kiosk.identity import id_check_digit

    base = card_sim.profiles[CARD]
    names = []
    for n in range(first, first + count):
        first17 = f"13060819580412{2 * n:03d}"  # n < 500; an even 17th digit: a woman
        values = {**base.values, "id_number": first17 + id_check_digit(first17)}
        name = f"resident-{n:03d}"
        card_sim.profiles[name] = dataclasses.replace(base, name=name, values=values)
        names.append(name)
    return names


def settle() -> None:
    """What the event loop does before it idles: pending events, then deferred deletions.

    The deletions are left to one turn of a real event loop: calling
    ``sendPostedEvents(None, DeferredDelete)`` from Python instead leaks ~26 bytes per deleted
    widget in PySide6 6.11 (a bench artefact the kiosk's own event loop never has).
    """
    app = QApplication.instance()
    assert app is not None
    app.processEvents()
    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    loop.exec()


def timed_click(button: QPushButton, shown: Callable[[], QWidget], record: Record) -> None:
    """Click ``button``; record ms until the widget ``shown()`` then returns has been painted.

    The same measure for the kiosk and for its floor (a bare QStackedWidget switch).
    """
    settle()
    start = time.perf_counter()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    settle()
    shown().repaint()
    record("", (time.perf_counter() - start) * 1000)


class Resident:
    """Taps visible buttons of the kiosk's current screen; each tap may be timed (``record``)."""

    def __init__(self, rig: BenchKiosk, record: Record = _nothing) -> None:
        self.rig = rig
        self.record = record
        self.card_profile = CARD  # whose card goes on the reader (the day bench varies it)
        self._card_read_at: list[float] = []
        rig.reader.add_listener(self._card_event)
        self._photo_at: list[float] = []
        if rig.kiosk.camera is not None:
            rig.kiosk.camera.captured.connect(
                self._photo_arrived, Qt.ConnectionType.DirectConnection
            )

    # -- where we are ------------------------------------------------------------------------

    @property
    def step(self) -> Any:
        return self.rig.journey.step

    @property
    def screen(self) -> QWidget:
        screen: QWidget = self.rig.window.router.current
        return screen

    def visible(self, name: str, kind: type[QWidget] = QPushButton) -> Any:
        """The visible widget called ``name`` on the current screen (or the banner), or None."""
        QApplication.processEvents()
        for widget in self.screen.findChildren(kind, name):
            if widget.isVisible():
                return widget
        for widget in self.rig.window.findChildren(kind, name):
            if widget.isVisible():
                return widget
        return None

    def find(self, name: str, kind: type[QWidget] = QPushButton) -> Any:
        widget = self.visible(name, kind)
        if widget is None:
            raise RuntimeError(f"no visible {name} on {self.screen.objectName()}")
        return widget

    def text(self, name: str) -> str:
        widget = self.screen.findChild(QLabel, name) or self.screen.findChild(QLineEdit, name)
        return "" if widget is None else str(widget.text())

    # -- taps ----------------------------------------------------------------------------------

    def tap(self, name: str, row: str | None = None) -> None:
        """Tap ``name``; recorded as ``row`` (default ``"<step> › <name> → <next step>"``)."""
        button = self.find(name)
        if not button.isEnabled():
            raise RuntimeError(f"{name} is disabled on {self.screen.objectName()}")
        before = self.step.value

        def record(_row: str, ms: float) -> None:
            self.record(row or f"{before} › {name} → {self.step.value}", ms)

        timed_click(button, lambda: self.screen, record)

    def keys(self, text: str, row: str) -> None:
        """Type on the current screen's number pad or keyboard, each key a timed tap."""
        for char in text:
            key = char.lower() if char.isalpha() and char != "X" else char
            self.tap(f"key_{key}", row)

    def click_field(self, name: str) -> None:
        """Focus a text field by a tap (the request screen shows its number pad then)."""
        QTest.mouseClick(self.find(name, QLineEdit), Qt.MouseButton.LeftButton)
        settle()

    # -- devices -------------------------------------------------------------------------------

    def _card_event(self, event: Any) -> None:  # on the reader's thread
        from devices.cards.events import CardInserted

        if isinstance(event, CardInserted):
            self._card_read_at.append(time.perf_counter())

    def _photo_arrived(self, _key: str, _content: object) -> None:  # on the camera's thread
        self._photo_at.append(time.perf_counter())

    def card_in(self, row: str | None = None) -> None:
        """Put the card on the reader; timed from the reader thread's read to the new screen."""
        before = self.step.value
        self._card_read_at.clear()
        self.rig.card_sim.insert(self.card_profile)
        self.wait(lambda: bool(self._card_read_at), "the card read")
        self.wait(lambda: self.step.value != before, "the screen after the card")
        settle()
        self.screen.repaint()
        ms = (time.perf_counter() - self._card_read_at[0]) * 1000
        self.record(row or f"{before} › card read → {self.step.value}", ms)

    def card_out(self) -> None:
        """Take the card away and wait until the reader saw it go (a next card reads afresh)."""
        self.rig.card_sim.remove()
        self.wait(lambda: self.rig.kiosk.reader.status.value == "no_card", "the card removed")

    def photo(self) -> None:
        """拍照 (timed as a tap), then the photo's arrival until its thumbnail is painted."""
        self._photo_at.clear()
        self.tap("capture")
        self.wait(lambda: bool(self._photo_at), "the photo")
        self.wait(lambda: self.visible("thumbnail", QLabel) is not None, "the thumbnail")
        settle()
        self.screen.repaint()
        ms = (time.perf_counter() - self._photo_at[0]) * 1000
        self.record("form › photo taken → form (thumbnail)", ms)

    def wait(self, done: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
        """Run the event loop until ``done()``; fail loudly (a bench must not hang)."""
        deadline = time.monotonic() + timeout
        app = QApplication.instance()
        assert app is not None
        while not done():
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what} on {self.screen.objectName()}")
            app.processEvents()
            time.sleep(0.0005)

    def printed(self, count: int) -> None:
        """Wait until the printer simulator has ``count`` jobs in all."""
        self.wait(lambda: len(self.rig.printer_sim.jobs) >= count, "the printout")

    # -- pieces of visits --------------------------------------------------------------------------

    def home(self) -> None:
        """From wherever the visit is to the home screen by taps (结束办理, 回到首页)."""
        step = self.step.value
        if step == "home":
            return
        if step != "end":
            if self.visible("nav_home") is not None:
                self.tap("nav_home")
            elif self.visible("finish") is not None:
                self.tap("finish")
            elif self.visible("booked_done") is not None:
                self.tap("booked_done")
        self.tap("go_home")

    def after_card(self) -> None:
        """A half-filled form of this card from an earlier visit is offered: start afresh."""
        if self.step.value == "draft_offer":
            self.tap("discard_draft")

    def search(self, initials: str, code: str) -> None:
        """The item by its pinyin initials on the letter keyboard, then the guide."""
        self.tap("show_keyboard")
        self.keys(initials, "find_item › search letter key → find_item")
        self.tap(f"item_{code}")

    def answer_all(self) -> None:
        """Every question: options tapped, the phone and bank account typed, the rest checked."""
        while self.step.value == "form":
            current = self.rig.journey.current_field()
            if current.options:
                self.tap("option_0", "form › option → next question")
                continue
            if current.key in ("phone", "bank_account") and not self.text("answer"):
                number = PHONE if current.key == "phone" else "6228480402564890018"
                self.keys(number, "form › number pad key → form")
            self.tap("next", "form › next → next question")
            if self.rig.journey.session.error is not None:
                raise RuntimeError(f"refused: {self.rig.journey.session.error}")


# -- the visits (each starts and ends on the home screen) -----------------------------------------


def file_with_card(r: Resident, jobs: int) -> tuple[str, int]:
    """办事 → card → the item list (category, pages, search) → guide → form → review → submit →
    the receipt printed → 好差评. Returns the number and the printer's job count."""
    r.tap("tile_apply")
    r.card_in()
    r.after_card()
    r.tap("category_0")  # a category's items, page by page
    if r.visible("items_next") is not None:
        r.tap("items_next")
        r.tap("items_previous")
    r.search("ylbx", PENSION)
    r.tap("nav_back")  # guide → the list, and back in
    r.tap(f"item_{PENSION}")
    r.tap("begin_form")
    r.tap("next", "form › next → next question")
    r.tap("nav_back", "form › nav_back → previous question")
    r.answer_all()
    r.tap("submit")
    number = r.text("application_number")
    r.printed(jobs + 1)
    r.tap("to_rating")
    r.tap("rate_5")
    r.tap("go_home")
    r.card_out()
    return number, jobs + 1


def promise_route(r: Resident, jobs: int) -> tuple[str, int]:
    """Card at home → 高龄津贴 → 承诺后补 → 告知承诺书 → form → submit (receipt + commitment slip);
    leaves unrated (rated later from the home screen)."""
    r.card_in()
    r.after_card()
    r.search("gljt", PROMISE_ITEM)
    r.tap("begin_form")
    r.tap("promise_0")
    r.tap("materials_done")
    r.tap("promise")
    r.answer_all()
    r.tap("submit")
    number = r.text("application_number")
    r.printed(jobs + 2)  # the receipt and the 告知承诺书
    r.home()
    r.card_out()
    return number, jobs + 2


def elicence_route(r: Resident, jobs: int) -> tuple[str, int]:
    """Card → 高龄津贴 → 免提交（调取电子证照）→ consent → the lookup on the loopback platform →
    form → review, then 结束办理 without filing (the draft stays for this card). The card is
    李秀英's own: the platform's sample e-licence library has her 户口簿."""
    resident, r.card_profile = r.card_profile, CARD
    try:
        _elicence_visit(r)
    finally:
        r.card_profile = resident
    return "", jobs


def _elicence_visit(r: Resident) -> None:
    r.card_in()
    r.after_card()
    r.search("gljt", PROMISE_ITEM)
    r.tap("begin_form")
    r.tap("elicence_0")
    r.tap("materials_done")
    r.tap("elicence_agree")  # the lookup runs off the GUI thread: the screen says it looks
    r.wait(lambda: r.step.value != "elicence_consent", "the e-licence lookup")
    settle()
    if r.step.value == "materials":  # no platform: said plainly; decline is the other way
        r.home()
    else:
        r.answer_all()
        r.home()
    r.card_out()


def booking_route(r: Resident, jobs: int, home_visit: bool) -> tuple[str, int]:
    """Card → 残疾人证申领 (nothing finishes it here) → 预约窗口 (a slot) or 上门服务 (a phone)."""
    r.card_in()
    r.after_card()
    r.search("cjrz", BOOKING_ITEM)
    r.tap("book_instead")
    if home_visit:
        r.tap("says_disabled")
        r.tap("choose_visit")
        r.click_field("visit_phone")
        r.keys(PHONE, "booking › number pad key → booking")
        r.tap("request_home_visit")
    else:
        r.tap("choose_window")
        if r.visible("slots_next") is not None:
            r.tap("slots_next")
            r.tap("slots_previous")
        r.tap("slot_0")
    r.printed(jobs + 1)
    r.tap("booked_done")
    r.tap("go_home")
    r.card_out()
    return "", jobs + 1


def lookup_by_number(r: Resident, number: str, jobs: int) -> int:
    """查进度 without a card: the receipt's number typed → my applications → 补打回执."""
    r.tap("tile_my_applications")
    r.tap("lookup_number")
    r.keys(number.replace("-", ""), "lookup › number pad key → lookup")
    r.tap("confirm")
    r.tap("reprint_0")
    r.printed(jobs + 1)
    r.home()
    return jobs + 1


def my_applications_by_card(r: Resident) -> None:
    """查进度 with the card: every application of the holder, page by page."""
    r.tap("tile_my_applications")
    r.card_in()
    if r.visible("applications_next") is not None:
        r.tap("applications_next")
        r.tap("applications_previous")
    r.home()
    r.card_out()


def rate_from_home(r: Resident, number: str) -> None:
    """好差评 from the home screen: the receipt's number, then a level."""
    r.tap("tile_rate")
    r.keys(number.replace("-", ""), "lookup › number pad key → lookup")
    r.tap("confirm")
    r.tap("rate_4")
    r.tap("go_home")


def request(r: Resident) -> None:
    """我要反映: a kind, the text in pinyin with whole-word candidates, a phone, sent."""
    r.tap("tile_request")
    r.tap("kind_suggestion")
    for syllable in ("lu", "deng", "huai", "le", "hen", "jiu"):
        r.keys(syllable, "request › pinyin key → request")
        # The first visit's librime may still be deploying (it starts when the keyboard is
        # shown): a resident taps a candidate once it is there. Not timed.
        r.wait(lambda: r.visible("candidate_0") is not None, "the candidates")
        r.tap("candidate_0", "request › candidate → request")
    r.click_field("phone")
    r.keys(PHONE, "request › number pad key → request")
    r.tap("send_request")
    r.tap("finish")
    r.tap("go_home")


def back_from_everywhere(r: Resident) -> None:
    """‹ 返回上一步 from the first screens of each tile."""
    for tile in ("tile_apply", "tile_my_applications", "tile_rate", "tile_request"):
        r.tap(tile)
        r.tap("nav_back")


def photo_step(r: Resident) -> None:
    """With a document camera: 老年人优待证 → the photo step (拍照, thumbnail) → 结束办理."""
    r.card_in()
    r.after_card()
    r.search("lnryd", PHOTO_ITEM)
    r.tap("begin_form")
    while r.rig.journey.current_field().key != "photo":
        r.tap("next", "form › next → next question")
    r.photo()
    r.tap("retake")
    r.photo()
    r.tap("next", "form › next (photo) → next question")
    r.home()
    r.card_out()


def idle_timeout(r: Resident) -> None:
    """A visit abandoned on the form: the countdown, then the wipe back to the home screen."""
    idle = r.rig.window.idle
    r.tap("tile_apply")
    r.card_in()
    r.after_card()
    r.search("ylbx", PENSION)
    r.tap("begin_form")
    expired = threading.Event()
    idle.expired.connect(expired.set)
    idle.set_durations(idle_ms=1, countdown_s=1, tick_ms=1)
    idle.reset()
    r.wait(expired.is_set, "the idle timeout")
    idle.expired.disconnect(expired.set)
    idle.set_durations(idle_ms=600_000, countdown_s=3, tick_ms=20)
    r.card_out()
    settle()


@contextmanager
def large_text(rig: BenchKiosk) -> Iterator[None]:
    """长辈模式 as the terminal's default (it then lasts across visits, as configured)."""
    window = rig.window
    default = window.default_theme
    window.default_theme = default.with_large(True)
    window.apply_theme(window.default_theme)
    settle()
    try:
        yield
    finally:
        window.default_theme = default
        window.apply_theme(default)
        settle()
