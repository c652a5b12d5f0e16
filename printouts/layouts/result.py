"""办理结果通知: the decision the platform sent down, printed for the resident."""

from __future__ import annotations

from printouts.content import ResultNoticeContent
from printouts.document import (
    Align,
    Blank,
    Block,
    Cut,
    Document,
    Field,
    Heading,
    QrCode,
    Rule,
    Text,
)
from printouts.layouts._format import fmt_datetime


def layout_result_notice(c: ResultNoticeContent) -> Document:
    blocks: list[Block] = []
    if c.station_name:
        blocks.append(Text(c.station_name, Align.CENTER, bold=True))
    blocks += [
        Heading("办理结果通知"),
        Rule(double=True),
        Field("办件编号", c.application_number),
        Field("办理事项", c.service_item),
        Field("申请人", c.applicant_name_masked),
        Field("证件号码", c.applicant_id_masked),
        Field("办理部门", c.department),
        Field("办结时间", fmt_datetime(c.decided_at)),
        Rule(),
        Text("办理结果", Align.CENTER),
        Text(c.result, Align.CENTER, bold=True, large=True),
    ]
    blocks += [Text(d) for d in c.details]
    blocks += [Field(f.label, f.value) for f in c.extra]
    blocks.append(Rule())
    if c.qr_payload:
        blocks.append(QrCode(c.qr_payload, "扫码查看详情"))
    if c.helpline:
        blocks.append(Field("咨询电话", c.helpline))
    blocks += [Blank(), Cut()]
    return Document(f"办理结果通知 {c.application_number}", tuple(blocks))
