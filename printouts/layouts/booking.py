"""预约窗口办理凭条 / 上门服务申请凭条 (issue 13 item 4): the booked step, to keep."""

from __future__ import annotations

from printouts.content import BookingSlipContent
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


def layout_booking_slip(c: BookingSlipContent) -> Document:
    """When and where first (or that staff will call): that is what the resident acts on."""
    title = reprint_title(c.title, c.reprint)
    blocks: list[Block] = [
        Text(c.station_name, Align.CENTER, bold=True),
        Heading(title),
        Rule(double=True),
        Field("预约编号", c.number),
        Field("办理事项", c.service_item),
        Field("申请人", c.applicant_name_masked),
        Field("证件号码", c.applicant_id_masked),
        Rule(),
    ]
    if c.address_masked:  # a home visit
        blocks += [
            Field("上门地址", c.address_masked),
            Field("联系电话", c.phone_masked),
            Field("状态", c.status),
            Text("村级服务站工作人员将电话联系您，约定上门时间。"),
        ]
    else:
        blocks += [
            Field("办理地点", c.centre),
            Field("预约时段", c.slot_line),
            Field("状态", c.status),
        ]
        if c.status == "待确认":
            blocks.append(Text("本机联网后由平台确认时段；请凭预约编号在“查进度”中查看。"))
    blocks += [Rule(), Text("请携带：", bold=True)]
    blocks += [ListItem(f"{i}.", line) for i, line in enumerate(c.to_bring, 1)]
    blocks += [
        Rule(),
        Field("申请时间", fmt_datetime(c.created_at)),
        Text(f"咨询电话：{c.helpline}"),
        *reprint_note("凭条", c.reprint),
        Blank(),
        Cut(),
    ]
    return Document(f"{title} {c.number}", tuple(blocks))
