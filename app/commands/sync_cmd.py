"""``kiosk sync``: run the sync engine in the foreground with a progress display.

Exit status with ``--once``: 0 queue drained, 1 platform unreachable (items
stay queued), 2 not provisioned, 3 another sync process is running,
4 authentication refused (queue paused). With or without ``--once``: 130 after
Ctrl-C (SIGINT), 143 after SIGTERM, within a few seconds whatever the link is doing.
"""

from __future__ import annotations

import argparse
import contextlib
import select
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import Any

from kiosk.core import KioskCore
from kiosk.errors import KioskError
from kiosk.version import kiosk_version
from sync.client import Credentials, PlatformClient, platform_transport
from sync.credentials import SyncLock, load_credentials
from sync.engine import EngineOptions, RoundReport, SyncEngine, SyncStatus
from sync.http import Request, Response, Transport

STOP_GRACE_S = 3.0
"""After Ctrl-C, how long the engine thread may take to finish what it is doing (s).

A request already on the wire is not interrupted (over a rural link one chunk can take
longer than a person waits); past this the thread is left behind and the process exits,
which is safe for the same reason a SIGKILL is: every state is in the store, and the next
sync releases the leases and resends (the platform is idempotent)."""

POLL_S = 1.0
"""Backstop for :meth:`StopSignals.wait`; the self-pipe normally wakes it at once."""

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


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


class StopSignals:
    """SIGINT and SIGTERM as a stop request that cannot be lost (issue 10, item 8).

    Python's default Ctrl-C raises KeyboardInterrupt in the main thread at the next bytecode
    it runs. A main thread parked in a lock wait only gets there if the signal interrupts
    that wait: a signal landing between the interpreter's last check and the blocking call
    (or taken by another thread) leaves it parked for good, and a KeyboardInterrupt raised
    before the command's ``try`` escapes as a traceback. Here the C-level handler writes the
    signal number to a self-pipe (``signal.set_wakeup_fd``), whichever thread takes the
    signal, and the main thread waits in ``select`` on that pipe: a signal that arrived
    before the wait is still in the pipe when the wait starts. The Python-level handler
    only records the number: no exception is thrown into the middle of a store write, and
    no lock is taken (a handler runs inside whatever the main thread was doing, possibly
    while it holds that very lock).
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signum: int | None = None
        """The first stop signal seen; a plain attribute, so any thread may read it."""
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous: dict[int, Any] = {}
        self._previous_fd: int | None = None

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._on_signal)
            self._previous_fd = signal.set_wakeup_fd(
                self._writer.fileno(), warn_on_full_buffer=False
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._previous_fd is not None:
            signal.set_wakeup_fd(self._previous_fd)
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._reader.close()
        self._writer.close()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum

    @property
    def requested(self) -> bool:
        """A stop signal arrived (reads the pipe too: the Python handler may not have run yet)."""
        return self.wait(0)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(signal.Signals(self.signum or signal.SIGINT), 130)

    def wake(self) -> None:
        """Any thread: end the main thread's :meth:`wait` early (a worker finished)."""
        with contextlib.suppress(OSError):
            self._writer.send(b"\0")

    def wait(self, timeout: float) -> bool:
        """Up to ``timeout`` s for a stop signal (True) or a :meth:`wake` (False)."""
        if self.signum is None:
            ready, _, _ = select.select([self._reader], [], [], timeout)
            if ready:
                with contextlib.suppress(OSError):  # BlockingIOError: someone drained it
                    for byte in self._reader.recv(512):
                        if byte in self.SIGNALS and self.signum is None:
                            self.signum = byte
        return self.signum is not None


class _StopAtNextRequest:
    """The platform transport, refusing to start a request once a stop was requested.

    The engine then ends its round at the next request boundary (between batches, between
    attachment chunks) instead of uploading the rest of the queue first; it unwinds as it
    does for KeyboardInterrupt, releasing the leases it holds. What it raises is exactly
    ``SystemExit``: the engine's ``except Exception`` does not take it for a crash to retry,
    and a thread ended by it ends silently (``threading.excepthook`` ignores that class
    only, not its subclasses: a subclass printed a traceback per Ctrl-C in the soak).
    """

    def __init__(self, inner: Transport, signals: StopSignals) -> None:
        self._inner = inner
        self._signals = signals

    def send(self, request: Request) -> Response:
        if self._signals.signum is not None:
            raise SystemExit(self._signals.exit_code)
        return self._inner.send(request)

    def close(self) -> None:
        self._inner.close()


@dataclass
class _Ending:
    code: int
    engine_stopped: bool = True
    """False: the engine's thread is still inside a request; leave the store and lock to the
    process exit (as a SIGKILL would) rather than close them under its feet."""


def _sync(args: argparse.Namespace) -> int:
    with StopSignals() as signals:  # first thing: from here on no Ctrl-C is lost
        return _ending_of(args, signals).code


def _ending_of(args: argparse.Namespace, signals: StopSignals) -> _Ending:
    if signals.requested:
        return _Ending(signals.exit_code)
    core = KioskCore.open()
    ending = _Ending(1)
    try:
        credentials = load_credentials(core.data, core.settings)
        if credentials is None:
            print("kiosk sync: terminal not provisioned (run kiosk provision)", file=sys.stderr)
            ending = _Ending(2)
            return ending
        lock = SyncLock(core.data)
        if not lock.acquire():
            print("kiosk sync: another sync process is running", file=sys.stderr)
            ending = _Ending(3)
            return ending
        try:
            ending = _run(core, credentials, args, signals)
            return ending
        finally:
            if ending.engine_stopped:
                lock.release()  # else the kernel drops the flock as this process exits
    finally:
        if ending.engine_stopped:
            core.close()


def _run(
    core: KioskCore, credentials: Credentials, args: argparse.Namespace, signals: StopSignals
) -> _Ending:
    client = PlatformClient(
        core.settings.platform.url,
        credentials,
        transport=_StopAtNextRequest(platform_transport(core.settings.platform.ca_bundle), signals),
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
    ending = _Ending(1)
    try:
        engine.release_stale_leases()
        if signals.requested:
            ending = _Ending(signals.exit_code)
        elif args.once:
            ending = _once(engine, signals)
        else:
            engine.start(take_lock=False)  # this process holds the lock already
            while not signals.wait(POLL_S):  # until Ctrl-C; the engine prints after every round
                pass
            ending = _Ending(signals.exit_code)
    finally:
        ending.engine_stopped = engine.stop(timeout=STOP_GRACE_S) and ending.engine_stopped
        if ending.engine_stopped:
            client.close()
        else:
            print(
                "kiosk sync: stopped with a request in flight; it is resent at the next sync",
                file=sys.stderr,
                flush=True,
            )
    return ending


def _once(engine: SyncEngine, signals: StopSignals) -> _Ending:
    """``--once``: the rounds run in a worker thread so that the main thread stays free to
    notice Ctrl-C at once, whatever the rounds are blocked in."""
    outcome: list[RoundReport] = []
    finished = threading.Event()

    def work() -> None:
        try:
            outcome.append(engine.run_until_idle())
        except SystemExit:  # from _StopAtNextRequest: Ctrl-C; the main thread says 130
            pass
        finally:
            finished.set()
            signals.wake()

    worker = threading.Thread(target=work, name="sync-once", daemon=True)
    worker.start()
    while not finished.is_set():
        if signals.wait(POLL_S):
            engine.stop()  # no thread of its own here: ends run_until_idle between rounds
            worker.join(STOP_GRACE_S)
            return _Ending(signals.exit_code, engine_stopped=not worker.is_alive())
    if not outcome:  # the worker died of a bug: its traceback is on stderr already
        return _Ending(1)
    report = outcome[0]
    print(_line(engine.status()), flush=True)
    if report.auth_failed:
        print(f"kiosk sync: {engine.status().auth_reason}", file=sys.stderr)
        return _Ending(4)
    if not report.ok:
        print(f"kiosk sync: {report.error}", file=sys.stderr)
        return _Ending(1)
    return _Ending(0)


def main(argv: list[str] | None = None) -> int:
    """``python -m app.commands.sync_cmd``: the same command without loading every other
    command module (used by the SIGKILL test, which starts it 50+ times)."""
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["sync", *(sys.argv[1:] if argv is None else argv)])
        code: int = args.handler(args)
    except KeyboardInterrupt:  # Ctrl-C before the command installed its own handling
        return 130
    except KioskError as exc:  # as ``kiosk`` says it (a full disk at start): one line
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
