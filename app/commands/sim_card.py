"""``kiosk sim card ...``: run the SAM reader simulator and drive it from another shell.

``serve`` runs a simulator in the foreground and prints the pty link (give
``sam:<link>`` to the kiosk or to ``kiosk card read``) and its control socket. The
other verbs send one request to a running simulator found by ``--run-dir``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from devices.cards.sim.control import ControlServer, control_path, send_control
from devices.cards.sim.profiles import load_profiles
from devices.cards.sim.sam_simulator import SamSimulator

_VERBS: dict[str, str] = {
    "remove": "take the card off the reader",
    "bad-checksum": "corrupt the checksum of the next answer(s)",
    "garbage": "send noise before (or with --instead, in place of) the next answer(s)",
    "fail-read": "fail the next card read(s) with status 41, like a damaged card",
    "silent": "stop answering (until talk or replug)",
    "talk": "answer again after silent",
    "unplug": "close the pty and remove its link, like pulling the USB cable",
    "replug": "plug a fresh pty in behind the same link",
    "status": "print the simulator's state",
}


def default_run_dir() -> Path:
    from kiosk.paths import data_dir

    return data_dir().run / "card-sim"


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``kiosk sim card``."""
    parser = sub.add_parser("card", help="SAM ID-card reader simulator")
    verbs = parser.add_subparsers(dest="sim_card_command", required=True, metavar="VERB")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        verb: argparse.ArgumentParser = verbs.add_parser(
            name, help=help_text, description=help_text
        )
        verb.add_argument(
            "--run-dir",
            type=Path,
            default=None,
            help="simulator run directory (default $KIOSK_HOME/run/card-sim)",
        )
        return verb

    serve = add("serve", "run a simulator in the foreground until Ctrl-C")
    serve.add_argument("--profile", help="insert this card at start")
    serve.add_argument("--profiles-dir", type=Path, help="JSON profiles (default config/cards)")
    serve.add_argument(
        "--read-delay", type=float, default=0.0, metavar="S", help="seconds a card read takes"
    )
    serve.set_defaults(handler=run_serve)

    insert = add("insert", "put a card on the simulated reader")
    insert.add_argument("profile", help="profile name, e.g. resident-longterm")
    insert.set_defaults(handler=run_control, action="insert")

    for name, help_text in _VERBS.items():
        verb = add(name, help_text)
        if name in ("bad-checksum", "garbage", "fail-read"):
            verb.add_argument("--count", type=int, default=1, help="how many answers (default 1)")
        if name == "garbage":
            verb.add_argument("--instead", action="store_true", help="replace the answer")
        verb.set_defaults(handler=run_control, action=name)

    profiles = verbs.add_parser(
        "profiles", help="list the card profiles", description="list the card profiles"
    )
    profiles.add_argument("--profiles-dir", type=Path, help="JSON profiles (default config/cards)")
    profiles.set_defaults(handler=run_profiles)


def run_serve(args: argparse.Namespace) -> int:
    run_dir: Path = args.run_dir or default_run_dir()
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    profiles = load_profiles(args.profiles_dir)
    if args.profile and args.profile not in profiles:
        print(f"kiosk sim card serve: unknown profile {args.profile!r}", file=sys.stderr)
        return 1
    sim = SamSimulator(profiles, run_dir, read_delay=args.read_delay)
    control = ControlServer(sim, control_path(run_dir))
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    sim.start()
    control.start()
    try:
        if args.profile:
            sim.insert(args.profile)
        print(f"pty: {sim.port_path}", flush=True)
        print(f"reader: sam:{sim.port_path}", flush=True)
        print(f"control: {control.path}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
    finally:
        control.stop()
        sim.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0


def run_control(args: argparse.Namespace) -> int:
    request: dict[str, Any] = {"action": args.action}
    for key in ("profile", "count", "instead"):
        if hasattr(args, key):
            request[key] = getattr(args, key)
    path = control_path(args.run_dir or default_run_dir())
    try:
        answer = send_control(path, request)
    except OSError as exc:
        print(f"kiosk sim card: no simulator at {path}: {exc}", file=sys.stderr)
        return 1
    if not answer.get("ok"):
        print(f"kiosk sim card: {answer.get('error')}", file=sys.stderr)
        return 1
    print(json.dumps(answer, ensure_ascii=False))
    return 0


def run_profiles(args: argparse.Namespace) -> int:
    for name, profile in load_profiles(args.profiles_dir).items():
        print(f"{name}\t{profile.layout.card_type.value}")
    return 0
