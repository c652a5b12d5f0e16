"""Where the kiosk's idle memory goes (issue 16, goal 2): RSS part by part, in fresh processes.

    .venv/bin/python -m bench.bench_memory [--runs 3] [--cores 1]

Each row is one fresh interpreter that does every step up to and including its own, turns
the event loop for a second (deferred start-up work runs, pages are painted), and reads
its RSS; the row's figure is the median over ``--runs`` and its delta over the row above.
The first row is the floor: a bare PySide6 window (QApplication + one 1920×1080 QWidget
shown), as in ``bench/bench_ui.py``.

1. bare window (floor)
2. + core imported, store opened (the settings, the store; the AES library loads at the
   first value sealed or opened, the migrations' runner only when one is pending)
3. + UI modules imported (``app.wiring``: PySide6's signature support, ``ui.*``)
4. + fonts and style sheet (the theme applied, CJK text painted at the theme's sizes)
5. + home screen (the kiosk window as ``kiosk run`` first shows it; read-aloud off)
6. + voice (the kiosk's: speech-dispatcher's protocol on a thread, the home screen said;
   a private speech-dispatcher on ALSA's null device, ``bench/speech_dispatcher.py``)
7. … + each group of resident screens built and painted (identification, finding an item,
   booking, filing, after filing)
8. + staff and technician consoles built and painted
9. + devices and sync (the card and printer simulators opened and started, the sync client
   imported: sync.http and the wire models, as an enrolled terminal loads them)

Each row also splits its RSS into anonymous memory (the heap: Python objects, Qt's widgets and
caches) and file-backed pages (libraries, fonts, librime's and zinnia's dictionaries mapped
from disk, shared with other processes and dropped by the kernel under memory pressure).

A last line gives the kiosk as ``bench/bench_ui.py`` measures it (``build_kiosk``, default
devices, idle two seconds) for reference. Qt runs on the ``offscreen`` platform.
The children run without the development-only packages (``bench/production_venv.py``): a
terminal's venv has only the kiosk's runtime dependencies.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench import cores
from bench.production_venv import dev_only_modules, run_child
from bench.speech_dispatcher import null_audio_dispatcher

ROOT = Path(__file__).resolve().parent.parent

GROUPS: list[tuple[str, list[str]]] = [
    ("identification screens", ["identify", "type_id", "type_name", "draft_offer"]),
    (
        "item screens",
        ["find_item", "guide", "materials", "promise", "elicence_consent"],
    ),
    ("booking screens", ["booking", "booked"]),
    ("filing screens", ["form", "review", "consent", "submitted"]),
    (
        "after-filing screens",
        ["rating", "lookup", "my_applications", "request", "request_done", "end"],
    ),
]

ROWS: list[str] = [
    "bare window (floor)",
    "+ core imported, store opened",
    "+ UI modules imported",
    "+ fonts and style sheet",
    "+ home screen (kiosk window shown)",
    "+ voice (speech-dispatcher)",
    *[f"+ {name}" for name, _ in GROUPS],
    "+ staff and technician consoles",
    "+ devices (simulators) and sync client",
]

_CHILD = r"""
import json, os, sys
sys.path.insert(0, ROOT)
STAGE = STAGE_N
GROUPS = GROUPS_LIST
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

app = QApplication([])
keep = []


from bench.procstatus import memory_mb


def paint(widget):
    app.processEvents()
    widget.repaint()
    app.processEvents()


if STAGE == 0:
    bare = QWidget(); bare.resize(1920, 1080); bare.show(); keep.append(bare)
if STAGE >= 1:
    from kiosk.core import KioskCore
    core = KioskCore.open()
if STAGE >= 2:
    import app.wiring as wiring
if STAGE in (1, 2):
    bare = QWidget(); bare.resize(1920, 1080); bare.show(); keep.append(bare)
if STAGE == 3:
    from ui.theme import Theme, apply_theme
    theme = Theme()
    apply_theme(app, theme)
    page = QWidget(); page.resize(1920, 1080)
    box = QVBoxLayout(page)
    for role in ("title", "huge", "body", ""):
        text = QLabel("政务服务自助终端 办事 查进度 好差评 我要反映 0123456789")
        text.setProperty("role", role)
        box.addWidget(text)
    page.show(); paint(page); keep.append(page)
if STAGE >= 4:
    from app.wiring import UiOptions, build_ui
    kiosk = build_ui(core, reader=None, printer=None, options=UiOptions())
    window = kiosk.window
    window.resize(1920, 1080); window.show(); paint(window)
if STAGE >= 5:
    kiosk.voice.enabled = True
    kiosk.voice.start()
    kiosk.voice.say("欢迎使用政务服务自助终端，请选择要办理的事项")
if STAGE >= 6:
    from kiosk.journey import Step
    for steps in GROUPS[: STAGE - 5]:
        for step in steps:
            screen = window.router.screens[Step(step)]
            window.stack.setCurrentWidget(screen)
            paint(window)
    window.stack.setCurrentWidget(window.router.screens[Step.HOME])
if STAGE >= 6 + len(GROUPS):
    window.show_staff(); paint(window)
    window.show_technician(); paint(window)
    window.show_resident()
if STAGE >= 7 + len(GROUPS):
    from app.wiring import _open_printer, _open_reader
    reader = _open_reader(core, "sam:sim")
    printer = _open_printer(core, "escpos:sim")
    kiosk.reader.attach(reader); kiosk.printer.attach(printer)
    kiosk.reader.start(); kiosk.printer.start()
    import sync.client  # what a provisioned terminal's engine imports
    import printouts.jobs, printouts.escpos.render  # the first receipt's imports


def done():
    print(json.dumps(memory_mb()), flush=True)
    os._exit(0)  # the figure is out; skip tearing down devices and windows


QTimer.singleShot(1000, done)
app.exec()
"""

_KIOSK = r"""
import json, os, sys
sys.path.insert(0, ROOT)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.wiring import UiOptions, build_kiosk
from kiosk.core import KioskCore
core = KioskCore.open()
kiosk = build_kiosk(core, demo=False, options=UiOptions())
kiosk.window.resize(1920, 1080); kiosk.window.show()
from bench.procstatus import memory_mb
def done():
    print(json.dumps(memory_mb()), flush=True)
    os._exit(0)
QTimer.singleShot(2000, done)
app.exec()
"""


_HIDDEN: list[str] = []  # filled by main(): what a terminal's venv would not have


def _parts(code: str, home: str) -> dict[str, float]:
    parts: dict[str, float] = run_child(code, home, _HIDDEN, timeout=180)
    return parts


Figures = list[dict[str, float]]


def measure(runs: int) -> tuple[Figures, dict[str, float]]:
    """Median RSS (MB, and its anonymous and file-backed parts) of each row, and of the kiosk
    as bench_ui starts it."""
    home = tempfile.mkdtemp(prefix="kiosk-bench-memory-")
    # Read-aloud off in the settings: the voice gets a row of its own.
    Path(home, "terminal.toml").write_text("[ui]\nvoice = false\n", encoding="utf-8")
    groups = [list(steps) for _, steps in GROUPS]

    def child(stage: int) -> str:
        return _CHILD.replace("STAGE_N", str(stage)).replace("GROUPS_LIST", repr(groups))

    _parts(child(1), home)  # creates the database and seeds the catalogue: not measured
    figures: Figures = []
    for stage in range(len(ROWS)):
        code = child(stage)
        figures.append(_median_run([_parts(code, home) for _ in range(runs)]))
    kiosk_home = tempfile.mkdtemp(prefix="kiosk-bench-memory-kiosk-")
    _parts(_KIOSK, kiosk_home)
    return figures, _median_run([_parts(_KIOSK, kiosk_home) for _ in range(runs)])


def _median_run(samples: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median RSS, whole: its parts add up, as medians of each would not."""
    return sorted(samples, key=lambda p: p["rss_mb"])[len(samples) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per row (median)")
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)
    _HIDDEN[:] = dev_only_modules()  # memory as on a terminal (bench/production_venv.py)
    with null_audio_dispatcher():  # the kiosk's voice, speaking (no sound card here)
        figures, kiosk = measure(args.runs)
    floor = figures[0]["rss_mb"]
    print(
        f"| part (each row adds to the one above) | RSS MB | Δ MB | × floor ({floor:.0f} MB) "
        "| anonymous MB | Δ | file-backed MB | Δ |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    previous: dict[str, float] = {}
    for name, parts in zip(ROWS, figures, strict=True):

        def delta(
            key: str, parts: dict[str, float] = parts, before: dict[str, float] = previous
        ) -> str:
            return f"{parts[key] - before[key]:+.1f}" if before else "—"

        rss = parts["rss_mb"]
        print(
            f"| {name} | {rss:.1f} | {delta('rss_mb')} | {rss / floor:.2f} "
            f"| {parts['anon_mb']:.1f} | {delta('anon_mb')} "
            f"| {parts['file_mb']:.1f} | {delta('file_mb')} |"
        )
        previous = parts
    print(
        f"| the kiosk as started (`build_kiosk`, default devices, idle 2 s) "
        f"| {kiosk['rss_mb']:.1f} | — | {kiosk['rss_mb'] / floor:.2f} "
        f"| {kiosk['anon_mb']:.1f} | — | {kiosk['file_mb']:.1f} | — |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
