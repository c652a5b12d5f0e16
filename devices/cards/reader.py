"""The ``CardReader`` interface and the worker-thread plumbing shared by its adapters.

A reader owns one worker thread that does all device I/O and reports through
listeners; callers (the GUI thread included) only ever call the non-blocking
``start``/``stop``/``add_listener`` methods.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from typing import Protocol, runtime_checkable

from devices.cards.events import (
    CardEvent,
    CardListener,
    ReaderError,
    ReaderErrorCode,
    ReaderStatus,
    StatusChanged,
)

log = logging.getLogger(__name__)


@runtime_checkable
class CardReader(Protocol):
    """A card reader running on its own thread. Real or simulated is the factory's choice."""

    @property
    def description(self) -> str:
        """Which reader this is, for logs and the technician (no personal data)."""
        ...

    @property
    def status(self) -> ReaderStatus:
        """The current status; changes are also reported as ``StatusChanged`` events."""
        ...

    def add_listener(self, listener: CardListener) -> None:
        """Call ``listener`` on the worker thread for every event from now on."""
        ...

    def remove_listener(self, listener: CardListener) -> None:
        """Stop calling ``listener``."""
        ...

    def start(self) -> None:
        """Start the worker thread; returns at once."""
        ...

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to finish and wait up to ``timeout`` seconds for it."""
        ...


class ThreadedReader(ABC):
    """Listener registry, status bookkeeping and the worker thread's life cycle."""

    def __init__(self, description: str) -> None:
        self._description = description
        self._listeners: list[CardListener] = []
        self._lock = threading.Lock()
        self._status = ReaderStatus.DISCONNECTED
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def description(self) -> str:
        return self._description

    @property
    def status(self) -> ReaderStatus:
        return self._status

    def add_listener(self, listener: CardListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: CardListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run_guarded, name=f"card-reader {self._description}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def __enter__(self) -> ThreadedReader:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def _wait(self, seconds: float) -> bool:
        """Sleep on the worker thread unless stopping; True when asked to stop."""
        return self._stopping.wait(seconds)

    def _emit(self, event: CardEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("card reader listener failed")

    def _set_status(self, new: ReaderStatus) -> None:
        old = self._status
        if old is new:
            return
        self._status = new
        log.debug("%s: %s -> %s", self._description, old.value, new.value)
        self._emit(StatusChanged(old, new))

    def _error(self, code: ReaderErrorCode, detail: str) -> None:
        log.warning("%s: %s: %s", self._description, code.value, detail)
        self._emit(ReaderError(code, detail))

    def _run_guarded(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a bug must not kill the kiosk silently
            log.exception("card reader worker crashed")
            self._error(ReaderErrorCode.SAM_FAULT, f"worker crashed: {type(exc).__name__}")
            self._set_status(ReaderStatus.ERROR)

    @abstractmethod
    def _run(self) -> None:
        """The worker loop; return when :attr:`stopping` becomes true."""
