"""一次性告知单: every condition and material of a service item, told once."""

from __future__ import annotations

from printouts.content import Material, NoticeContent
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


def material_line(m: Material) -> str:
    """``户口簿（原件，1份）：备注``: original or copy, and how many, are what people forget."""
    kind = "原件" if m.original else "复印件"
    line = f"{m.name}（{kind}，{m.copies}份）"
    return f"{line}：{m.notes}" if m.notes else line


def layout_notice(c: NoticeContent) -> Document:
    time_limit = f"{c.time_limit_days}个工作日" if c.time_limit_days else "即办"
    blocks: list[Block] = [
        Heading("一次性告知单"),
        Text(c.item_name, Align.CENTER, bold=True),
        Rule(double=True),
        Field("事项编码", c.item_code),
        Field("受理部门", c.department),
        Field("承诺时限", time_limit),
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
