"""Card reader status words: which states let the kiosk work, and what people read for each.

Mirrors :mod:`devices.printers.status`: the closed set is
:class:`devices.cards.events.ReaderStatus`; this is the one place its Chinese words live,
for the status bar (short labels) and for ``kiosk doctor`` / the 诊断 screen (sentences).
"""

from __future__ import annotations

from devices.cards.events import ReaderErrorCode, ReaderStatus

#: States in which the kiosk can read cards (a reader waiting for a card is fine).
USABLE = frozenset({ReaderStatus.NO_CARD, ReaderStatus.READING, ReaderStatus.CARD_PRESENT})

_LABELS = {
    ReaderStatus.DISCONNECTED: "读卡器未连接",
    ReaderStatus.NO_CARD: "读卡器就绪",
    ReaderStatus.READING: "正在读卡",
    ReaderStatus.CARD_PRESENT: "证件在读卡器上",
    ReaderStatus.ERROR: "读卡器故障",
}

_MESSAGES = {
    ReaderStatus.DISCONNECTED: "读卡器未连接。",
    ReaderStatus.NO_CARD: "读卡器正常，等待放卡。",
    ReaderStatus.READING: "读卡器正常（正在读卡）。",
    ReaderStatus.CARD_PRESENT: "读卡器正常（读卡区有证件）。",
    ReaderStatus.ERROR: "读卡器故障。",
}


#: An unusable reader's cause, where it says more than its status: a port the kiosk's user
#: may not open is not a loose cable (the doctor's check says what to do).
_PROBLEM_LABELS = {ReaderErrorCode.PORT_DENIED.value: "端口无权限，请联系技术人员"}


def status_label(status: ReaderStatus, problem: str = "") -> str:
    """A few characters for the staff status bar; ``problem`` is the reader's last error
    code while it is unusable (``CardReaderBridge.problem``)."""
    if status not in USABLE and problem in _PROBLEM_LABELS:
        return _PROBLEM_LABELS[problem]
    return _LABELS[status]


def status_message(status: ReaderStatus) -> str:
    """A sentence for the doctor and the 诊断 screen, in Simplified Chinese."""
    return _MESSAGES[status]
