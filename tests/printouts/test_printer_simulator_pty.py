"""The ESC/POS adapter against the simulator over a real pseudo-terminal.

Named after the failures they cover: paper running out mid-slip, cover open,
printer offline, a printer that never answers, control from another process.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.printers.errors import PrinterNotReadyError, PrintJobFailedError
from devices.printers.escpos_serial import EscPosPrinter
from devices.printers.protocol import PrintOutcome, ReceiptPrinter
from devices.printers.simulator.control import ControlServer, send_command
from devices.printers.simulator.server import PrinterSimulator
from devices.printers.status import PrinterStatus
from devices.printers.worker import PrintWorker
from printouts import samples
from printouts.escpos.profile import PrinterProfile, TextEncoding
from printouts.layouts import layout_receipt

RECEIPT = layout_receipt(samples.receipt())


@pytest.fixture
def printer(simulator: PrinterSimulator) -> Iterator[EscPosPrinter]:
    p = EscPosPrinter(simulator.port, PrinterProfile(width_mm=58), status_timeout=0.3)
    yield p
    p.close()


def test_receipt_prints_and_simulator_sees_text_qr_and_cut(simulator, printer) -> None:
    assert isinstance(printer, ReceiptPrinter)
    outcome = printer.print_document(RECEIPT)
    assert outcome.status_before is outcome.status_after is PrinterStatus.READY
    (job,) = simulator.wait_for_jobs(1, timeout=10)
    assert job.complete
    assert "受理回执" in job.lines and samples.APPLICATION_NUMBER in job.lines
    assert job.qr_payloads == [samples.QR_PAYLOAD]
    assert job.png is not None and job.png.read_bytes().startswith(b"\x89PNG")


def test_paper_out_in_the_middle_of_a_job_raises_and_keeps_the_slip_short(
    simulator, printer
) -> None:
    simulator.control("paper-lines", lines=6)
    with pytest.raises(PrintJobFailedError) as failure:
        printer.print_document(RECEIPT)
    assert failure.value.status is PrinterStatus.NO_PAPER
    (job,) = simulator.wait_for_jobs(1, timeout=10)
    assert not job.complete and job.lost_events > 0
    assert samples.QR_PAYLOAD not in job.qr_payloads
    # staff change the roll; the reprint goes through
    simulator.control("paper-in")
    assert printer.print_document(RECEIPT).status_after is PrinterStatus.READY
    assert simulator.wait_for_jobs(2, timeout=10)[1].complete


@pytest.mark.parametrize(
    ("command", "status"),
    [
        ("paper-out", PrinterStatus.NO_PAPER),
        ("cover-open", PrinterStatus.COVER_OPEN),
        ("offline", PrinterStatus.OFFLINE),
        ("mute", PrinterStatus.NO_ANSWER),
    ],
)
def test_printer_not_ready_sends_nothing(simulator, printer, command, status) -> None:
    simulator.control(command)
    assert printer.status() is status
    received = simulator.received
    with pytest.raises(PrinterNotReadyError) as failure:
        printer.print_document(RECEIPT)
    assert failure.value.status is status
    assert "打印机" in str(failure.value)
    assert simulator.received - received <= 12  # status queries only, no job bytes
    assert simulator.jobs == []


def test_near_end_still_prints_and_reports_it(simulator, printer) -> None:
    simulator.control("near-end")
    outcome = printer.print_document(RECEIPT)
    assert outcome.status_after is PrinterStatus.PAPER_NEAR_END


def test_gbk_printer_gets_rare_name_as_raster(tmp_path: Path) -> None:
    with PrinterSimulator(encoding=TextEncoding.GBK, width_mm=80, jobs_dir=tmp_path) as sim:
        import dataclasses

        content = dataclasses.replace(samples.receipt(), applicant_name_masked="吉*𠮷")
        p = EscPosPrinter(sim.port, PrinterProfile(80, TextEncoding.GBK))
        p.print_document(layout_receipt(content))
        (job,) = sim.wait_for_jobs(1, timeout=10)
        p.close()
    assert any(type(e).__name__ == "RasterImage" for e in job.events)
    assert not any("申请人" in line for line in job.lines)  # that line went as an image


def test_control_socket_driven_from_another_process(simulator, printer, tmp_path: Path) -> None:
    sock = tmp_path / "sim.sock"
    server = ControlServer(simulator, sock).start()
    try:
        code = (
            "import sys; from pathlib import Path;"
            "from devices.printers.simulator.control import send_command;"
            "print(send_command(Path(sys.argv[1]), 'cover-open')['ok'])"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(sock)],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        assert out.stdout.strip() == "True"
        assert printer.status() is PrinterStatus.COVER_OPEN
        assert send_command(sock, "cover-close")["state"]["cover_open"] is False
        assert send_command(sock, "nonsense")["ok"] is False
        printer.print_document(RECEIPT)
        simulator.wait_for_jobs(1, timeout=10)
        jobs = send_command(sock, "jobs")["jobs"]
        assert jobs[0]["complete"] is True and jobs[0]["png"].endswith(".png")
    finally:
        server.stop()


def test_worker_runs_jobs_off_the_calling_thread_and_calls_back(simulator, printer) -> None:
    worker = PrintWorker(printer)
    results: list[object] = []
    threads: list[str] = []
    done = threading.Event()

    def on_done(result: object) -> None:
        results.append(result)
        threads.append(threading.current_thread().name)
        if len(results) == 2:
            done.set()

    worker.submit(RECEIPT, on_done)
    simulator_paper_out = worker.check_status()
    assert simulator_paper_out.result(timeout=10) is PrinterStatus.READY
    simulator.control("paper-out")
    failed = worker.submit(RECEIPT, on_done)
    assert done.wait(timeout=10)
    assert isinstance(results[0], PrintOutcome)
    assert isinstance(results[1], PrinterNotReadyError)
    assert isinstance(failed.exception(timeout=10), PrinterNotReadyError)
    assert all(name.startswith("printer") for name in threads)
    assert threading.current_thread().name not in threads
    worker.close()


def test_worker_reports_status_changes_only(simulator, printer) -> None:
    worker = PrintWorker(printer)
    seen: list[PrinterStatus] = []
    changed = threading.Condition()

    def on_change(status: PrinterStatus) -> None:
        with changed:
            seen.append(status)
            changed.notify_all()

    worker.watch(on_change, interval=0.05)
    with changed:
        assert changed.wait_for(lambda: seen == [PrinterStatus.READY], timeout=10)
    simulator.control("cover-open")
    with changed:
        assert changed.wait_for(lambda: len(seen) == 2, timeout=10)
    worker.close()
    assert seen == [PrinterStatus.READY, PrinterStatus.COVER_OPEN]


def test_unplugged_port_is_disconnected(tmp_path: Path) -> None:
    p = EscPosPrinter(str(tmp_path / "no-such-tty"), PrinterProfile())
    assert p.status() is PrinterStatus.DISCONNECTED
    with pytest.raises(PrinterNotReadyError):
        p.print_document(RECEIPT)
