"""Reader URLs from configuration."""

from __future__ import annotations

import pytest

from devices.cards.errors import CardReaderError
from devices.cards.factory import ReaderUrl, open_card_reader, parse_reader_url
from devices.cards.reader import CardReader


@pytest.mark.parametrize(
    ("url", "parsed"),
    [
        ("sam:/dev/ttyUSB0", ReaderUrl("sam", "/dev/ttyUSB0", 115200)),
        ("sam:/dev/ttyUSB0?baud=9600", ReaderUrl("sam", "/dev/ttyUSB0", 9600)),
        ("sam:socket://10.0.0.5:4001", ReaderUrl("sam", "socket://10.0.0.5:4001", 115200)),
        (
            "sam:socket://10.0.0.5:4001?logging=debug&baud=9600",
            ReaderUrl("sam", "socket://10.0.0.5:4001?logging=debug", 9600),
        ),
        ("sam:sim", ReaderUrl("sim", "")),
        ("pcsc:", ReaderUrl("pcsc", "")),
        ("pcsc:Virtual PCD 00 01", ReaderUrl("pcsc", "Virtual PCD 00 01")),
    ],
)
def test_parse_reader_url(url: str, parsed: ReaderUrl) -> None:
    assert parse_reader_url(url) == parsed


@pytest.mark.parametrize("url", ["", "/dev/ttyUSB0", "sam:", "usb:1", "sam:/dev/x?baud=fast"])
def test_bad_urls(url: str) -> None:
    with pytest.raises(CardReaderError):
        parse_reader_url(url)


@pytest.mark.parametrize(
    "url", ["sam:/dev/ttyUSB0", "sam:socket://127.0.0.1:1", "pcsc:", "sam:sim"]
)
def test_every_kind_builds_a_card_reader(url: str) -> None:
    reader = open_card_reader(url)
    assert isinstance(reader, CardReader)
    assert reader.description
