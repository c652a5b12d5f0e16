"""每日办件统计 for staff: counts only, never a name."""

from __future__ import annotations

from printouts.content import DailySummaryContent
from printouts.document import Align, Blank, Block, Cut, Document, Field, Heading, Row, Rule, Text
from printouts.layouts._format import fmt_date, fmt_datetime

_WEIGHTS = (5, 2, 1)


def layout_daily_summary(c: DailySummaryContent) -> Document:
    blocks: list[Block] = [
        Heading("每日办件统计"),
        Text(fmt_date(c.day), Align.CENTER),
        Rule(double=True),
        Field("服务站", c.station_name),
        Field("终端编号", c.terminal_code),
        Rule(),
        Row(("办理事项", "状态", "件数"), _WEIGHTS, bold=True),
    ]
    blocks += [Row((r.service_item, r.state, str(r.count)), _WEIGHTS) for r in c.rows]
    total = sum(r.count for r in c.rows)
    blocks += [Rule(), Row(("合计", "", str(total)), _WEIGHTS, bold=True), Rule()]
    if c.staff_name:
        blocks.append(Field("打印人", c.staff_name))
    blocks += [Field("打印时间", fmt_datetime(c.printed_at)), Blank(), Cut()]
    return Document(f"每日办件统计 {c.day.isoformat()}", tuple(blocks))
