"""``sam:socket://host:port``: a SAM module behind a serial-to-TCP bridge, via the factory."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
from collections.abc import Iterator

import pytest

from devices.cards.events import CardInserted
from devices.cards.factory import open_card_reader
from devices.cards.sim.sam_simulator import SamSimulator
from tests.cards.conftest import FAST, EventLog


@pytest.fixture
def bridge(sim: SamSimulator) -> Iterator[int]:
    """A one-connection TCP server relaying bytes to and from the simulator's pty."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    stop = threading.Event()

    def relay() -> None:
        conn, _ = server.accept()
        fd = os.open(sim.port_path, os.O_RDWR | os.O_NOCTTY)
        try:
            while not stop.is_set():
                readable, _, _ = select.select([conn.fileno(), fd], [], [], 0.05)
                if conn.fileno() in readable:
                    data = conn.recv(4096)
                    if not data:
                        return
                    os.write(fd, data)
                if fd in readable:
                    conn.sendall(os.read(fd, 4096))
        finally:
            os.close(fd)
            conn.close()

    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    yield port
    stop.set()
    with contextlib.suppress(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    thread.join(5)
    server.close()


def test_read_through_a_tcp_bridge(sim: SamSimulator, bridge: int, events: EventLog) -> None:
    sim.insert("foreign-old")
    reader = open_card_reader(f"sam:socket://127.0.0.1:{bridge}", timings=FAST)
    reader.add_listener(events)
    reader.start()
    try:
        event = events.wait_for(lambda e: isinstance(e, CardInserted))
        assert isinstance(event, CardInserted)
        assert event.holder.name_en == "SMITH, JOHN WILLIAM"
    finally:
        reader.stop()
