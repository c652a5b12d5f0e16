"""一次性告知单: every condition and material of a service item, told once."""

from __future__ import annotations

from kiosk import wording
from printouts.content import NoticeContent, NoticeMaterial
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
from printouts.layouts._format import fmt_datetime


def material_line(m: NoticeMaterial) -> str:
    """``户口簿（原件，1份）：备注``, worded as on the guide screen (:mod:`kiosk.wording`)."""
    return wording.material_line(m.name, original=m.original, copies=m.copies, note=m.notes)


def layout_notice(c: NoticeContent) -> Document:
    time_limit = wording.time_limit_text(c.time_limit_days)
    blocks: list[Block] = [
        Heading("一次性告知单"),
        Text(c.item_name, Align.CENTER, bold=True),
        Rule(double=True),
        Field("事项编码", c.item_code),
        Field("受理部门", c.department),
        Field(wording.TIME_LIMIT_LABEL, time_limit),
        Field("收费标准", c.fee or "不收费"),
        Rule(),
        Text("一、申请条件", bold=True),
    ]
    blocks += [ListItem(f"{i}.", cond) for i, cond in enumerate(c.conditions, 1)]
    blocks.append(Text("二、申请材料", bold=True))
    blocks += [ListItem(f"{i}.", material_line(m)) for i, m in enumerate(c.materials, 1)]
    blocks += [
        Text("三、办理地点", bold=True),
        Text(c.where_to_go),
        Rule(),
        Text("以上为办理本事项的全部条件和材料，一次性告知。"),
        Field("告知单位", c.station_name),
        Field("咨询电话", c.helpline),
        Field("打印时间", fmt_datetime(c.printed_at)),
        Blank(),
        Cut(),
    ]
    return Document(f"一次性告知单 {c.item_code}", tuple(blocks))
