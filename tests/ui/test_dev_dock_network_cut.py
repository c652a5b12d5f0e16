"""The demo's dev dock cuts the network (断网) and restores it (恢复网络): while cut, a request
fails as a dead link does, before anything is sent; the engine sees a network failure."""

from __future__ import annotations

import pytest

from app.wiring import switchable_transport
from sync.client import Credentials, PlatformClient, TransientError
from sync.http import Request, TransportError
from tests.sync.rawhttp import Reply, ScriptedServer, answer


def test_the_dock_cuts_the_link_and_restores_it():
    transport, cut = switchable_transport()
    with ScriptedServer(lambda seen: Reply(answer(200, b"up"))) as server:
        url = f"http://127.0.0.1:{server.port}"
        assert transport.send(Request("GET", url + "/")).body == b"up"
        cut.set()
        with pytest.raises(TransportError):
            transport.send(Request("GET", url + "/"))
        client = PlatformClient(url, Credentials("T1", b"s" * 32), transport=transport)
        with pytest.raises(TransientError, match=r"^network: ConnectionRefusedError$"):
            client.pull_slots()
        assert len(server.seen) == 1  # nothing was sent while cut
        cut.clear()
        assert transport.send(Request("GET", url + "/")).body == b"up"
        assert server.accepted == 1  # simulated above the transport: the kept connection stays
        client.close()
