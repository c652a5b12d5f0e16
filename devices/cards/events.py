"""What a card reader tells its listeners: a closed status set and four event types.

Listeners are plain callables run on the reader's worker thread; the UI adapts them
to Qt signals (queued to the GUI thread), tests put them on a queue. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kiosk.cardholder import CardHolder


class ReaderStatus(StrEnum):
    """Every state a reader can be in; reported on change, never polled."""

    DISCONNECTED = "disconnected"  # port or reader absent; the worker keeps trying to reconnect
    NO_CARD = "no_card"  # ready, waiting for a card
    READING = "reading"  # a card is on the reader and being read
    CARD_PRESENT = "card_present"  # a card was read and still lies on the reader
    ERROR = "error"  # the last exchange failed; see the ReaderError event for the code


class ReaderErrorCode(StrEnum):
    """Closed set of reader failures; ``message_zh`` is what staff and residents see."""

    TIMEOUT = "timeout"  # the reader did not answer in time
    BAD_CHECKSUM = "bad_checksum"  # the reader's answer failed the checksum
    GARBAGE = "garbage"  # bytes that are not a frame
    PROTOCOL = "protocol"  # a well-formed but unexpected answer (or the reader rejected our frame)
    SELECT_FAILED = "select_failed"
    READ_FAILED = "read_failed"  # e.g. the card was taken away during the read
    CARD_AUTH_FAILED = "card_auth_failed"
    UNSUPPORTED_CARD = "unsupported_card"
    BAD_CARD_DATA = "bad_card_data"  # the card's text block cannot be decoded
    SAM_FAULT = "sam_fault"
    PORT_LOST = "port_lost"  # the serial port or PC/SC reader disappeared
    PORT_DENIED = "port_denied"  # the port is there but this user may not open it (dialout)
    PCSC = "pcsc"  # PC/SC service or card failure

    @property
    def message_zh(self) -> str:
        """One line in Simplified Chinese for the screen."""
        return _MESSAGES_ZH[self]


_MESSAGES_ZH: dict[ReaderErrorCode, str] = {
    ReaderErrorCode.TIMEOUT: "读卡器无响应，请联系工作人员。",
    ReaderErrorCode.BAD_CHECKSUM: "读卡器通信出错，请重新放置证件。",
    ReaderErrorCode.GARBAGE: "读卡器通信出错，请重新放置证件。",
    ReaderErrorCode.PROTOCOL: "读卡器通信出错，请联系工作人员。",
    ReaderErrorCode.SELECT_FAILED: "读卡失败，请重新放置证件。",
    ReaderErrorCode.READ_FAILED: "读卡失败，请将证件放稳后重试。",
    ReaderErrorCode.CARD_AUTH_FAILED: "证件校验未通过，请联系工作人员。",
    ReaderErrorCode.UNSUPPORTED_CARD: "无法识别该证件类型。",
    ReaderErrorCode.BAD_CARD_DATA: "证件信息无法识别，请联系工作人员。",
    ReaderErrorCode.SAM_FAULT: "读卡模块故障，请联系工作人员。",
    ReaderErrorCode.PORT_LOST: "读卡器未连接，请联系工作人员。",
    ReaderErrorCode.PORT_DENIED: "读卡器暂时无法使用，请联系工作人员。",
    ReaderErrorCode.PCSC: "读卡服务异常，请联系工作人员。",
}


@dataclass(frozen=True, slots=True)
class CardInserted:
    """A card was put on the reader and read; ``holder`` is its decoded content."""

    holder: CardHolder


@dataclass(frozen=True, slots=True)
class CardRemoved:
    """The card that was read has left the reader."""


@dataclass(frozen=True, slots=True)
class ReaderError:
    """An exchange failed. ``detail`` is English for logs and never holds personal data."""

    code: ReaderErrorCode
    detail: str


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """The reader moved from ``old`` to ``new``."""

    old: ReaderStatus
    new: ReaderStatus


CardEvent = CardInserted | CardRemoved | ReaderError | StatusChanged
CardListener = Callable[[CardEvent], None]
"""Called on the reader's worker thread; must not block for long."""
