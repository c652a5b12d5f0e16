"""Our own vpcd client: puts a :class:`VirtualChipCard` into vsmartcard's virtual reader.

Why not Debian's ``vicc``: its package installs the module one folder too deep
and needs PyCrypto's ``Crypto`` namespace, and making it answer our APDUs means
subclassing its card OS anyway. The vpcd protocol is tiny: over TCP to
127.0.0.1:35963 (reader ``Virtual PCD 00 00``; 35964 for ``00 01``) every message
is a 2-byte big-endian length and a payload; a 1-byte payload is a control code
(0 power off, 1 power on, 2 reset, 4 send the ATR), anything longer is a command
APDU to answer. Connecting inserts the card, closing the socket removes it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading

from devices.cards.sim.chip_card import ATR, VirtualChipCard

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4


class VpcdCard:
    """Insert one virtual card into vpcd's reader; :meth:`remove` takes it out."""

    def __init__(self, card: VirtualChipCard, host: str = VPCD_HOST, port: int = VPCD_PORT) -> None:
        self.card = card
        self.address = (host, port)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def insert(self, timeout: float = 5.0) -> None:
        """Connect to vpcd (raises OSError when pcscd with vpcd is not running)."""
        self._sock = socket.create_connection(self.address, timeout=timeout)
        self._sock.settimeout(None)
        self._thread = threading.Thread(target=self._serve, name="vpcd-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _serve(self) -> None:
        sock = self._sock
        assert sock is not None
        try:
            while True:
                size = int.from_bytes(_recv_exact(sock, 2), "big")
                message = _recv_exact(sock, size)
                if size == 1:
                    if message[0] == CTRL_ATR:
                        _send(sock, ATR)
                    elif message[0] in (CTRL_OFF, CTRL_RESET):
                        self.card.reset()
                elif size:
                    _send(sock, self.card.respond(message))
        except (OSError, EOFError):
            log.debug("vpcd connection closed")


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(len(payload).to_bytes(2, "big") + payload)
