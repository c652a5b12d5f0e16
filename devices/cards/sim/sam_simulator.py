"""A SAM reader simulator serving the real byte protocol on a pseudo-terminal.

The simulator owns the pty's master side; the reader under test opens the slave
through ``serial.serial_for_url`` exactly as it would open ``/dev/ttyUSB0``. The
slave is published as a stable symlink (``<run_dir>/sam-reader``), like udev's
``/dev/serial/by-id`` links, so "unplug" (close the pty, drop the link) and
"replug" (new pty, same link) look to the reader like a USB reader coming and going.

Controls (:meth:`insert`, :meth:`remove`, :meth:`bad_checksum`, :meth:`garbage`,
:meth:`silent`, :meth:`unplug`, :meth:`replug`) are thread-safe; ``control.py``
exposes them on a unix socket for ``kiosk sim card ...``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import select
import threading
import tty
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devices.cards.card_data import build_card_data
from devices.cards.frames import Command, build_response, scan
from devices.cards.sam_status import SamStatus
from devices.cards.sim.profiles import SamProfile

log = logging.getLogger(__name__)

FIND_DATA = bytes(4)  # a found card answers with four zero bytes after the status
SELECT_DATA = bytes(8)  # select answers with eight (the card's serial on some modules)
SAM_ID = bytes.fromhex("0501000000000000000000000000000000")
GARBAGE = bytes.fromhex("00FF13AA96AAAA690F") + b"noise"


@dataclass
class _Faults:
    bad_checksum: int = 0
    garbage_before: int = 0
    garbage_instead: int = 0
    failed_reads: int = 0
    silent: bool = False


@dataclass
class SimulatorState:
    """A snapshot for ``kiosk sim card status`` and tests."""

    plugged: bool
    card: str | None
    silent: bool
    commands: dict[str, int] = field(default_factory=dict)


class SamSimulator:
    """Serve one simulated reader until :meth:`stop`."""

    def __init__(
        self, profiles: Mapping[str, SamProfile], run_dir: Path, *, read_delay: float = 0.0
    ) -> None:
        self.profiles = dict(profiles)
        self.run_dir = run_dir
        self.link = run_dir / "sam-reader"
        self.read_delay = read_delay
        self._lock = threading.Lock()
        self._card: SamProfile | None = None
        self._card_changed = threading.Event()
        self.read_in_progress = threading.Event()
        """Set while a delayed read is under way, so a test can take the card away mid-read."""
        self._faults = _Faults()
        self._commands: dict[str, int] = {}
        self._master: int | None = None
        self._slave: int | None = None
        self._tasks: queue.Queue[tuple[Callable[[], None], threading.Event]] = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- life cycle -----------------------------------------------------------------------

    @property
    def port_path(self) -> str:
        """What a reader should open: the stable symlink to the current pty slave."""
        return str(self.link)

    def start(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._plug()
        self._thread = threading.Thread(target=self._serve, name="sam-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._card_changed.set()
        os.write(self._wake_w, b"x")
        if self._thread is not None:
            self._thread.join(5)
        self._unplug()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def __enter__(self) -> SamSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- controls -------------------------------------------------------------------------

    def insert(self, profile: str) -> None:
        """Put the card of ``profile`` on the reader (replacing any card)."""
        if profile not in self.profiles:
            raise KeyError(profile)
        with self._lock:
            self._card = self.profiles[profile]
            self._card_changed.set()

    def remove(self) -> None:
        """Take the card away; a read in progress fails with ``41`` (read failed)."""
        with self._lock:
            self._card = None
            self._card_changed.set()

    def bad_checksum(self, count: int = 1) -> None:
        """Corrupt the checksum of the next ``count`` answers."""
        with self._lock:
            self._faults.bad_checksum += count

    def garbage(self, count: int = 1, *, instead: bool = False) -> None:
        """Send noise before (or, with ``instead``, in place of) the next ``count`` answers."""
        with self._lock:
            if instead:
                self._faults.garbage_instead += count
            else:
                self._faults.garbage_before += count

    def fail_reads(self, count: int = 1) -> None:
        """Answer the next ``count`` card reads with ``41`` (read failed), like a damaged card."""
        with self._lock:
            self._faults.failed_reads += count

    def silent(self, on: bool = True) -> None:
        """Stop (or resume) answering; the port stays open."""
        with self._lock:
            self._faults.silent = on

    def unplug(self) -> None:
        """Close the pty and remove the link, as if the USB cable were pulled."""
        self._in_loop(self._unplug)

    def replug(self) -> None:
        """A fresh pty behind the same link; faults are cleared like a power cycle."""

        def replug() -> None:
            self._unplug()
            with self._lock:
                self._faults = _Faults()
            self._plug()

        self._in_loop(replug)

    def state(self) -> SimulatorState:
        with self._lock:
            return SimulatorState(
                plugged=self._master is not None,
                card=self._card.name if self._card else None,
                silent=self._faults.silent,
                commands=dict(self._commands),
            )

    # -- pty ------------------------------------------------------------------------------

    def _plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line discipline: a serial line carries raw bytes
        os.set_blocking(master, False)  # never hang when nobody drains the slave side
        tmp = self.link.with_name(self.link.name + ".new")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(os.ttyname(slave))
        tmp.replace(self.link)
        self._master, self._slave = master, slave
        log.info("SAM simulator plugged in at %s", self.link)

    def _unplug(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    def _in_loop(self, task: Callable[[], None]) -> None:
        done = threading.Event()
        self._tasks.put((task, done))
        os.write(self._wake_w, b"x")
        if not done.wait(5):
            raise TimeoutError("simulator loop did not run the task")

    # -- serving --------------------------------------------------------------------------

    def _serve(self) -> None:
        buffer = b""
        while not self._stopping.is_set():
            fds = [self._wake_r] + ([self._master] if self._master is not None else [])
            readable, _, _ = select.select(fds, [], [], 0.5)
            if self._wake_r in readable:
                os.read(self._wake_r, 64)
                self._run_tasks()
                buffer = b""
                continue
            if self._master is None or self._master not in readable:
                continue
            try:
                chunk = os.read(self._master, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                continue
            buffer += chunk
            while True:
                result = scan(buffer)
                buffer = buffer[result.consumed :]
                if result.errors and result.frame is None and not result.pending:
                    self._answer(build_response(SamStatus.HOST_CHECKSUM_ERROR))
                if result.frame is None:
                    break
                self._handle(result.frame.command, result.frame.body)

    def _run_tasks(self) -> None:
        while True:
            try:
                task, done = self._tasks.get_nowait()
            except queue.Empty:
                return
            try:
                task()
            finally:
                done.set()

    def _handle(self, command: Command | None, body: bytes) -> None:
        name = command.name if command else f"unknown {body[:2].hex()}"
        with self._lock:
            self._commands[name] = self._commands.get(name, 0) + 1
            card = self._card
            self._card_changed.clear()
        if command is None:
            answer = build_response(SamStatus.HOST_COMMAND_ERROR)
        elif command is Command.FIND_CARD:
            answer = (
                build_response(SamStatus.CARD_FOUND, FIND_DATA)
                if card
                else build_response(SamStatus.NO_CARD)
            )
        elif command is Command.SELECT_CARD:
            answer = (
                build_response(SamStatus.SUCCESS, SELECT_DATA)
                if card
                else build_response(SamStatus.SELECT_FAILED)
            )
        elif command in (Command.READ_TEXT_PHOTO, Command.READ_TEXT_PHOTO_FINGERPRINT):
            answer = self._read(card, fingerprint=command is Command.READ_TEXT_PHOTO_FINGERPRINT)
        elif command is Command.READ_ADDITIONAL_ADDRESS:
            answer = build_response(SamStatus.ITEM_EMPTY)
        elif command is Command.READ_SAM_ID:
            answer = build_response(SamStatus.SUCCESS, SAM_ID)
        else:  # reset / SAM status
            answer = build_response(SamStatus.SUCCESS)
        self._answer(answer)

    def _read(self, card: SamProfile | None, *, fingerprint: bool) -> bytes:
        with self._lock:
            damaged = self._faults.failed_reads > 0
            if damaged:
                self._faults.failed_reads -= 1
        if card is None or damaged:
            return build_response(SamStatus.READ_FAILED)
        if self.read_delay:
            self.read_in_progress.set()
            try:
                if self._card_changed.wait(self.read_delay):
                    with self._lock:
                        if self._card is not card:  # taken away (or swapped) during the read
                            return build_response(SamStatus.READ_FAILED)
            finally:
                self.read_in_progress.clear()
        data = build_card_data(card.text_block(), card.photo, b"" if fingerprint else None)
        return build_response(SamStatus.SUCCESS, data)

    def _answer(self, answer: bytes) -> None:
        with self._lock:
            faults = self._faults
            if faults.silent:
                return
            if faults.garbage_instead:
                faults.garbage_instead -= 1
                answer = GARBAGE
            elif faults.garbage_before:
                faults.garbage_before -= 1
                answer = GARBAGE + answer
            if faults.bad_checksum and answer is not GARBAGE:
                faults.bad_checksum -= 1
                answer = answer[:-1] + bytes([answer[-1] ^ 0xFF])
            master = self._master
        if master is None:
            return
        try:
            os.write(master, answer)
        except OSError:
            log.debug("simulator could not write its answer", exc_info=True)
