"""Identity-card and chip-card readers: the SAM serial reader, PC/SC, and their simulators.

The rest of the application only needs :func:`devices.cards.factory.open_card_reader`
and the :class:`~devices.cards.reader.CardReader` protocol; everything else here is
an implementation detail documented in ``docs/devices-cards.md``.
"""

from devices.cards.events import (
    CardEvent,
    CardInserted,
    CardListener,
    CardRemoved,
    ReaderError,
    ReaderErrorCode,
    ReaderStatus,
    StatusChanged,
)
from devices.cards.reader import CardReader

__all__ = [
    "CardEvent",
    "CardInserted",
    "CardListener",
    "CardReader",
    "CardRemoved",
    "ReaderError",
    "ReaderErrorCode",
    "ReaderStatus",
    "StatusChanged",
]
