"""Touch UI figures: start-up, idle memory, and event-loop stalls while a sync runs.

    .venv/bin/python -m bench.bench_ui [--runs 5] [--applications 200] [--only-startup]

1. Start to interactive home screen, in a fresh interpreter each run (median; every module's
   bytecode written first, as ``pip install`` does on a terminal, and the development-only
   packages hidden, as a terminal's venv does not have them: ``bench/production_venv.py``):
   the kiosk (core opened on a warm data directory, home screen built and shown,
   first event-loop turn done; other screens and the consoles are built on first use,
   the card and printer simulators and the voice start after the first frame) against a
   bare PySide6 window (QApplication + one QWidget shown + first event-loop turn). That turn
   comes before the first paint. A second figure waits for the first frame painted and then
   for the GUI thread to be free: for the kiosk, after the work it runs there once its first
   frame is up (voice, device bridges, the heap settled, the start-up thread launched).
2. Idle RSS of both, after two seconds of idle event loop (the deferred start-up work,
   devices and voice, has run by then). Per-part memory: ``bench/bench_memory.py``.
   Both for a terminal not enrolled and for an enrolled one, whose sync engine starts
   after the first frame (the platform client and its wire models loaded; platform absent).
   Then the real command, ``kiosk run --windowed`` (not enrolled, and enrolled as above),
   timed from process start until it tells
   systemd ``READY=1`` (its notify socket), against a bare window started the same way;
   interpreter start-up and the CLI's own imports are in both figures.
3. The longest GUI event-loop stall while the sync engine delivers N applications
   to the reference platform on loopback in the background: a 5 ms QTimer
   records the gap between its ticks (a stall is gap minus the 5 ms interval).
   Floor: the same timer with nothing running in the background.
4. Tap -> next screen painted (issue 16, goal 3; ``--taps N`` rounds, ``--only-taps``): every
   journey step of every resident visit (bench/journeys.py: back from each home tile, filing
   with a card read by the SAM card simulator, the item list's categories, pages and search,
   guide, materials, 告知承诺书, 电子证照 consent and lookup on the loopback platform, each form
   question, review, submit, receipt, 好差评, window booking and home visit, 查进度 by number
   and by card, 我要反映; the photo step on a second kiosk with a simulated document camera),
   each a real mouse click timed until the screen then shown is painted (pending events and
   deferred deletions processed, then a synchronous repaint); a card read or a photo is
   timed from the device thread's event. Normal and large (长辈模式) mode. Floor: the same
   click on a bare QStackedWidget of two pages (a label and a button each) switching pages.

Qt runs on the offscreen platform; figures are for this machine only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bench import cores
from bench.procstatus import memory_mb
from bench.production_venv import (
    dev_only_modules,
    hiding_prelude,
    run_child,
    terminal_environment,
)
from bench.speech_dispatcher import null_audio_dispatcher

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPushButton, QWidget

ROOT = Path(__file__).resolve().parent.parent

_CHILD_BARE = r"""
import time, os, json
t0 = time.perf_counter()
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
out = {}
class Window(QWidget):
    def paintEvent(self, event):
        super().paintEvent(event)
        if "painted_s" not in out:  # the first frame; the next loop turn finds the thread free
            out["painted_s"] = time.perf_counter() - t0
            QTimer.singleShot(0, free)
def free():
    out["free_s"] = time.perf_counter() - t0
w = Window(); w.resize(1920, 1080); w.show()
def ready():
    out["start_s"] = time.perf_counter() - t0
    QTimer.singleShot(2000, idle)
def idle():
    out["rss_mb"] = rss()
    app.quit()
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
QTimer.singleShot(0, ready)
app.exec()
print(json.dumps(out))
"""

_CHILD_KIOSK = r"""
import time, os, json, sys
t0 = time.perf_counter()
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, ROOT)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.wiring import UiOptions, build_kiosk
from kiosk.core import KioskCore
core = KioskCore.open()
kiosk = build_kiosk(core, demo=False, options=UiOptions())
kiosk.window.resize(1920, 1080); kiosk.window.show()
out = {}
def free():
    out["free_s"] = time.perf_counter() - t0
# Queued last, so it runs after the start-up work the kiosk does on the GUI thread once its
# first frame is painted (voice, device bridges, the heap settled, the start-up thread
# launched); the next loop turn is the first in which a tap is handled at once.
kiosk.window.after_first_frame(lambda: QTimer.singleShot(0, free))
def ready():
    out["start_s"] = time.perf_counter() - t0
    QTimer.singleShot(2000, idle)
def idle():
    out["rss_mb"] = rss()
    app.quit()
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
QTimer.singleShot(0, ready)
app.exec()
kiosk.close(); core.close()
print(json.dumps(out))
"""


PACKAGES = ("app", "central", "config", "devices", "kiosk", "printouts", "sync", "ui")


def compile_bytecode() -> None:
    """Write every module's bytecode first, as ``pip install`` does on a terminal.

    Started with ``PYTHONDONTWRITEBYTECODE`` (as this machine's shells are), a module edited
    since its last ``.pyc`` is compiled from source at every start: ~30 ms of ``compile`` in
    the kiosk's figure that an installed kiosk never pays (the floor's PySide6 is compiled).
    """
    import compileall

    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


_HIDDEN: list[str] = []  # filled by main(): what a terminal's venv would not have


def _child(code: str, home: str) -> dict[str, float]:
    return run_child(code, home, _HIDDEN, timeout=120)


def _enrolled_home() -> str:
    """A terminal as it runs in a village: enrolled (its secret and platform in the settings),
    so the sync engine starts after the first frame and imports its client (sync.http, the wire
    models); the platform is absent (a closed port), so no round reaches it."""
    from kiosk.core import KioskCore
    from kiosk.paths import DataDir
    from sync.credentials import save_secret

    home = Path(tempfile.mkdtemp(prefix="kiosk-bench-ui-enrolled-"))
    KioskCore.open(DataDir(home)).close()
    save_secret(DataDir(home), b"s" * 32)
    (home / "terminal.toml").write_text(
        '[platform]\nurl = "http://127.0.0.1:9"\nterminal_id = "T-BENCH"\n', encoding="utf-8"
    )
    return str(home)


_CHILD_BARE_NOTIFY = r"""
import os, socket
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget(); w.resize(1920, 1080); w.show()
# Where ``kiosk run`` says it: the window shown, just before the event loop starts.
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
    s.sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])
QTimer.singleShot(IDLE_MS, app.quit)
app.exec()
"""


def _spawn_until_ready(argv: list[str], home: str, idle_s: float = 2.0) -> dict[str, float]:
    """Process start (``Popen``) until the child's ``READY=1`` on a notify socket, as systemd
    sees ``kiosk run`` come up after a watchdog restart; then its RSS after ``idle_s``."""
    import signal
    import socket

    with tempfile.TemporaryDirectory() as tmp:
        address = os.path.join(tmp, "notify")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
            notify.bind(address)
            notify.settimeout(120)
            env = {
                **terminal_environment(),
                "KIOSK_HOME": home,
                "QT_QPA_PLATFORM": "offscreen",
                "NOTIFY_SOCKET": address,
            }
            env.pop("WATCHDOG_USEC", None)
            started = time.perf_counter()
            proc = subprocess.Popen(
                argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                while notify.recv(64) != b"READY=1":
                    pass
                start_s = time.perf_counter() - started
                time.sleep(idle_s)  # a bench, not a test: the idle RSS is read after a while
                rss_mb = memory_mb(proc.pid)["rss_mb"]
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=60)
    return {"start_s": start_s, "rss_mb": rss_mb}


def startup_via_cli(runs: int) -> dict[str, dict[str, float]]:
    """``kiosk run --windowed`` as the technician and systemd start it, against a bare window
    in a fresh interpreter; both timed from process start, interpreter start-up included."""
    compile_bytecode()
    home = tempfile.mkdtemp(prefix="kiosk-bench-ui-cli-")
    prelude = hiding_prelude(_HIDDEN)
    # ``kiosk run --windowed`` as the console script runs it, in a terminal-like venv.
    kiosk_argv = [
        sys.executable,
        "-c",
        prelude + "from app.cli import main; sys.exit(main(['run', '--windowed']))",
    ]
    bare_argv = [sys.executable, "-c", prelude + _CHILD_BARE_NOTIFY.replace("IDLE_MS", "600000")]
    _spawn_until_ready(kiosk_argv, home, idle_s=0)  # the first start creates the database
    enrolled_home = _enrolled_home()  # as a village terminal runs: its sync engine starts
    bare = [_spawn_until_ready(bare_argv, home) for _ in range(runs)]
    kiosk = [_spawn_until_ready(kiosk_argv, home) for _ in range(runs)]
    enrolled = [_spawn_until_ready(kiosk_argv, enrolled_home) for _ in range(runs)]
    return {
        name: {
            "start_s": statistics.median(r["start_s"] for r in rows),
            "rss_mb": statistics.median(r["rss_mb"] for r in rows),
        }
        for name, rows in (("bare", bare), ("kiosk", kiosk), ("enrolled", enrolled))
    }


def startup(runs: int) -> dict[str, dict[str, float]]:
    compile_bytecode()
    home = tempfile.mkdtemp(prefix="kiosk-bench-ui-")
    _child(_CHILD_KIOSK, home)  # first start creates the database and seeds the catalogue
    enrolled_home = _enrolled_home()
    bare = [_child(_CHILD_BARE, home) for _ in range(runs)]
    kiosk = [_child(_CHILD_KIOSK, home) for _ in range(runs)]
    enrolled = [_child(_CHILD_KIOSK, enrolled_home) for _ in range(runs)]

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    return {
        name: {
            "start_s": median(rows, "start_s"),
            "free_s": median(rows, "free_s"),
            "rss_mb": median(rows, "rss_mb"),
        }
        for name, rows in (("bare", bare), ("kiosk", kiosk), ("enrolled", enrolled))
    }


_CHILD_TAPS = r"""
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, ROOT)
from bench.bench_ui import journey_taps
print(json.dumps(journey_taps(TAPS, RUN_DIR)), flush=True)
# Leave without finalising: PySide6 6.12 (kept out by pyproject.toml) aborted in the final
# garbage collection after many emits (bool_dealloc); the figures are out either way.
os._exit(0)
"""

TapFigures = dict[str, dict[str, list[float]]]


def journey_taps(rounds: int, run_dir: str) -> TapFigures:
    """In the child: the floor, then every journey step in normal and large mode (ms per row).

    Round 0 (untimed for p50/p95: its taps give the "first visit" column) warms up; each
    round is every resident visit of :mod:`bench.journeys` (back from each home tile,
    filing with a card, the promise and e-licence routes, a window booking and a home visit,
    查进度 by number and by card, 好差评 from the home screen, 我要反映), then the photo step on
    a second kiosk with a simulated document camera (a kiosk with a camera has no materials
    step: its papers are photographed).
    """
    from PySide6.QtWidgets import (
        QApplication,
        QLabel,
        QPushButton,
        QStackedWidget,
        QVBoxLayout,
        QWidget,
    )

    from bench import journeys

    app = QApplication.instance() or QApplication([])
    floor: list[float] = []

    def to_floor(_row: str, ms: float) -> None:
        floor.append(ms)

    # The floor: the same timed tap on a bare QStackedWidget of two pages switching pages,
    # 8 taps before the kiosk's first round and 8 before each of its rounds after.
    stack = QStackedWidget()
    stack.resize(1920, 1080)
    buttons: list[QPushButton] = []
    for i in range(2):
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(QLabel(f"第 {i + 1} 页"))
        b = QPushButton("下一页")
        box.addWidget(b)
        buttons.append(b)
        b.clicked.connect(lambda _=False, j=1 - i: stack.setCurrentIndex(j))
        stack.addWidget(page)
    stack.show()
    app.processEvents()

    def current_page() -> QWidget:
        page = stack.currentWidget()
        assert page is not None  # two pages, always one shown
        return page

    def floor_taps(count: int) -> None:
        """Measured between the kiosk's rounds, so the floor sees the same load they do."""
        for _ in range(count):
            journeys.timed_click(buttons[stack.currentIndex()], current_page, to_floor)

    floor_taps(8)

    figures: TapFigures = {"floor": {"bare QStackedWidget switch": floor}}
    styled: dict[str, list[float]] = {}
    for mode in ("normal", "large"):
        # Round 0 is the first resident after a start (screens, keyboards and engines built on
        # first use): kept apart as the "first tap" column; rounds 1..N give p50 and p95.
        rows: dict[str, list[float]] = {}
        cold: dict[str, list[float]] = {}
        current = [cold]

        def record(row: str, ms: float, current: list[dict[str, list[float]]] = current) -> None:
            current[0].setdefault(row, []).append(ms)

        base = Path(run_dir) / mode
        rig = journeys.open_kiosk(base / "plain", platform=True)
        r = journeys.Resident(rig, record)
        page_switch = _StyledPageSwitch(styled.setdefault(mode, []))
        try:
            people = journeys.residents(rig.card_sim, rounds + 1, 0 if mode == "normal" else 250)
            with journeys.large_text(rig) if mode == "large" else _no_change():
                jobs = 0
                for n in range(rounds + 1):
                    current[0] = cold if n == 0 else rows
                    r.card_profile = people[n]  # a resident per round: 我的办件 stays short
                    floor_taps(8)
                    page_switch.taps(8)
                    if mode == "normal":  # the switch itself (it rebuilds the screens), at
                        # the home screen as a resident finds it: after the last visit
                        r.tap("toggle_large")
                        r.tap("toggle_large")
                    journeys.back_from_everywhere(r)
                    filed, jobs = journeys.file_with_card(r, jobs)
                    promised, jobs = journeys.promise_route(r, jobs)
                    _, jobs = journeys.elicence_route(r, jobs)
                    _, jobs = journeys.booking_route(r, jobs, home_visit=False)
                    _, jobs = journeys.booking_route(r, jobs, home_visit=True)
                    jobs = journeys.lookup_by_number(r, filed, jobs)
                    journeys.my_applications_by_card(r)
                    journeys.rate_from_home(r, promised)
                    journeys.request(r)
        finally:
            page_switch.close()
            rig.close()
        rig = journeys.open_kiosk(base / "camera", camera=True, platform=False)
        r = journeys.Resident(rig, record)
        try:
            with journeys.large_text(rig) if mode == "large" else _no_change():
                for n in range(rounds + 1):
                    current[0] = cold if n == 0 else rows
                    journeys.photo_step(r)
        finally:
            rig.close()
        figures[mode] = rows
        figures[f"{mode} first"] = cold
    stack.close()
    figures["styled page switch"] = styled
    return figures


class _StyledPageSwitch:
    """A second floor for reading goal 3: Qt switching between two screens' worth of the
    kiosk's own widgets (its style sheet, fonts and roles), with none of the kiosk's code.

    The goal's floor is a bare switch between two one-label pages; a journey step repaints a
    1920 × 1080 screen of styled buttons and CJK text. This floor shows how much of a tap is
    that painting (the look) and how much is the kiosk's work: a step's p95 against it is
    the kiosk's own share. Built while the kiosk is open, so the app's style sheet and mode
    (normal or 长辈模式) are the kiosk's.
    """

    def __init__(self, samples: list[float]) -> None:
        from PySide6.QtWidgets import QGridLayout, QStackedWidget, QVBoxLayout, QWidget

        from ui import widgets

        self.samples = samples
        self.stack = QStackedWidget()
        self.stack.resize(1920, 1080)
        self.next_buttons: list[QPushButton] = []
        for index in range(2):
            page = QWidget()
            page.setProperty("screen", True)
            box = QVBoxLayout(page)
            box.addWidget(widgets.label(f"第 {index + 1} 页：请选择要办理的事项", "title"))
            grid = QGridLayout()
            box.addLayout(grid)
            for k in range(12):  # the item list's page: 12 items, every other one a tile
                role = "tile" if k % 2 else "secondary"
                grid.addWidget(
                    widgets.button(f"城乡居民养老保险参保登记 {k}", f"b{k}", role), k // 3, k % 3
                )
            box.addWidget(widgets.label("需要带齐：身份证原件、户口簿、一寸照片两张。" * 3))
            onward = widgets.button("下一页", "next", "primary")
            onward.clicked.connect(lambda _=False, j=1 - index: self.stack.setCurrentIndex(j))
            box.addWidget(onward)
            self.next_buttons.append(onward)
            self.stack.addWidget(page)
        self.stack.show()

    def _shown(self) -> QWidget:
        page = self.stack.currentWidget()
        assert page is not None  # two pages, always one shown
        return page

    def taps(self, count: int) -> None:
        from bench import journeys

        for _ in range(count):
            journeys.timed_click(
                self.next_buttons[self.stack.currentIndex()],
                self._shown,
                lambda _row, ms: self.samples.append(ms),
            )

    def close(self) -> None:
        self.stack.close()
        self.stack.deleteLater()


@contextlib.contextmanager
def _no_change() -> Iterator[None]:
    yield


def tap_to_paint(rounds: int) -> TapFigures:
    """Child process (fresh Qt, same cores): ms from an injected tap to the new screen's paint."""
    home = tempfile.mkdtemp(prefix="kiosk-bench-taps-")
    _child(_CHILD_KIOSK, home)  # creates the database and seeds the catalogue
    code = _CHILD_TAPS.replace("TAPS", str(rounds)).replace("RUN_DIR", repr(home))
    env = {**os.environ, "KIOSK_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code.replace("ROOT", repr(str(ROOT)))],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=3600,
    )
    if result.returncode != 0:
        raise SystemExit(f"the tap bench failed:\n{result.stderr[-4000:]}")
    data: TapFigures = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def print_taps(taps: TapFigures, cores_used: int) -> None:
    """One table per mode: every journey step, its floor, the ratio, and the 50 ms budget.

    Two floors: the goal's (a bare switch between two one-label pages) and a switch between
    two pages of the kiosk's own styled widgets (``_StyledPageSwitch``): the second ratio is
    what a step costs beyond Qt painting a screen in the kiosk's look.
    """
    floor = _p95(taps["floor"]["bare QStackedWidget switch"])
    budget = f"p95 ≤ 50 ms ({cores_used} core{'s' if cores_used > 1 else ''})"
    for mode in ("normal", "large"):
        rows, first = taps[mode], taps[f"{mode} first"]
        styled = _p95(taps["styled page switch"][mode])
        print(
            f"tap -> next screen painted, {mode} mode (ms; floor: a bare QStackedWidget switch; "
            "styled: a switch between two pages of the kiosk's styled buttons)"
        )
        print()
        print(
            f"| step | taps | p50 | p95 | floor p95 | ratio (p95) | styled p95 | ratio to styled | "
            f"{budget} | first visit (max) |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
        every: list[float] = []
        for row, t in rows.items():
            every += t
            p95 = _p95(t)
            cold = f"{max(first[row]):.1f}" if row in first else ""
            print(
                f"| {row} | {len(t)} | {statistics.median(t):.1f} | {p95:.1f} | {floor:.1f} | "
                f"{p95 / floor:.1f} | {styled:.1f} | {p95 / styled:.1f} | "
                f"{'yes' if p95 <= 50 else '**no**'} | {cold} |"
            )
        p95 = _p95(every)
        cold_all = [ms for t in first.values() for ms in t]
        print(
            f"| **every tap above** | {len(every)} | {statistics.median(every):.1f} | {p95:.1f} | "
            f"{floor:.1f} | {p95 / floor:.1f} | {styled:.1f} | {p95 / styled:.1f} | "
            f"{'yes' if p95 <= 50 else '**no**'} | {max(cold_all, default=0.0):.1f} |"
        )
        within = sum(_p95(t) <= 2 * floor for t in rows.values())
        within_styled = sum(_p95(t) <= 2 * styled for t in rows.values())
        print()
        print(
            f"steps with p95 ≤ 2× the bare switch: {within} of {len(rows)}; "
            f"≤ 2× the styled page switch: {within_styled} of {len(rows)}"
        )
        print()


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def stall_during_sync(applications: int, rounds: int) -> dict[str, float]:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-bench-sync-")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.wiring import UiOptions, build_ui
    from central.db import CentralDB
    from central.server import start_in_thread
    from kiosk.application import Applicant
    from kiosk.core import KioskCore
    from kiosk.usecases.submit import submit_application
    from sync.client import Credentials, PlatformClient, enrol
    from sync.engine import SyncEngine
    from sync.protocol import EnrolRequest
    from sync.signing import decode_secret
    from ui.tour import SAMPLE_HOLDER, SAMPLE_ITEM

    core = KioskCore.open()
    kiosk = build_ui(core, reader=None, printer=None, options=UiOptions(voice_engine="mock"))
    kiosk.window.resize(1920, 1080)
    kiosk.window.show()
    applicant = Applicant(
        SAMPLE_HOLDER.name, SAMPLE_HOLDER.id_number, "13812345678", SAMPLE_HOLDER.address or ""
    )
    answers = {"phone": "13812345678"}
    item = core.store.item(SAMPLE_ITEM)
    assert item is not None
    for form_field in item.form:
        if form_field.options:
            answers[form_field.key] = form_field.options[0]
    submit_times: list[float] = []

    def file_batch() -> None:
        for _ in range(applications):
            t = time.perf_counter()
            submit_application(core, SAMPLE_ITEM, applicant, answers)
            submit_times.append(time.perf_counter() - t)

    db_path = Path(os.environ["KIOSK_HOME"]) / "platform.sqlite3"
    url, stop_platform = start_in_thread(db_path)
    central = CentralDB(db_path)
    answer = enrol(
        url,
        EnrolRequest(
            code=central.new_enrol_code("330102001000"),
            region_code="330102001000",
            station_name="基准站",
        ),
    )
    from kiosk.usecases.enrolment import adopt_terminal_code

    adopt_terminal_code(core.store, answer.terminal_code)  # as provisioning does
    client = PlatformClient(url, Credentials(answer.terminal_id, decode_secret(answer.secret)))
    engine = SyncEngine(core.store, client, core.settings.sync)

    def measure(
        background: bool, seconds_cap: float, start_engine: bool = False
    ) -> tuple[list[float], float]:
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]
        timer = QTimer()
        timer.setInterval(5)

        def tick() -> None:
            now = clock.nsecsElapsed()
            if background or now > 300_000_000:  # idle floor: skip the first 0.3 s settle
                gaps.append((now - last[0]) / 1e6)
            last[0] = now

        timer.timeout.connect(tick)
        started = time.perf_counter()
        done = [False]

        def check() -> None:
            elapsed = time.perf_counter() - started
            if background:
                counts = core.store.count_by_state()
                waiting = sum(
                    n for s, n in counts.items() if not s.is_delivered and s.value != "quarantined"
                )
                if waiting == 0 or elapsed > seconds_cap:
                    done[0] = True
            elif elapsed > seconds_cap:
                done[0] = True
            if done[0]:
                app.quit()

        poll = QTimer()
        poll.setInterval(50)
        poll.timeout.connect(check)
        timer.start()
        poll.start()
        if background:
            if start_engine:
                engine.start()
            engine.trigger_now()
        app.exec()
        timer.stop()
        poll.stop()
        return gaps, time.perf_counter() - started

    measure(False, 1.0)  # warm-up: first paints and deferred start-up work
    idle_gaps, _ = measure(False, 3.0)
    sync_gaps: list[float] = []
    duration = 0.0
    engine_started = False
    for _ in range(rounds):  # one sync of N applications is short on loopback: repeat it
        file_batch()
        gaps, seconds = measure(True, 120.0, start_engine=not engine_started)
        engine_started = True
        sync_gaps += gaps
        duration += seconds
    engine.stop(timeout=10)
    counts = core.store.count_by_state()
    delivered = sum(n for s, n in counts.items() if s.is_delivered)
    stop_platform()
    kiosk.close()
    core.close()

    def stall(gaps: list[float]) -> tuple[float, float]:
        stalls = sorted(max(0.0, g - 5.0) for g in gaps)
        return stalls[-1], stalls[int(len(stalls) * 0.99) - 1]

    idle_max, idle_p99 = stall(idle_gaps)
    sync_max, sync_p99 = stall(sync_gaps)
    return {
        "applications": applications * rounds,
        "rounds": rounds,
        "ticks": len(sync_gaps),
        "delivered": delivered,
        "sync_s": duration,
        "idle_max_ms": idle_max,
        "idle_p99_ms": idle_p99,
        "sync_max_ms": sync_max,
        "sync_p99_ms": sync_p99,
        "submit_p50_ms": statistics.median(submit_times) * 1000,
        "submit_max_ms": max(submit_times) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="syncs of N applications in a row")
    parser.add_argument("--taps", type=int, default=10, help="rounds of the tap figure (0: skip)")
    parser.add_argument("--only-taps", action="store_true", help="the tap figure only")
    parser.add_argument(
        "--only-startup", action="store_true", help="start-up and idle RSS only (issue 16, 1-2)"
    )
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)  # the start-up subprocesses (kiosk and bare window) inherit it
    _HIDDEN[:] = dev_only_modules()  # start-up and memory as on a terminal (production_venv)
    if args.taps and not args.only_startup:
        print_taps(tap_to_paint(args.taps), len(os.sched_getaffinity(0)))
        if args.only_taps:
            return 0
    with null_audio_dispatcher():  # the kiosk's voice, speaking (no sound card here)
        start = startup(args.runs)
        cli = startup_via_cli(args.runs)
    bare = start["bare"]
    print("| measure | kiosk | bare PySide6 window | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name, what in (("kiosk", "not enrolled"), ("enrolled", "enrolled, sync engine started")):
        kiosk = start[name]
        print(
            f"| start to interactive (s), median of {args.runs}, {what} | "
            f"{kiosk['start_s']:.2f} | {bare['start_s']:.2f} | "
            f"{kiosk['start_s'] / bare['start_s']:.1f} |"
        )
        print(
            f"| first frame painted and start-up work done, GUI thread free (s), {what} | "
            f"{kiosk['free_s']:.2f} | {bare['free_s']:.2f} | "
            f"{kiosk['free_s'] / bare['free_s']:.1f} |"
        )
        print(
            f"| idle RSS (MB), {what} | {kiosk['rss_mb']:.1f} | {bare['rss_mb']:.1f} | "
            f"{kiosk['rss_mb'] / bare['rss_mb']:.2f} |"
        )
    bare = cli["bare"]
    for name, what in (("kiosk", "not enrolled"), ("enrolled", "enrolled")):
        kiosk = cli[name]
        print(
            f"| `kiosk run --windowed`, process start → READY=1 (s), median of {args.runs}, "
            f"{what} | {kiosk['start_s']:.2f} | {bare['start_s']:.2f} | "
            f"{kiosk['start_s'] / bare['start_s']:.1f} |"
        )
        print(
            f"| `kiosk run --windowed`, idle RSS (MB), {what} | {kiosk['rss_mb']:.1f} | "
            f"{bare['rss_mb']:.1f} | {kiosk['rss_mb'] / bare['rss_mb']:.2f} |"
        )
    if args.only_startup:
        return 0
    s = stall_during_sync(args.applications, args.rounds)
    print()
    print("| event-loop stall (ms above the 5 ms tick) | while syncing | idle floor |")
    print("| --- | ---: | ---: |")
    print(f"| longest | {s['sync_max_ms']:.1f} | {s['idle_max_ms']:.1f} |")
    print(f"| p99 | {s['sync_p99_ms']:.1f} | {s['idle_p99_ms']:.1f} |")
    print()
    print(
        f"sync: {int(s['rounds'])} rounds of {args.applications}: {int(s['delivered'])}/"
        f"{int(s['applications'])} applications delivered in {s['sync_s']:.1f} s "
        f"({int(s['ticks'])} timer ticks sampled); "
        f"their submission on the GUI thread took p50 {s['submit_p50_ms']:.1f} ms, max {s['submit_max_ms']:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
