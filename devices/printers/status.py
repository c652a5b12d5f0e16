"""Printer status: a closed set, and the pure parsing of ESC/POS real-time status bytes.

``DLE EOT n`` answers one byte with fixed bits 1 and 4 set and 0 and 7 clear,
so ``0x12`` means all is well. Spec:
https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/dle_eot.html
"""

from __future__ import annotations

from enum import StrEnum


class PrinterStatus(StrEnum):
    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    NO_PAPER = "no_paper"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    NO_ANSWER = "no_answer"
    DISCONNECTED = "disconnected"
    ERROR = "error"


#: States in which a job may be sent.
CAN_PRINT = frozenset({PrinterStatus.READY, PrinterStatus.PAPER_NEAR_END})

_MESSAGES = {
    PrinterStatus.READY: "打印机正常",
    PrinterStatus.PAPER_NEAR_END: "打印纸即将用完，请及时更换纸卷",
    PrinterStatus.NO_PAPER: "打印机缺纸，请联系工作人员更换纸卷",
    PrinterStatus.COVER_OPEN: "打印机纸仓盖未关好，请联系工作人员",
    PrinterStatus.OFFLINE: "打印机处于离线状态，请联系工作人员",
    PrinterStatus.NO_ANSWER: "打印机无应答，请检查电源和连接线",
    PrinterStatus.DISCONNECTED: "无法连接打印机，请检查连接线",
    PrinterStatus.ERROR: "打印机故障，请联系工作人员",
}


class PrinterProblem(StrEnum):
    """Why an unusable printer is unusable, where its status alone would mislead.

    Reported beside the status (``Printer.problem``), not as a status of its own: the status
    travels in the heartbeat's ``device_health`` to the platform, which needs no new value
    to show a printer that does not work.
    """

    NONE = ""
    PORT_DENIED = "port_denied"  # the port is there but this user may not open it (dialout)


_PROBLEM_MESSAGES = {PrinterProblem.PORT_DENIED: "端口无权限，请联系技术人员"}


def status_message(status: PrinterStatus, problem: str = "") -> str:
    """What staff read on screen for ``status``, in Simplified Chinese; ``problem`` is the
    printer's :class:`PrinterProblem` while it cannot print, which says more than a status
    of "disconnected" (a port this user may not open is not a loose cable)."""
    if status not in CAN_PRINT and problem in _PROBLEM_MESSAGES:
        return _PROBLEM_MESSAGES[PrinterProblem(problem)]
    return _MESSAGES[status]


def valid_status_byte(b: int) -> bool:
    """Fixed bits of every ``DLE EOT`` answer: bit 0 = 0, 1 = 1, 4 = 1, 7 = 0."""
    return (b & 0x93) == 0x12


def parse_status(  # noqa: PLR0911
    printer: int, offline_cause: int, error_cause: int, paper: int
) -> PrinterStatus:
    """Combine the answers to ``DLE EOT`` 1, 2, 3 and 4 into one status, worst first.

    n=1 bit 3 off-line; n=2 bit 2 cover open, bit 5 stopped at paper end, bit 6
    error; n=3 bit 3 cutter error, bits 5/6 (un)recoverable error; n=4 bits 2–3
    paper near end, bits 5–6 paper end.
    """
    if not all(valid_status_byte(b) for b in (printer, offline_cause, error_cause, paper)):
        return PrinterStatus.ERROR
    if offline_cause & 0x04:
        return PrinterStatus.COVER_OPEN
    if paper & 0x60 or offline_cause & 0x20:
        return PrinterStatus.NO_PAPER
    if offline_cause & 0x40 or error_cause & 0x68:
        return PrinterStatus.ERROR
    if printer & 0x08:
        return PrinterStatus.OFFLINE
    if paper & 0x0C:
        return PrinterStatus.PAPER_NEAR_END
    return PrinterStatus.READY
