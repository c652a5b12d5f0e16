"""``kiosk sim printer ...``: run the ESC/POS printer simulator and drive it (dev dock).

``serve`` runs a simulator on a pseudo-terminal in the foreground and leaves
its pty path and control socket in the terminal's run directory, where
``escpos:sim`` finds it. The other verbs send one command to it over the
control socket (JSON lines, see devices/printers/simulator/control.py).
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from pathlib import Path
from typing import Any

from devices.printers.factory import SIM_INFO, SIM_JOBS, SIM_SOCKET, write_sim_info
from devices.printers.simulator.control import ControlServer, send_command
from devices.printers.simulator.server import PrinterSimulator
from kiosk.errors import KioskError
from kiosk.paths import data_dir
from printouts.escpos.profile import TextEncoding

_VERBS = {
    "paper-out": "run out of paper",
    "paper-in": "load a new roll (clears near-end and paper-lines)",
    "near-end": "report paper near end",
    "cover-open": "open the cover",
    "cover-close": "close the cover",
    "offline": "take the printer off line",
    "online": "bring it back on line",
    "mute": "stop answering status queries (a printer that never answers)",
    "unmute": "answer status queries again",
    "status": "show the simulator's state",
    "jobs": "list the jobs printed so far and their PNGs",
}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``kiosk sim printer`` and its verbs."""
    parser = sub.add_parser(
        "printer",
        help="ESC/POS receipt printer simulator",
        description="Run the receipt printer simulator, or change its state while it runs.",
    )
    verbs = parser.add_subparsers(dest="sim_printer_verb", required=True, metavar="VERB")
    serve = verbs.add_parser(
        "serve",
        help="run a simulator on a pty until interrupted",
        description="Run a simulator on a pseudo-terminal until Ctrl-C or SIGTERM.",
    )
    serve.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper width, mm")
    serve.add_argument(
        "--encoding",
        choices=[e.value for e in TextEncoding],
        default=TextEncoding.GB18030.value,
        help="text encoding the simulated printer understands",
    )
    serve.add_argument("--jobs-dir", type=Path, help="where job PNGs go (default: run dir)")
    serve.set_defaults(handler=_serve)
    for verb, help_text in _VERBS.items():
        p = verbs.add_parser(verb, help=help_text, description=help_text.capitalize() + ".")
        p.add_argument("--json", action="store_true", help="print the full answer as JSON")
        p.set_defaults(handler=_command)
    lines = verbs.add_parser(
        "paper-lines",
        help="let the paper run out after N more lines (paper out mid-job)",
        description="Let the paper run out after N more printed lines.",
    )
    lines.add_argument("lines", type=int, metavar="N")
    lines.add_argument("--json", action="store_true", help="print the full answer as JSON")
    lines.set_defaults(handler=_command)


def _serve(args: argparse.Namespace) -> int:
    run = data_dir().ensure().run
    sim = PrinterSimulator(
        encoding=TextEncoding(args.encoding),
        width_mm=args.width,
        jobs_dir=args.jobs_dir or run / SIM_JOBS,
    ).start()
    control = ControlServer(sim, run / SIM_SOCKET).start()
    info = write_sim_info(run, sim, control.path)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"printer simulator on {sim.port} (control {control.path}); Ctrl-C to stop", flush=True)
    try:
        stop.wait()
    finally:
        info.unlink(missing_ok=True)
        control.stop()
        sim.stop()
    return 0


def _command(args: argparse.Namespace) -> int:
    sock = data_dir().run / SIM_SOCKET
    extra = {"lines": args.lines} if args.sim_printer_verb == "paper-lines" else {}
    try:
        reply = send_command(sock, args.sim_printer_verb, **extra)
    except OSError as exc:
        raise KioskError(
            f"printer simulator not running (no {sock}); start it: kiosk sim printer serve"
        ) from exc
    if args.json:
        print(json.dumps(reply, ensure_ascii=False))
    elif not reply.get("ok"):
        print(f"error: {reply.get('error')}")
    elif args.sim_printer_verb == "jobs":
        for job in reply["jobs"]:
            state = "complete" if job["complete"] else "cut short"
            print(f"job {job['index']}: {job['lines']} lines, {state}, {job['png']}")
    else:
        state = reply["state"]
        print(" ".join(f"{k}={v}" for k, v in state.items()))
    return 0 if reply.get("ok") else 1


__all__ = ["SIM_INFO", "register"]
