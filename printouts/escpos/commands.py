"""ESC/POS command bytes, written by hand where python-escpos has no fitting call.

References: Epson ESC/POS Command Reference
(https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/commands.html)
and the Chinese-mode ``FS`` commands of GB18030 printers (Xprinter/Gprinter
manuals, same bytes as Epson's Kanji ``FS &`` / ``FS .``).

Hand-written, and why:

* ``FS &`` / ``FS .`` (Chinese mode): python-escpos has no Chinese mode.
* text: python-escpos's ``text()`` goes through its code-page "magic encoder"
  (``ESC t`` single-byte pages) which cannot emit GB18030/GBK double bytes.
* ``ESC a``, ``ESC E``, ``GS !``: python-escpos's ``set()`` re-sends every style
  on each call; three bytes each keep the goldens readable.
* ``DLE EOT``: python-escpos's ``query_status`` reads from its own device object
  without the timeout and "no answer" handling we need.

QR (``GS ( k``), raster images (``GS v 0``) and the cut (``GS V``) come from
python-escpos (``Dummy`` printer), see ``printouts.escpos.pyescpos``.
"""

from __future__ import annotations

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
EOT = 0x04
LF = b"\n"

#: ESC @ — initialise the printer (clears styles, not the buffer of a job in flight).
INIT = b"\x1b\x40"
#: FS & — select Chinese (Kanji) character mode: bytes ≥ 0x81 start a double-byte character.
CHINESE_ON = b"\x1c\x26"
#: FS . — cancel Chinese mode.
CHINESE_OFF = b"\x1c\x2e"


#: Shown in place of a control character found in text: visible, one column, never a command.
CONTROL_PLACEHOLDER = "?"

_CONTROL_CHARS = {cp: CONTROL_PLACEHOLDER for cp in (*range(0x20), 0x7F, *range(0x80, 0xA0))}


def printable(text: str) -> str:
    """``text`` with every C0/DEL/C1 control character replaced by :data:`CONTROL_PLACEHOLDER`.

    In ESC/POS a byte below 0x20 in the text stream is a command (ESC @ resets,
    GS V cuts, DLE EOT asks for status), so text from a form or a spreadsheet
    must never carry one: the core rejects them at validation, and this is the
    renderer's own guard for whatever slips through (old queued data, a new
    channel). GB18030/GBK multi-byte characters never contain bytes below 0x40,
    so replacing the characters is enough to keep every text byte at or above 0x20.
    The placeholder is one column wide, never wider than what it replaces, so
    a line already wrapped to the paper still fits.
    """
    return text.translate(_CONTROL_CHARS)


def align(mode: int) -> bytes:
    """ESC a n — justification: 0 left, 1 centre, 2 right."""
    return bytes((ESC, 0x61, mode))


def bold(on: bool) -> bytes:
    """ESC E n — emphasised mode."""
    return bytes((ESC, 0x45, 1 if on else 0))


def size(width: int, height: int) -> bytes:
    """GS ! n — character size: high nibble width−1, low nibble height−1 (1–8 each).

    Applies to Chinese characters too on GB18030 printers.
    """
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("width and height are 1..8")
    return bytes((GS, 0x21, ((width - 1) << 4) | (height - 1)))


def feed(lines: int) -> bytes:
    """ESC d n — print the buffer and feed n lines."""
    return bytes((ESC, 0x64, lines))


def status_request(n: int) -> bytes:
    """DLE EOT n — real-time status; the printer answers one byte at once, even mid-job.

    n=1 printer, n=2 off-line cause, n=3 error cause, n=4 roll paper sensor.
    """
    if n not in (1, 2, 3, 4):
        raise ValueError("DLE EOT n is 1..4")
    return bytes((DLE, EOT, n))
