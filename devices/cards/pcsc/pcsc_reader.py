"""placeholder"""

from __future__ import annotations

from devices.cards.reader import ThreadedReader


class PcscCardReader(ThreadedReader):
    def __init__(self, reader_name: str | None) -> None:
        super().__init__(f"pcsc:{reader_name or ''}")

    def _run(self) -> None:
        return None
