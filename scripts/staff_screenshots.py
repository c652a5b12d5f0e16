"""Render the staff and technician screens to docs/screenshots/staff-*.png (offscreen Qt).

Usage: ``.venv/bin/python scripts/staff_screenshots.py [OUT_DIR]``

Uses a throw-away data directory with sample applications (fictitious person)
and a fixed diagnostics report, so the pictures are reproducible and hold no
real personal data.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication, QWidget

from kiosk.application import Applicant, Channel
from kiosk.core import KioskCore
from kiosk.diagnostics import (
    ClockFact,
    DatabaseFact,
    DeviceFact,
    DiskFact,
    NetworkFact,
    Probes,
    QueueFact,
    Report,
    SyncFact,
    VersionFact,
    diagnose,
)
from kiosk.paths import DataDir
from kiosk.staff import Role, ScryptParams
from kiosk.store.outbox import Outbox, OutboxKind
from kiosk.usecases import staff_auth
from kiosk.usecases.staff_auth import AuthConfig
from kiosk.usecases.submit import submit_application
from ui.devices import PrinterBridge
from ui.staff.consent_screen import AssistedConsentPage
from ui.staff.console import StaffConsole
from ui.technician.console import TechnicianConsole
from ui.technician.wizard import ProvisioningWizard
from ui.theme import Theme, apply_theme

SIZE = (1920, 1080)  # the kiosk's screen
AUTH = AuthConfig(scrypt=ScryptParams(n=2**10))
NOW = dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)
PERSON = Applicant("王秀兰", "110101195001011239", "13800138000", "石马村 12 号")


def _grab(widget: QWidget, out: Path, name: str) -> None:
    widget.resize(*SIZE)
    widget.show()
    QApplication.processEvents()
    path = out / f"staff-{name}.png"
    widget.grab().save(str(path))
    print(path)


def _sample_core(home: Path) -> KioskCore:
    core = KioskCore.open(DataDir(home), clock=lambda: NOW)
    staff_auth.add_staff(core, "1001", "李卫东", Role.STAFF, "246810", config=AUTH)
    staff_auth.add_staff(core, "9001", "陈技术", Role.TECHNICIAN, "135790", config=AUTH)
    item = core.store.item("YB-CB-001")
    assert item is not None
    answers = {"phone": PERSON.phone}
    for f in item.form:
        if f.options and f.required and not f.prefill:
            answers[f.key] = f.options[0]
    apps = [
        submit_application(
            core,
            item.code,
            PERSON,
            answers,
            channel=Channel.ASSISTED,
            staff_id="1001",
            consent=True,
        )
        for _ in range(4)
    ]
    outbox = Outbox(core.store)
    claimed = outbox.claim(OutboxKind.APPLICATION, 10, now=1e12, lease_s=60)
    by_id = {e.item_id: e for e in claimed}
    outbox.quarantine(by_id[apps[1].id], "平台拒收：事项版本已停用，请按新版本重新填写")
    outbox.acknowledged(by_id[apps[2].id])
    outbox.acknowledged(by_id[apps[3].id])
    outbox.release([by_id[apps[0].id]])
    from kiosk.states import ApplicationState

    outbox.apply_platform_status(
        apps[3].id, ApplicationState.NEEDS_SUPPLEMENT, "户口簿照片不清晰，请重新拍摄", NOW
    )
    outbox.apply_platform_status(apps[2].id, ApplicationState.ACCEPTED, "", NOW)
    return core


def _report() -> Report:
    facts = {
        "card_reader": DeviceFact(
            True, "sam:/dev/ttyUSB0", "no_card", True, False, "读卡器正常，等待放卡。"
        ),
        "receipt_printer": DeviceFact(
            True,
            "escpos:/dev/ttyS1",
            "paper_near_end",
            True,
            True,
            "打印纸即将用完，请及时更换纸卷",
        ),
        "a4_printer": DeviceFact(False),
        "network": NetworkFact(True, True),
        "sync": SyncFact(True, NOW - dt.timedelta(minutes=4)),
        "queue": QueueFact(2, NOW - dt.timedelta(minutes=20), 1),
        "disk": DiskFact(18 * 1024**3, 64 * 1024**3),
        "database": DatabaseFact(True),
        "clock": ClockFact(3.0),
        "versions": VersionFact("0.1.0", 34, "42"),
    }
    return diagnose(Probes(**{k: (lambda v=v: v) for k, v in facts.items()}), NOW)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_theme(app, Theme())
    with tempfile.TemporaryDirectory() as tmp:
        core = _sample_core(Path(tmp) / "home")
        bridge = PrinterBridge(None, core, watch_interval_s=0)
        staff = StaffConsole(core, bridge, AUTH)
        staff.open()
        staff.sign_in.number.setText("1001")
        _grab(staff, out, "sign-in")
        staff.sign_in.pin.setText("000000")
        staff.sign_in.submit()
        _grab(staff, out, "sign-in-wrong-pin")
        staff.sign_in.pin.setText("246810")
        staff.sign_in.submit()
        _grab(staff, out, "queue")
        supplement = next(
            e for e in staff.queue.entries if e.actions and e.actions[0].value == "supplement"
        )
        staff.queue.select(supplement.number)
        staff.queue.act(supplement.actions[0])
        _grab(staff, out, "supplement")
        consent = AssistedConsentPage()
        assert staff.session is not None
        consent.ask(staff.session, "城乡居民基本医疗保险参保登记")
        _grab(consent, out, "consent")

        tech = TechnicianConsole(
            core,
            _report,
            wizard=ProvisioningWizard(core, lambda r: None, reader=None, printer=None, auth=AUTH),  # type: ignore[arg-type,return-value]
            export_logs=lambda folder: folder,
            auth=AUTH,
        )
        tech.open()
        _grab(tech, out, "technician-unlock")
        tech.unlock.pin.setText("135790")
        tech.unlock.submit()
        _grab(tech, out, "technician-menu")
        tech.setCurrentWidget(tech.diagnostics)
        tech.diagnostics.show_report(_report())
        _grab(tech, out, "diagnostics")
        assert tech.wizard is not None
        tech.wizard.url.setText("https://zwfw.example.gov.cn")
        tech.wizard.code.setText("K7Q2-9XF4")
        tech.wizard.station.setText("石马村便民服务站")
        tech.setCurrentWidget(tech.wizard)
        _grab(tech, out, "wizard-platform")
        tech.wizard.setCurrentWidget(tech.wizard.devices_page)
        tech.wizard.reader_ok = True
        tech.wizard.reader_state.setText("✓ 读卡器：读卡成功（王*兰）")
        tech.wizard.printer_state.setText("✓ 回执打印机：测试页已打印，请检查字迹是否清楚")
        _grab(tech, out, "wizard-devices")
        core.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
