"""``kiosk print`` and ``kiosk sim printer`` against a real data directory and printers."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from app.cli import build_parser, main
from devices.printers.simulator.server import PrinterSimulator
from kiosk.application import Applicant, Channel
from kiosk.core import KioskCore
from kiosk.states import ApplicationState
from kiosk.store.outbox import Outbox
from kiosk.usecases.submit import submit_application
from tests.printouts.conftest import wait_until

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def application_number(kiosk_home: Path) -> str:
    core = KioskCore.open()
    try:
        app = submit_application(
            core,
            "RS-SY-001",
            Applicant("张秀芳", ID_NUMBER, "13812345678", "浙江省杭州市西湖区龙井村3组"),
            {
                "phone": "13812345678",
                "address": "浙江省杭州市西湖区龙井村3组",
                "unemployed_date": "2026-10-01",
                "training": "想参加",
            },
            channel=Channel.PAPER,
            staff_id="1001",
        )
        return app.number
    finally:
        core.close()


def _receipt_printed(number: str) -> bool:
    core = KioskCore.open()
    try:
        app = core.store.application(number)
        assert app is not None
        return app.receipt_printed
    finally:
        core.close()


def _pdf_text(path: Path) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_every_print_verb_has_help() -> None:
    parser = build_parser()
    for argv in (
        ["print", "--help"],
        ["print", "receipt", "--help"],
        ["sim", "printer", "serve", "--help"],
    ):
        with pytest.raises(SystemExit) as done:
            parser.parse_args(argv)
        assert done.value.code == 0


def test_print_receipt_to_pdf_masks_the_id_and_marks_it_printed(
    application_number, tmp_path, capsys
) -> None:
    out = tmp_path / "r.pdf"
    assert main(["print", "receipt", application_number, "--printer", f"pdf:{out}?page=80"]) == 0
    text = _pdf_text(out).replace(" ", "")
    assert application_number in text and "110105********002X" in text
    assert ID_NUMBER not in text and "张秀芳" not in text
    assert _receipt_printed(application_number)
    assert ID_NUMBER not in capsys.readouterr().out
    # a second print is a reprint
    assert main(["print", "receipt", application_number, "--printer", f"pdf:{out}"]) == 0
    assert "补打" in _pdf_text(out)


def test_receipt_on_a_printer_out_of_paper_fails_and_stays_not_printed(
    application_number, tmp_path, capsys
) -> None:
    with PrinterSimulator(width_mm=80, jobs_dir=tmp_path) as sim:
        sim.control("paper-out")
        assert (
            main(["print", "receipt", application_number, "--printer", f"escpos:{sim.port}"]) == 1
        )
    assert "缺纸" in capsys.readouterr().err
    assert not _receipt_printed(application_number)


def test_print_test_notice_summary_and_form_on_the_simulator(
    application_number, kiosk_home, capsys
) -> None:
    for argv in (
        ["print", "test", "--json"],
        ["print", "notice", "RS-SY-001", "--json"],
        ["print", "summary", "--json"],
        ["print", "form", application_number, "--json", "--printer", "escpos:sim?width=58"],
    ):
        assert main(argv) == 0, argv
        reply = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert reply["status_after"] == "ready"
        assert reply["simulator_png"] and Path(reply["simulator_png"]).exists()


def test_print_result_notice_after_the_platform_decided(application_number, tmp_path) -> None:
    out = tmp_path / "result.pdf"
    argv = ["print", "result", application_number, "--printer", f"pdf:{out}"]
    assert main(argv) == 1  # not decided yet
    core = KioskCore.open()
    try:
        app = core.store.application(application_number)
        assert app is not None
        for state in (
            ApplicationState.SENDING,
            ApplicationState.ACKNOWLEDGED,
            ApplicationState.DONE,
        ):
            core.store.set_state(app.id, state)
        assert Outbox(core.store).apply_platform_status(
            app.id,
            ApplicationState.COMPLETED,
            "",
            core.clock(),
            "已为您办理失业登记。\n请按时参加培训。",
        )
    finally:
        core.close()
    assert main(argv) == 0
    text = _pdf_text(out).replace(" ", "")
    assert "办理结果通知" in text and "已办结" in text and "已为您办理失业登记" in text
    assert ID_NUMBER not in text


def test_unknown_service_code_is_an_error(kiosk_home, capsys) -> None:
    assert main(["print", "notice", "NO-SUCH", "--printer", "pdf:/dev/null"]) == 1
    assert "NO-SUCH" in capsys.readouterr().err


def test_sim_printer_serve_and_dock_commands_from_other_processes(kiosk_home: Path) -> None:
    env = {"KIOSK_HOME": str(kiosk_home), "PATH": "/usr/bin:/bin"}
    kiosk = [sys.executable, "-m", "app.cli"]
    server = subprocess.Popen(
        [*kiosk, "sim", "printer", "serve", "--width", "58"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert "printer simulator on" in server.stdout.readline()
        run = subprocess.run(
            [*kiosk, "sim", "printer", "paper-out", "--json"],
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert json.loads(run.stdout)["state"]["paper"] is False
        printed = subprocess.run(
            [*kiosk, "print", "test"],
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert printed.returncode == 1 and "缺纸" in printed.stderr
        subprocess.run(
            [*kiosk, "sim", "printer", "paper-in"],
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        printed = subprocess.run(
            [*kiosk, "print", "test"],
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert printed.returncode == 0, printed.stderr
        jobs = subprocess.run(
            [*kiosk, "sim", "printer", "jobs"],
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "job 1:" in jobs.stdout and "complete" in jobs.stdout
        png = Path(jobs.stdout.split(", ")[-1].strip())
        with Image.open(png) as image:
            assert image.width == 384 + 32  # the 58 mm simulator's paper, not the URL's 80
    finally:
        server.terminate()
        server.wait(timeout=30)
        assert server.stdout is not None
        server.stdout.close()
    wait_until(
        lambda: not (kiosk_home / "run" / "printer-sim.json").exists(),
        10,
        "the simulator to clean up",
    )
