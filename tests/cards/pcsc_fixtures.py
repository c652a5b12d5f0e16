"""A real pcscd with the vsmartcard vpcd driver, started (and stopped) by the tests.

CI installs ``pcscd`` and ``vsmartcard-vpcd``; a machine without them fails the
``pcsc`` tests loudly instead of skipping them.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VPCD_READER = "Virtual PCD 00 00"


def _pcscd_binary() -> str:
    found = shutil.which("pcscd") or next(
        (p for p in ("/usr/sbin/pcscd", "/sbin/pcscd") if Path(p).exists()), None
    )
    if found is None:
        pytest.fail(
            "pcscd is not installed: the pcsc tests need `apt-get install pcscd vsmartcard-vpcd` "
            "(CI's .ci/run installs them)",
            pytrace=False,
        )
    if not VPCD_DRIVER.exists():
        pytest.fail(
            f"the vpcd driver {VPCD_DRIVER} is missing: `apt-get install vsmartcard-vpcd`",
            pytrace=False,
        )
    return found


def _readers() -> list[str]:
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return []
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        return [str(r) for r in readers] if hresult == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(context)


def wait_for_vpcd(timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while VPCD_READER not in _readers():
        if time.monotonic() > deadline:
            pytest.fail(f"pcscd did not list {VPCD_READER!r} within {timeout}s", pytrace=False)
        tick.wait(0.05)


def wait_for_empty_slot(timeout: float = 10.0) -> None:
    """Wait until pcscd sees no card in the vpcd slot (vpcd notices a closed card socket late)."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS
    try:
        deadline = time.monotonic() + timeout
        state = scard.SCARD_STATE_UNAWARE
        while time.monotonic() < deadline:
            hresult, states = scard.SCardGetStatusChange(context, 100, [(VPCD_READER, state)])
            if hresult == scard.SCARD_S_SUCCESS:
                state = states[0][1] & ~scard.SCARD_STATE_CHANGED
                if state & scard.SCARD_STATE_EMPTY:
                    return
        pytest.fail("the vpcd slot did not become empty", pytrace=False)
    finally:
        scard.SCardReleaseContext(context)


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    """Use a running pcscd with vpcd, or start ``pcscd -f`` and kill it (by pid) afterwards."""
    binary = _pcscd_binary()
    if VPCD_READER in _readers():
        yield
        return
    process = subprocess.Popen([binary, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_vpcd()
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
