"""The one place where a printer URL becomes a real or simulated printer."""

from __future__ import annotations

import atexit
import dataclasses
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from devices.printers.errors import PrinterUrlError
from devices.printers.escpos_serial import EscPosPrinter
from devices.printers.protocol import Printer
from devices.printers.simulator.control import ControlServer, send_command
from devices.printers.simulator.server import PrinterSimulator
from devices.printers.url import CupsUrl, EscPosUrl, PdfUrl, parse_printer_url
from printouts.escpos.profile import PrinterProfile, TextEncoding

log = logging.getLogger(__name__)

#: Files a running ``kiosk sim printer serve`` leaves in the run directory.
SIM_INFO = "printer-sim.json"
SIM_SOCKET = "printer-sim.sock"
SIM_JOBS = "printer-sim-jobs"


def open_printer(
    url: str,
    *,
    encoding: TextEncoding = TextEncoding.GB18030,
    run_dir: Path | None = None,
    status_timeout: float = 0.5,
) -> Printer:
    """A printer for ``url`` (see ``devices.printers.url``); nothing is opened until first use.

    ``escpos:sim`` connects to the simulator ``kiosk sim printer serve`` runs
    (found through ``run_dir``), or starts one in this process, with its control
    socket in ``run_dir`` so the dev dock can still drive it.
    """
    parsed = parse_printer_url(url, encoding)
    match parsed:
        case EscPosUrl(port="sim"):
            running = _running_simulator(run_dir)
            if running:
                # The running simulator is the printer: its paper and encoding are the facts.
                port, sim_profile = running
                profile = dataclasses.replace(
                    parsed.profile, width_mm=sim_profile.width_mm, encoding=sim_profile.encoding
                )
                return EscPosPrinter(port, profile, status_timeout=status_timeout, url=url)
            port, stops = _start_simulator(parsed, run_dir)
            return EscPosPrinter(
                port, parsed.profile, status_timeout=status_timeout, url=url, on_close=stops
            )
        case EscPosUrl():
            if not parsed.port:
                raise PrinterUrlError("escpos: 需要串口或 socket:// 地址")
            return EscPosPrinter(
                parsed.port,
                parsed.profile,
                baudrate=parsed.baudrate,
                status_timeout=status_timeout,
                url=url,
            )
        case CupsUrl():
            from devices.printers.cups import CupsPrinter  # only the printer in use is loaded

            return CupsPrinter(parsed.queue)
        case PdfUrl():
            # The PDF renderer (reportlab, qrcode, PIL) comes with this printer only.
            from devices.printers.pdf_file import PdfFilePrinter

            return PdfFilePrinter(parsed.path, parsed.page)


def write_sim_info(run_dir: Path, sim: PrinterSimulator, control: Path) -> Path:
    info = run_dir / SIM_INFO
    info.write_text(
        json.dumps(
            {
                "port": sim.port,
                "control": str(control),
                "pid": os.getpid(),
                "width_mm": sim.profile.width_mm,
                "encoding": sim.profile.encoding.value,
            }
        ),
        encoding="utf-8",
    )
    return info


def _running_simulator(run_dir: Path | None) -> tuple[str, PrinterProfile] | None:
    """The pty and profile of a simulator ``kiosk sim printer serve`` runs, if it answers."""
    if run_dir is None:
        return None
    info = run_dir / SIM_INFO
    try:
        data = json.loads(info.read_text(encoding="utf-8"))
        send_command(Path(data["control"]), "status", timeout=1.0)
        profile = PrinterProfile(
            width_mm=int(data["width_mm"]), encoding=TextEncoding(data["encoding"])
        )
    except (OSError, ValueError, KeyError):
        return None
    port = str(data["port"])
    return (port, profile) if Path(port).exists() else None


def _start_simulator(
    parsed: EscPosUrl, run_dir: Path | None
) -> tuple[str, tuple[Callable[[], None], ...]]:
    """Start a simulator owned by the printer: stopped when it is closed (or at exit)."""
    jobs = run_dir / SIM_JOBS if run_dir else None
    sim = PrinterSimulator(
        encoding=parsed.profile.encoding, width_mm=parsed.profile.width_mm, jobs_dir=jobs
    ).start()
    stops: list[Callable[[], None]] = []
    if run_dir is not None:
        control = ControlServer(sim, run_dir / SIM_SOCKET).start()
        stops.append(control.stop)
    stops.append(sim.stop)
    for stop in stops:
        atexit.register(stop)
    log.info("started an in-process printer simulator")
    return sim.port, tuple(stops)
