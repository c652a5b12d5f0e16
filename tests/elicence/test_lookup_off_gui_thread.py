"""The e-licence lookup runs off the GUI thread, and its answer reaches only the visit that asked.

Before, 同意调取 ran the lookup on the GUI thread: on a dead link the touchscreen froze for
the client's whole timeout (8 s). Here a real HTTP server on 127.0.0.1 stands in front of the
loopback reference platform and holds the lookup's answer until the test releases it (an
Event, no sleeps), so the tests can look at the kiosk *while* the lookup is out: the screen
says 正在查询电子证照… (read aloud), timers tick, taps work; and an answer that arrives after
取消查询, after the card left the reader, or after the idle timeout wiped the visit is dropped,
never shown to the next resident.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import contextlib
import http.client
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from central.licences import LicenceLibrary
from kiosk.journey import Step
from kiosk.materials import MaterialChoice
from kiosk.usecases.enrolment import adopt_terminal_code
from sync.client import Credentials, PlatformClient
from sync.licences import HttpLicencePort
from tests.sync.synchelpers import Platform
from tests.ui.conftest import Rig
from tests.ui.taps import at, find, tap, tap_keys, text_of, wait_step

CARD = "resident-longterm"  # 李秀英: a 户口簿 in the sample library
OTHER_CARD = "hmt"  # 陈志明: the next resident
HOLD_S = 30.0  # a safety net only: the tests release the answer themselves


class HoldingProxy:
    """A real HTTP server on 127.0.0.1 forwarding to the platform, byte for byte (the
    signatures cover path and body, not the host), that holds each e-licence lookup's answer
    until :attr:`release` is set. :attr:`answered_upstream` is set once the platform has
    answered (and logged) the lookup the proxy is holding."""

    def __init__(self, upstream: str) -> None:
        self.release = threading.Event()
        self.answered_upstream = threading.Event()
        target = urlsplit(upstream)
        host, port = target.hostname or "127.0.0.1", target.port or 80
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                upstream_conn = http.client.HTTPConnection(host, port, timeout=HOLD_S)
                try:
                    upstream_conn.request(self.command, self.path, body=body, headers=headers)
                    reply = upstream_conn.getresponse()
                    payload = reply.read()
                    reply_headers = reply.getheaders()
                    status = reply.status
                finally:
                    upstream_conn.close()
                if self.path.endswith("/licences/lookup"):
                    proxy.answered_upstream.set()
                    proxy.release.wait(HOLD_S)
                with contextlib.suppress(OSError):  # the kiosk may have given up waiting
                    self._reply(status, reply_headers, payload)

            def _reply(
                self, status: int, reply_headers: list[tuple[str, str]], payload: bytes
            ) -> None:
                self.send_response(status)
                for key, value in reply_headers:
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _forward  # noqa: N815 - http.server's names

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def held_rig(qtbot, tmp_path: Path, licence_platform: Platform) -> Iterator[Rig]:
    from app.wiring import UiOptions, build_ui
    from devices.cards.factory import open_card_reader
    from devices.cards.sam_reader import SamTimings
    from devices.printers.escpos_serial import EscPosPrinter
    from devices.printers.simulator.server import PrinterSimulator
    from kiosk.core import KioskCore

    creds: Credentials = licence_platform.enrol(region="130608001000")
    proxy = HoldingProxy(licence_platform.url)
    core = KioskCore.open()
    adopt_terminal_code(core.store, licence_platform.code_of(creds))
    reader = open_card_reader(
        "sam:sim",
        run_dir=tmp_path / "card-sim",
        timings=SamTimings(poll_interval=0.02, reconnect_interval=0.05),
    )
    printer_sim = PrinterSimulator().start()
    printer = EscPosPrinter(printer_sim.port, printer_sim.profile, status_timeout=0.5)
    client = PlatformClient(proxy.url, creds)
    options = UiOptions(
        idle_ms=60_000, countdown_s=3, tick_ms=20, voice_engine="mock", printer_watch_s=0
    )
    kiosk = build_ui(
        core, reader=reader, printer=printer, options=options, licence_port=HttpLicencePort(client)
    )
    kiosk.window.resize(1920, 1080)
    qtbot.addWidget(kiosk.window)
    kiosk.window.show()
    rig = Rig(kiosk, getattr(reader, "simulator"), printer_sim)  # noqa: B009
    rig.proxy = proxy  # type: ignore[attr-defined]
    closers: list[Callable[[], None]] = [
        proxy.close,
        kiosk.close,
        client.close,
        printer_sim.stop,
        core.close,
    ]
    yield rig
    for close in closers:
        close()


def _proxy(rig: Rig) -> HoldingProxy:
    proxy: HoldingProxy = rig.proxy  # type: ignore[attr-defined]
    return proxy


def _to_consent(qtbot, rig: Rig, card: str = CARD) -> None:
    rig.card_sim.insert(card)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "gljt")
    tap(qtbot, rig, "item_MZ-GL-001")  # 高龄津贴: the 户口簿 is needed at filing
    tap(qtbot, rig, "begin_form")
    tap(qtbot, rig, "elicence_0")  # 免提交（调取电子证照）
    tap(qtbot, rig, "materials_done")
    assert at(rig.journey) is Step.ELICENCE_CONSENT


def _agree_and_hold(qtbot, rig: Rig) -> None:
    """同意调取 returns at once; the platform answers the proxy, which holds the answer."""
    tap(qtbot, rig, "elicence_agree")
    assert at(rig.journey) is Step.ELICENCE_CONSENT  # not blocked in the lookup
    assert rig.journey.licence_lookup_pending
    proxy = _proxy(rig)
    qtbot.waitUntil(proxy.answered_upstream.is_set, timeout=15_000)


def _lookups(rig: Rig):  # type: ignore[no-untyped-def]
    from ui.screens.elicence_screen import lookups_for

    return lookups_for(rig.journey)


def test_elicence_lookup_keeps_the_screen_responsive_and_says_it_is_looking(qtbot, held_rig: Rig):
    rig = held_rig
    _to_consent(qtbot, rig)
    ticks = [0]
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()

    _agree_and_hold(qtbot, rig)
    # The waiting state, in large text and read aloud; the consent buttons are gone.
    waiting = find(rig, QLabel, "elicence_waiting")
    assert waiting.text() == "正在查询电子证照…"
    assert waiting.property("role") == "huge"
    assert "正在查询电子证照" in rig.kiosk.voice.last_text
    assert "身份证放在读卡器上" in text_of(rig, "elicence_waiting_hint")
    with pytest.raises(AssertionError):
        find(rig, QLabel, "elicence_consent_text")  # hidden while looking
    # While the answer is held, the GUI thread runs: a timer keeps ticking, a tap works.
    seen = ticks[0]
    qtbot.waitUntil(lambda: ticks[0] >= seen + 5, timeout=5_000)
    rig.kiosk.voice.last_text = ""
    tap(qtbot, rig, "nav_read")  # 朗读本页
    assert "正在查询电子证照" in rig.kiosk.voice.last_text
    assert at(rig.journey) is Step.ELICENCE_CONSENT

    _proxy(rig).release.set()
    qtbot.waitUntil(lambda: at(rig.journey) is not Step.ELICENCE_CONSENT, timeout=15_000)
    timer.stop()
    assert rig.journey.session.error is None, rig.journey.session.error
    assert at(rig.journey) in (Step.FORM, Step.REVIEW)
    assert list(rig.journey.session.licences) == ["居民户口簿"]
    assert _lookups(rig).dropped == 0


def test_elicence_late_answer_after_the_idle_wipe_is_not_shown_to_the_next_resident(
    qtbot, held_rig: Rig, licence_platform: Platform
):
    rig = held_rig
    _to_consent(qtbot, rig)
    _agree_and_hold(qtbot, rig)
    # The resident walks away; the real idle guard counts down and wipes the visit.
    idle = rig.window.idle
    idle.set_durations(50, 1, 20)
    idle.reset()
    wait_step(qtbot, rig, Step.HOME)
    idle.set_durations(60_000, 3, 20)
    assert not rig.journey.licence_lookup_pending
    # The next resident reaches the same consent screen with their own card.
    rig.card_sim.remove()
    qtbot.waitUntil(lambda: rig.kiosk.reader.status.value == "no_card", timeout=10_000)
    _to_consent(qtbot, rig, OTHER_CARD)
    consent = text_of(rig, "elicence_consent_text")

    lookups = _lookups(rig)
    _proxy(rig).release.set()  # the first resident's licence arrives now
    qtbot.waitUntil(lambda: lookups.dropped == 1, timeout=15_000)
    s = rig.journey.session
    assert s.licences == {}  # 李秀英's 户口簿 never joins 陈志明's visit
    assert s.error is None
    assert s.choices == {"居民户口簿": MaterialChoice.E_LICENCE}  # still his own choice
    assert at(rig.journey) is Step.ELICENCE_CONSENT
    assert not rig.journey.licence_lookup_pending
    assert text_of(rig, "elicence_consent_text") == consent
    assert find(rig, QLabel, "elicence_consent_text").isVisible()
    assert len(LicenceLibrary(licence_platform.db).lookups()) == 1  # only the first one asked


def test_elicence_card_removed_during_the_lookup_drops_the_answer(qtbot, held_rig: Rig):
    rig = held_rig
    _to_consent(qtbot, rig)
    _agree_and_hold(qtbot, rig)
    rig.card_sim.remove()
    wait_step(qtbot, rig, Step.MATERIALS)  # said at once, not after the answer
    assert "读卡器" in find(rig, QLabel, "error").text()
    lookups = _lookups(rig)
    _proxy(rig).release.set()
    qtbot.waitUntil(lambda: lookups.dropped == 1, timeout=15_000)
    assert rig.journey.session.licences == {}
    assert at(rig.journey) is Step.MATERIALS


def test_elicence_cancelled_lookup_drops_the_answer(qtbot, held_rig: Rig):
    rig = held_rig
    _to_consent(qtbot, rig)
    _agree_and_hold(qtbot, rig)
    tap(qtbot, rig, "elicence_cancel")  # 取消查询
    assert at(rig.journey) is Step.MATERIALS
    assert rig.journey.session.choices == {}  # the resident picks another way
    lookups = _lookups(rig)
    _proxy(rig).release.set()
    qtbot.waitUntil(lambda: lookups.dropped == 1, timeout=15_000)
    assert rig.journey.session.licences == {}
    assert at(rig.journey) is Step.MATERIALS
