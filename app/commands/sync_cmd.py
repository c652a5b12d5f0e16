"""``kiosk sync``: run the sync engine in the foreground with a progress display.

Exit status with ``--once``: 0 queue drained, 1 platform unreachable (items
stay queued), 2 not provisioned, 3 another sync process is running,
4 authentication refused (queue paused).
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from app.commands.provision import kiosk_version
from kiosk.core import KioskCore
from sync.client import Credentials, PlatformClient
from sync.credentials import SyncLock, load_credentials
from sync.engine import EngineOptions, SyncEngine, SyncStatus


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``sync``."""
    parser = sub.add_parser(
        "sync",
        help="deliver the queue to the platform and pull statuses (foreground)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("--once", action="store_true", help="drain the queue once and exit")
    parser.add_argument("--chunk-kb", type=int, default=256, help="attachment chunk size (KiB)")
    parser.set_defaults(handler=_sync)


def _line(status: SyncStatus) -> str:
    skew = "?" if status.skew_s is None else f"{status.skew_s:+.1f}s"
    return (
        f"[{status.connection.value}] queue {status.queue_depth}"
        f"  delivered {status.delivered}  attachments {status.attachment_bytes // 1024} KiB"
        f"  statuses {status.statuses_applied}  quarantined {status.quarantined}  skew {skew}"
        + ("  clock jump!" if status.clock_jump else "")
        + (f"  {status.connection.label}" if status.connection.value != "online" else "")
    )


class _Printer:
    """Prints the status line after a round, only when it changed (a quiet terminal stays quiet)."""

    def __init__(self) -> None:
        self.last = ""

    def __call__(self, status: SyncStatus) -> None:
        line = _line(status)
        if line != self.last:
            print(line, flush=True)
            self.last = line


def _sync(args: argparse.Namespace) -> int:
    core = KioskCore.open()
    try:
        credentials = load_credentials(core.data, core.settings)
        if credentials is None:
            print("kiosk sync: terminal not provisioned (run kiosk provision)", file=sys.stderr)
            return 2
        lock = SyncLock(core.data)
        if not lock.acquire():
            print("kiosk sync: another sync process is running", file=sys.stderr)
            return 3
        try:
            return _run(core, credentials, args)
        finally:
            lock.release()
    finally:
        core.close()


def _run(core: KioskCore, credentials: Credentials, args: argparse.Namespace) -> int:
    client = PlatformClient(
        core.settings.platform.url, credentials, ca_bundle=core.settings.platform.ca_bundle
    )
    engine = SyncEngine(
        core.store,
        client,
        core.settings.sync,
        options=EngineOptions(chunk_bytes=max(1, args.chunk_kb) * 1024),
        versions={"kiosk": kiosk_version()},
        on_event=lambda message: print(f"  {message}", flush=True),
        on_status=None if args.once else _Printer(),
    )
    engine.release_stale_leases()
    try:
        if args.once:
            report = engine.run_until_idle()
            print(_line(engine.status()), flush=True)
            if report.auth_failed:
                print(f"kiosk sync: {engine.status().auth_reason}", file=sys.stderr)
                return 4
            if not report.ok:
                print(f"kiosk sync: {report.error}", file=sys.stderr)
                return 1
            return 0
        engine.start(take_lock=False)  # this process holds the lock already
        threading.Event().wait()  # until Ctrl-C; the engine prints after every round
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        engine.stop()
        client.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m app.commands.sync_cmd``: the same command without loading every other
    command module (used by the SIGKILL test, which starts it 50+ times)."""
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["sync", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
