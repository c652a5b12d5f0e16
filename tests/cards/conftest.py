"""Fixtures for card-reader tests: a SAM simulator on a real pty and an event recorder."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.cards.events import CardEvent, ReaderStatus, StatusChanged
from devices.cards.sam_reader import SamCardReader, SamTimings, serial_opener
from devices.cards.sim.profiles import SamProfile, load_profiles
from devices.cards.sim.sam_simulator import SamSimulator
from tests.cards.pcsc_fixtures import pcscd  # noqa: F401  (session fixture for the pcsc tests)

FAST = SamTimings(
    poll_interval=0.02,
    command_timeout=0.3,
    read_timeout=1.5,
    reconnect_interval=0.05,
    tick=0.01,
)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
    """Wait for a condition that has no event of its own (e.g. the simulator's counters)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not predicate():
        if time.monotonic() >= deadline:
            pytest.fail(f"condition not met within {timeout}s: {what}")
        tick.wait(0.005)


class EventLog:
    """Collects reader events (from the worker thread) and waits on conditions, never sleeps."""

    def __init__(self) -> None:
        self.events: list[CardEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait_for(
        self, predicate: Callable[[CardEvent], bool], timeout: float = 5.0, start: int = 0
    ) -> CardEvent:
        """The first event from index ``start`` on that matches; fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events[start:]:
                    if predicate(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"no matching event within {timeout}s; got {self.events[start:]}")
                self._cond.wait(remaining)

    def wait_status(self, status: ReaderStatus, timeout: float = 5.0, start: int = 0) -> None:
        self.wait_for(lambda e: isinstance(e, StatusChanged) and e.new is status, timeout, start)

    def mark(self) -> int:
        with self._cond:
            return len(self.events)

    def of_type(self, kind: type) -> list[CardEvent]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture(scope="session")
def profiles() -> dict[str, SamProfile]:
    return load_profiles()


@pytest.fixture
def sim(tmp_path: Path, profiles: dict[str, SamProfile]) -> Iterator[SamSimulator]:
    simulator = SamSimulator(profiles, tmp_path / "run")
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def reader(sim: SamSimulator, events: EventLog) -> Iterator[SamCardReader]:
    sam = SamCardReader(serial_opener(sim.port_path, 115200, FAST), "sam:test", FAST)
    sam.add_listener(events)
    sam.start()
    yield sam
    sam.stop()
