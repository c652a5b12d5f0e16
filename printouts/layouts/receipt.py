"""受理回执: the resident's proof that the application exists."""

from __future__ import annotations

from printouts.content import ChannelLabel, ReceiptContent
from printouts.document import (
    Align,
    Blank,
    Block,
    Cut,
    Document,
    Field,
    Heading,
    ListItem,
    QrCode,
    Rule,
    Text,
)
from printouts.layouts._format import fmt_date, fmt_datetime, reprint_note, reprint_title


def layout_receipt(c: ReceiptContent) -> Document:
    """Application number large and early: it is what staff and the hotline ask for first."""
    title = reprint_title("受理回执", c.reprint)
    channel = c.channel.value
    if c.channel is ChannelLabel.ASSISTED and c.staff_name:
        channel = f"{channel}（代办人：{c.staff_name}）"
    # Three dates, not one: filing is the kiosk's, acceptance and the time limit the department's.
    if c.accepted_on is not None:
        due = f"{fmt_date(c.due_on)}前" if c.due_on else (c.due_note or "以受理部门通知为准")
        dates = [Field("受理日", fmt_date(c.accepted_on)), Field("办结期限", due)]
    else:
        estimate = f"{fmt_date(c.promised_by)}前" if c.promised_by else ""
        dates = [Field("预计办结", estimate or c.due_note or "以受理部门审核为准")]
    blocks: list[Block] = [
        Text(c.station_name, Align.CENTER, bold=True),
        Heading(title),
        Rule(double=True),
        Text("办件编号", Align.CENTER),
        Text(c.application_number, Align.CENTER, bold=True, large=True),
        Rule(),
        Field("办理事项", c.service_item),
        Field("申请人", c.applicant_name_masked),
        Field("证件号码", c.applicant_id_masked),
        Field("办理方式", channel),
        Field("提交时间", fmt_datetime(c.filed_at)),
        *dates,
    ]
    if c.material_states:
        blocks += [Rule(), Text("材料情况：", bold=True)]
        blocks += [ListItem(f"{i}.", m) for i, m in enumerate(c.material_states, 1)]
    elif c.materials_to_bring:
        blocks += [Rule(), Text("请补交以下材料：", bold=True)]
        blocks += [ListItem(f"{i}.", m) for i, m in enumerate(c.materials_to_bring, 1)]
    blocks += [
        Rule(),
        QrCode(c.qr_payload, "扫码查询办理进度"),
        Text(f"终端编号：{c.terminal_code}"),
        Text(f"咨询电话：{c.helpline}"),
        Text("请妥善保管本回执，凭办件编号查询进度。"),
    ]
    blocks += [*reprint_note("回执", c.reprint), Blank(), Cut()]
    return Document(f"{title} {c.application_number}", tuple(blocks))
