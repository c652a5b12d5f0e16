"""A4 application form with the entered data, signed by the resident (and the staff member)."""

from __future__ import annotations

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
