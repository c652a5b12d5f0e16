"""Start-up stays light (issue 16, goals 1–2): nothing heavy is imported, and only the home
screen is built, before the home screen is first shown.

The import check runs the real ``build_kiosk`` in a fresh interpreter (other tests in this
process have long imported everything): default devices (the SAM card and ESC/POS printer
simulators), the simulated document camera, and a terminal enrolled (its secret file) with
a platform that is not there, so the sync engine's deferred start is exercised without any
network; the database is already at the latest migration, as at a terminal's normal start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QLineEdit, QPushButton

from kiosk.core import KioskCore
from kiosk.journey import Step
from kiosk.paths import DataDir
from sync.credentials import save_secret
from tests.ui.taps import at, current_screen, find, tap
from ui.router import HEARS_BEFORE_SHOWN

ROOT = Path(__file__).resolve().parents[2]

HEAVY = (
    "httpx",
    "rich",
    "pygments",
    "reportlab",
    "qrcode",
    "PIL",
    "printouts.jobs",
    "sqlite_utils",
    "click",
    "pluggy",
    "dateutil",
    "pypinyin",
    "pydantic",
    "cryptography",
    "ui.dev_dock",
    "printouts.document",
)
"""Loaded where used: the dev dock (demo), the document model (first print), the AES library
(first value sealed or opened), sync client and its wire models (pydantic), PDF renderer, receipt renderer, photo downscaler, print
jobs, the migrations' runner (only when a migration is pending). pypinyin is not loaded by
the kiosk at all: search reads its own initials table (``kiosk.pinyin_initials``)."""

HTTP_LIBRARIES = ("httpx", "httpcore", "h11", "anyio", "certifi", "idna", "sniffio", "trio")
"""What the sync client loaded while it was httpx: not loaded at all now, even once the sync
engine runs (``sync.http`` is ``http.client`` and ``ssl``)."""

_CHILD = r"""
import json, os, sys, time
sys.path.insert(0, ROOT)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([])
from app.wiring import UiOptions, build_kiosk
from kiosk.core import KioskCore

core = KioskCore.open()
kiosk = build_kiosk(core, demo=False, options=UiOptions(voice_engine="mock"))
window = kiosk.window
window.resize(1920, 1080)
window.show()
out = {}


def at_home():  # the first event-loop turn with the home screen shown
    out["loaded_at_home"] = sorted(m for m in HEAVY if m in sys.modules)
    out["built_at_home"] = [s.step.value for s in window.router.screens.built()]
    out["consoles_at_home"] = [window._staff is not None, window._technician is not None]
    deadline = time.monotonic() + 30

    def later():  # the deferred start-up work has run: devices attached, voice up
        done = (
            kiosk.reader.reader is not None
            and kiosk.printer.worker is not None
            and kiosk.voice._started
            and kiosk.engine is not None  # the sync engine started ...
            and kiosk.engine.status().last_error != ""  # ... and its first request failed
        )
        if done or time.monotonic() > deadline:
            out["devices_later"] = [kiosk.reader.reader is not None, kiosk.printer.worker is not None]
            out["voice_later"] = kiosk.voice._started
            out["sync_later"] = [kiosk.engine is not None, "sync.client" in sys.modules]
            out["sync_error_later"] = kiosk.engine.status().last_error if kiosk.engine else ""
            out["http_libraries_later"] = sorted(m for m in HTTP_LIBRARIES if m in sys.modules)
            from kiosk.catalogue import prepare_search, search

            items = kiosk.services.catalogue()
            prepare_search(items)
            out["found_by_initials"] = len(search(items, "ylbx"))
            out["pypinyin_after_search"] = "pypinyin" in sys.modules
            app.quit()
        else:
            QTimer.singleShot(20, later)

    later()


QTimer.singleShot(0, at_home)
app.exec()
kiosk.close()
core.close()
print(json.dumps(out))
"""


def _start_kiosk(home: Path) -> dict[str, object]:
    # A terminal's normal start: its database already exists at the latest migration, and
    # it is enrolled (its secret file) with a platform that is not there.
    KioskCore.open(DataDir(home)).close()
    save_secret(DataDir(home), b"s" * 32)
    (home / "terminal.toml").write_text(
        '[platform]\nurl = "http://127.0.0.1:9"\nterminal_id = "T-NOT-ENROLLED"\n\n'
        '[devices]\ndocument_camera = "sim:"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "KIOSK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    code = (
        _CHILD.replace("ROOT", repr(str(ROOT)))
        .replace("HEAVY", repr(HEAVY))
        .replace("HTTP_LIBRARIES", repr(HTTP_LIBRARIES))
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def test_home_screen_is_shown_before_anything_heavy_is_imported_or_built(tmp_path: Path):
    """httpx (with rich, pygments), reportlab, qrcode and PIL were all imported, and all 22
    screens and both consoles built, before the home screen was first shown; sqlite-utils
    (with click, pluggy, dateutil) at every open of the store, migrations pending or not."""
    out = _start_kiosk(tmp_path)
    assert out["loaded_at_home"] == []
    assert out["built_at_home"] == [Step.HOME.value]
    assert out["consoles_at_home"] == [False, False]
    # Deferred, not dropped: after the first frame the devices, voice and sync client come up.
    assert out["devices_later"] == [True, True]
    assert out["voice_later"] is True
    assert out["sync_later"] == [True, True]
    assert out["sync_error_later"].startswith("network: ")  # no platform at 127.0.0.1:9
    # An enrolled kiosk syncs on the standard library's http.client (issue 16, goal 2).
    assert out["http_libraries_later"] == []
    # Searching by pinyin initials loads no pypinyin (its ~55 MB stayed for the process's life).
    assert out["found_by_initials"] > 0
    assert out["pypinyin_after_search"] is False


def test_a_screen_is_built_on_its_first_visit_and_shown_like_before(qtbot, rig):
    screens = rig.window.router.screens
    assert [s.step for s in screens.built()] == [Step.HOME]
    tap(qtbot, rig, "tile_apply")
    assert at(rig.journey) is Step.IDENTIFY
    screen = current_screen(rig)
    assert screen.step is Step.IDENTIFY and rig.window.stack.currentWidget() is screen
    assert screen.isVisible() and screen.width() > 0
    tap(qtbot, rig, "type_id")  # a button of the freshly built identify screen
    assert at(rig.journey) is Step.TYPE_ID
    visited = {Step.HOME, Step.IDENTIFY, Step.TYPE_ID}
    # ... and the screens that hear devices, one per idle moment; none of the others.
    qtbot.waitUntil(lambda: set(HEARS_BEFORE_SHOWN) <= screens.built_steps(), timeout=5_000)
    assert {s.step for s in screens.built()} == visited | set(HEARS_BEFORE_SHOWN)
    # Back to a screen built earlier: the same widget, not a second one.
    tap(qtbot, rig, "nav_back")
    assert current_screen(rig) is screen
    assert rig.window.stack.count() == len(visited | set(HEARS_BEFORE_SHOWN))


def test_the_submitted_screen_exists_before_filing_so_a_quick_paper_out_is_heard(qtbot, rig):
    """Built on first show, 提交成功 connected to the printer's answers only after the
    receipt had been sent: a paper-out reported before it was built was never shown."""
    screens = rig.window.router.screens
    assert Step.SUBMITTED not in screens.built_steps()  # not before a visit starts
    tap(qtbot, rig, "tile_apply")  # the first step of a visit, long before any filing
    qtbot.waitUntil(lambda: Step.SUBMITTED in screens.built_steps(), timeout=5_000)
    assert at(rig.journey) is Step.IDENTIFY  # built in the background, not shown


def test_large_text_rebuilds_only_the_shown_screen_and_the_next_in_large_sizes(qtbot, rig):
    tap(qtbot, rig, "tile_apply")  # a screen built before the switch ...
    normal_height = find(rig, QPushButton, "type_id").height()
    tap(qtbot, rig, "nav_back")  # from identify: home
    assert at(rig.journey) is Step.HOME
    tap(qtbot, rig, "toggle_large")
    assert rig.window.ctx.theme.large
    assert [s.step for s in rig.window.router.screens.built()] == [Step.HOME]
    tap(qtbot, rig, "tile_apply")  # ... is built again, in the large sizes
    qtbot.waitUntil(lambda: find(rig, QPushButton, "type_id").height() > normal_height)


def test_staff_console_is_built_when_first_opened(qtbot, rig):
    window = rig.window
    assert window._staff is None and window._technician is None
    tap(qtbot, rig, "open_staff")
    assert window._staff is not None
    assert window.modes.currentWidget() is window.staff_page
    assert find(rig, QLineEdit, "staff_number").isVisible()
    assert window.staff_console is window._staff  # built once


def test_start_up_objects_are_frozen_after_the_first_frame(qtbot, rig):
    """The one long full collection after start happens before a visit, not during one."""
    import gc

    qtbot.waitUntil(lambda: gc.get_freeze_count() > 0)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # the kiosk's start-up objects, not a handful


def test_kiosk_run_imports_no_other_command_before_it_starts() -> None:
    """``kiosk run`` used to import every command module first (the platform's database
    layer, pydantic's wire models, the printers, the sync client): ~0.15 s and 20 MB."""
    code = (
        "import sys, json; sys.path.insert(0, ROOT)\n"
        "from app.cli import build_parser, _command_in\n"
        "build_parser(_command_in(['-v', 'run', '--windowed']))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('central', 'sync.',"
        " 'pydantic', 'httpx', 'app.commands.')))))\n"
    ).replace("ROOT", repr(str(ROOT)))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(result.stdout) == ["app.commands.run"]
