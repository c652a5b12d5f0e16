"""The one place that turns a reader URL from configuration into a :class:`CardReader`.

URLs (also documented in docs/devices-cards.md):

* ``sam:/dev/ttyUSB0`` or ``sam:/dev/ttyUSB0?baud=9600``: SAM module on a serial port
  (115200 baud unless told otherwise);
* ``sam:socket://host:port``: a SAM module behind a serial-to-network bridge
  (any other pyserial URL works the same way);
* ``sam:sim``: start an in-process simulator on a pty (demo mode);
* ``pcsc:`` for the first PC/SC reader, ``pcsc:READER NAME`` for a named one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from devices.cards.errors import CardReaderError
from devices.cards.pcsc.plugins import PinPrompt, PsamDriver
from devices.cards.reader import CardReader
from devices.cards.sam_reader import SamCardReader, SamTimings, serial_opener

DEFAULT_BAUD = 115200


@dataclass(frozen=True, slots=True)
class ReaderUrl:
    """A parsed reader URL: ``kind`` is ``sam``, ``sim`` or ``pcsc``."""

    kind: str
    target: str
    baud: int = DEFAULT_BAUD


def parse_reader_url(url: str) -> ReaderUrl:
    """Split a reader URL; raise :class:`CardReaderError` (shown to staff) when malformed."""
    scheme, sep, rest = url.partition(":")
    if not sep:
        raise CardReaderError(f"读卡器地址无效：{url}（应以 sam: 或 pcsc: 开头）")
    if scheme == "pcsc":
        return ReaderUrl("pcsc", rest.strip())
    if scheme != "sam" or not rest:
        raise CardReaderError(f"读卡器地址无效：{url}（应以 sam: 或 pcsc: 开头）")
    if rest == "sim":
        return ReaderUrl("sim", "")
    target, _, query = rest.partition("?")
    params = parse_qsl(query, keep_blank_values=True)
    baud = DEFAULT_BAUD
    others: list[tuple[str, str]] = []
    for key, value in params:
        if key == "baud":
            if not value.isdigit():
                raise CardReaderError(f"读卡器波特率无效：{value}")
            baud = int(value)
        else:
            others.append((key, value))
    if others:
        target += "?" + urlencode(others)
    return ReaderUrl("sam", target, baud)


def open_card_reader(
    url: str,
    *,
    timings: SamTimings | None = None,
    run_dir: Path | None = None,
    profiles_dir: Path | None = None,
    pin: PinPrompt | None = None,
    psam: PsamDriver | None = None,
) -> CardReader:
    """Build (not start) the reader for ``url``.

    ``run_dir`` and ``profiles_dir`` only matter for ``sam:sim``: where the simulator's
    pty link and control socket live (default ``$KIOSK_HOME/run/card-sim``) and where its
    JSON profiles come from (default ``config/cards``). The returned reader is then a
    :class:`~devices.cards.sim_reader.SimulatedSamReader` with ``control_path``.
    ``pin`` and ``psam`` are the PC/SC plug-ins (see docs/devices-cards.md).
    """
    parsed = parse_reader_url(url)
    if parsed.kind == "pcsc":
        from devices.cards.pcsc.pcsc_reader import PcscCardReader

        return PcscCardReader(parsed.target or None, pin=pin, psam=psam)
    if parsed.kind == "sim":
        from devices.cards.sim.profiles import load_profiles
        from devices.cards.sim_reader import SimulatedSamReader
        from kiosk.paths import data_dir

        directory = run_dir or data_dir().run / "card-sim"
        return SimulatedSamReader(load_profiles(profiles_dir), directory, timings)
    opener = serial_opener(parsed.target, parsed.baud, timings or SamTimings())
    return SamCardReader(opener, f"sam:{parsed.target}", timings)
