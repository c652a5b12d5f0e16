"""A4 application form with the entered data, signed by the resident (and the staff member)."""

from __future__ import annotations

import re

from printouts.content import FormContent
from printouts.document import (
    Align,
    Blank,
    Block,
    Cut,
    Document,
    Field,
    Heading,
    Rule,
    SignatureLine,
    Text,
)
from printouts.layouts._format import fmt_datetime

#: Item names ending in one of these already name a filing: "表" alone makes the form's title
#: (农村宅基地申请 → 农村宅基地申请表, 高龄津贴申领 → 高龄津贴申领表).
_FILING_WORDS = ("申请", "申领", "申报", "登记", "备案")
#: A trailing note in brackets, as in 居住证申领（受理转递）: it stays at the end of the title.
_TRAILING_NOTE = re.compile(r"^(.*?)([（(][^（()）]*[）)])$")


def form_title(item_name: str) -> str:
    """The form's title from the service item's name, without doubling a word.

    A county clerk reads "农村宅基地申请申请表" as a careless form; the name
    gets "表" when it already ends in a filing word, "申请表" otherwise, and
    nothing when it already ends in "表".
    """
    name = item_name.strip()
    note = ""
    if m := _TRAILING_NOTE.match(name):
        name, note = m.group(1).strip(), m.group(2)
    if not name.endswith("表"):
        name += "表" if name.endswith(_FILING_WORDS) else "申请表"
    return name + note


def layout_form(c: FormContent) -> Document:
    blocks: list[Block] = [
        Heading(c.title),
        Text(f"办件编号：{c.application_number}", Align.RIGHT),
        Rule(double=True),
    ]
    blocks += [Field(f.label, f.value) for f in c.fields]
    blocks += [Rule(), Text(c.declaration), Blank()]
    blocks += [SignatureLine(label) for label in c.signature_labels]
    blocks += [
        Blank(),
        Field("受理地点", c.station_name),
        Field("填报时间", fmt_datetime(c.filed_at)),
        Cut(),
    ]
    return Document(f"{c.title} {c.application_number}", tuple(blocks))
