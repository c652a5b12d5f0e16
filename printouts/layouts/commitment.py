"""告知承诺书 (容缺受理): the commitment the resident confirmed on screen, to keep."""

from __future__ import annotations

from printouts.content import CommitmentContent
from printouts.document import (
    Align,
    Blank,
    Block,
    Cut,
    Document,
    Field,
    Heading,
    ListItem,
    Rule,
    Text,
)
from printouts.layouts._format import fmt_datetime, reprint_note, reprint_title


def layout_commitment(c: CommitmentContent) -> Document:
    """The promised materials and their dates first: that is what the resident must act on."""
    title = reprint_title("告知承诺书", c.reprint)
    blocks: list[Block] = [
        Text(c.station_name, Align.CENTER, bold=True),
        Heading(title),
        Rule(double=True),
        Field("办件编号", c.application_number),
        Field("办理事项", c.service_item),
        Field("承诺人", c.applicant_name_masked),
        Field("证件号码", c.applicant_id_masked),
    ]
    if c.staff_name:
        blocks.append(Field("代办人", c.staff_name))
    blocks += [Rule(), Text("承诺补交：", bold=True)]
    blocks += [ListItem(f"{i}.", line) for i, line in enumerate(c.promised, 1)]
    blocks += [Rule(), Text(c.text), Rule(), Text("全部材料情况：", bold=True)]
    blocks += [ListItem(f"{i}.", line) for i, line in enumerate(c.material_states, 1)]
    blocks += [
        Rule(),
        Field("确认时间", fmt_datetime(c.confirmed_at)),
        Text("本人已在终端上阅读并点按“我承诺”确认。"),
        Text(f"咨询电话：{c.helpline}"),
        *reprint_note("承诺书", c.reprint),
        Blank(),
        Cut(),
    ]
    return Document(f"{title} {c.application_number}", tuple(blocks))
