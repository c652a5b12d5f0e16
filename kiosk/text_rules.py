"""One rule for the text people give the kiosk: no invisible control characters.

A name or address typed on the touch screen, read from a card, or pasted into a
spreadsheet for ``kiosk import`` ends up on a thermal receipt. ESC/POS printers
take bytes below 0x20 as commands (ESC, GS, FS, DLE...), so a cell holding
``ESC @`` or ``GS V`` would reset or cut the printer mid-receipt: a printer-command
injection from a spreadsheet. The same characters are also invisible on screen,
so a resident could never see what was wrong. Every channel therefore passes
its free text through :func:`check_text` in the core's validation; the printer
renderer additionally refuses to emit such bytes whatever it is given.

Rejected: C0 (U+0000–U+001F, so NUL, TAB, CR, ESC...), DEL (U+007F) and C1
(U+0080–U+009F). A line feed is allowed only where the field is multi-line
free text (a request's content, a rating's reason).
"""

from __future__ import annotations

import re

from kiosk.errors import ValidationError

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LF = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a character this module rejects (LF allowed when ``multiline``)."""
    pattern = _CONTROL_BUT_LF if multiline else _CONTROL
    return pattern.search(text) is not None


def check_text(text: str, label: str, field: str | None = None, *, multiline: bool = False) -> str:
    """``text`` unchanged, or a Chinese :class:`ValidationError` naming the field.

    ``label`` is the field's name as people see it (姓名, 住址...); ``field`` is
    its key, so the UI can put the message next to the right box.
    """
    if has_control_characters(text, multiline=multiline):
        raise ValidationError(f"{label}含有不可见的控制字符，请删除后重新输入。", field=field)
    return text
