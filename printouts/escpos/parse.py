"""ESC/POS bytes → events: the printer's side, for the simulator and for tests.

An incremental parser: ``feed()`` any chunk (a pty delivers bytes in arbitrary
pieces) and get back the events completed so far. It understands what our
renderer and python-escpos send (text in Chinese mode, ``ESC a/E/!/d``,
``GS !``, ``GS v 0``, ``GS ( k`` QR store/print, ``GS V``, ``DLE EOT``) and
skips other common commands by their documented lengths. Command lengths from
the Epson ESC/POS reference:
https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/commands.html
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from printouts.document import Align
from printouts.escpos.profile import TextEncoding


@dataclass(frozen=True, slots=True)
class PrintedLine:
    """A line of text and the style in effect at its first character."""

    text: str
    align: Align
    bold: bool
    width: int
    height: int
    unknown_bytes: bool = False


@dataclass(frozen=True, slots=True)
class RasterImage:
    """A ``GS v 0`` image; black pixels are 0 in ``image`` (mode ``1``)."""

    image: Image.Image


@dataclass(frozen=True, slots=True)
class QrPrinted:
    """``GS ( k`` fn 81 printed the symbol stored by fn 80."""

    payload: str
    module: int
    align: Align


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int


@dataclass(frozen=True, slots=True)
class CutPaper:
    partial: bool


@dataclass(frozen=True, slots=True)
class Initialise:
    pass


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """``DLE EOT n``: the printer must answer at once."""

    n: int


@dataclass(frozen=True, slots=True)
class ChineseMode:
    on: bool


Event = (
    PrintedLine
    | RasterImage
    | QrPrinted
    | Feed
    | CutPaper
    | Initialise
    | StatusRequest
    | ChineseMode
)

_ALIGNS = {0: Align.LEFT, 1: Align.CENTER, 2: Align.RIGHT}

# ESC commands taking one parameter byte that we accept and ignore (ESC - J M { G V t R U r 3 SP).
_ESC_ONE = frozenset(b"-JM{GVtRUr3 ")
# ESC commands taking two parameter bytes (ESC $ nL nH, ESC \\ nL nH, ESC c 3/4/5 n).
_ESC_TWO = frozenset(b"$\\c")
_ESC_ONE_USED = frozenset(b"aE!d")
_GS_ONE = frozenset(b"BbHfhwa")


class _NeedMoreError(Exception):
    """The buffer ends inside a command; wait for more bytes."""


@dataclass
class EscPosParser:
    """Printer-side state machine; one instance per connection."""

    encoding: TextEncoding = TextEncoding.GB18030
    chinese: bool = True
    align: Align = Align.LEFT
    bold: bool = False
    width: int = 1
    height: int = 1
    _buf: bytearray = field(default_factory=bytearray)
    _text: bytearray = field(default_factory=bytearray)
    _line_style: tuple[Align, bool, int, int] | None = None
    _qr_data: bytes = b""
    _qr_module: int = 3

    def feed(self, data: bytes) -> list[Event]:
        """Consume ``data`` and return the events it completes."""
        self._buf += data
        events: list[Event] = []
        while self._buf:
            try:
                used = self._step(events)
            except _NeedMoreError:
                break
            del self._buf[:used]
        return events

    def flush(self) -> list[Event]:
        """End of stream: a pending line without LF is printed (as real printers do on cut)."""
        events: list[Event] = []
        self._flush_line(events)
        return events

    # -- internals -------------------------------------------------------------------------

    def _need(self, n: int) -> None:
        if len(self._buf) < n:
            raise _NeedMoreError

    def _flush_line(self, events: list[Event]) -> None:
        if self._text or self._line_style is not None:
            align, bold, w, h = self._line_style or (self.align, self.bold, self.width, self.height)
            raw = bytes(self._text)
            codec = self.encoding.value if self.chinese else "latin-1"
            text = raw.decode(codec, errors="replace")
            events.append(PrintedLine(text, align, bold, w, h, "\ufffd" in text))
            self._text.clear()
            self._line_style = None

    def _step(self, events: list[Event]) -> int:  # noqa: PLR0911, PLR0912
        b = self._buf
        c = b[0]
        if c == 0x0A:
            if not self._text and self._line_style is None:
                events.append(PrintedLine("", self.align, self.bold, self.width, self.height))
            else:
                self._flush_line(events)
            return 1
        if c == 0x0D:
            return 1
        if c == 0x10:
            self._need(3)
            if b[1] == 0x04:
                events.append(StatusRequest(b[2]))
                return 3
            return 1
        if c == 0x1B:
            return self._esc(events)
        if c == 0x1D:
            return self._gs(events)
        if c == 0x1C:
            self._need(2)
            if b[1] == 0x26:
                self.chinese = True
                events.append(ChineseMode(True))
                return 2
            if b[1] == 0x2E:
                self.chinese = False
                events.append(ChineseMode(False))
                return 2
            self._need(3)
            return 3  # FS ! n and friends: Chinese print modes, ignored
        if c < 0x20:
            return 1
        if self._line_style is None:
            self._line_style = (self.align, self.bold, self.width, self.height)
        self._text.append(c)
        return 1

    def _esc(self, events: list[Event]) -> int:
        b = self._buf
        self._need(2)
        op = b[1]
        if op == 0x40:
            self._flush_line(events)
            self.align, self.bold, self.width, self.height = Align.LEFT, False, 1, 1
            events.append(Initialise())
            return 2
        if op in _ESC_ONE_USED:
            self._need(3)
            n = b[2]
            if op == ord("a"):
                self.align = _ALIGNS.get(n % 48, Align.LEFT)  # 0/48, 1/49, 2/50
            elif op == ord("E"):
                self.bold = bool(n & 1)
            elif op == ord("!"):
                self.bold = bool(n & 0x08)
                self.height = 2 if n & 0x10 else 1
                self.width = 2 if n & 0x20 else 1
            elif op == ord("d"):
                self._flush_line(events)
                events.append(Feed(n))
            return 3
        if op in _ESC_ONE:
            self._need(3)
            return 3
        if op in _ESC_TWO:
            self._need(4)
            return 4
        if op == ord("p"):  # ESC p m t1 t2: drawer kick pulse
            self._need(5)
            return 5
        return 2

    def _gs(self, events: list[Event]) -> int:  # noqa: PLR0911
        b = self._buf
        self._need(2)
        op = b[1]
        if op == ord("!"):
            self._need(3)
            self.width = (b[2] >> 4) + 1
            self.height = (b[2] & 0x0F) + 1
            return 3
        if op == ord("V"):
            self._need(3)
            m = b[2]
            n = 3
            if m in (65, 66, 97, 98, 103, 104):
                self._need(4)
                n = 4
            self._flush_line(events)
            events.append(CutPaper(partial=m in (1, 49, 66, 98, 104)))
            return n
        if op == ord("v"):
            self._need(8)
            width_bytes = b[4] | (b[5] << 8)
            height = b[6] | (b[7] << 8)
            total = 8 + width_bytes * height
            self._need(total)
            self._flush_line(events)
            data = bytes(b[8:total])
            img = Image.frombytes("1", (width_bytes * 8, height), data)
            # ESC/POS: bit 1 = black; PIL mode "1": 0 = black, so invert.
            events.append(RasterImage(img.point(lambda v: 255 - v, "1")))
            return total
        if op == ord("("):
            self._need(5)
            length = b[3] | (b[4] << 8)
            total = 5 + length
            self._need(total)
            if b[2] == ord("k"):
                self._qr(bytes(b[5:total]), events)
            return total
        if op in _GS_ONE:
            self._need(3)
            return 3
        if op in (ord("L"), ord("W")):
            self._need(4)
            return 4
        return 2

    def _qr(self, body: bytes, events: list[Event]) -> None:
        """``GS ( k`` with cn = 49 (QR): fn 67 size, 80 store, 81 print."""
        if len(body) < 2 or body[0] != 49:
            return
        fn = body[1]
        if fn == 67 and len(body) >= 3:
            self._qr_module = body[2]
        elif fn == 80:
            self._qr_data = body[3:]  # skip m (= 48)
        elif fn == 81:
            self._flush_line(events)
            payload = self._qr_data.decode("utf-8", "replace")
            events.append(QrPrinted(payload, self._qr_module, self.align))
