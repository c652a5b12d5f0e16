"""打印测试页: every element once, so a technician sees at a glance what the printer can do."""

from __future__ import annotations

from datetime import datetime

from printouts.document import (
    Align,
    Blank,
    Cut,
    Document,
    Field,
    Heading,
    QrCode,
    Row,
    Rule,
    SignatureLine,
    Text,
)
from printouts.layouts._format import fmt_datetime

#: Characters that separate GB2312, GBK and GB18030 printers: 喆 堃 珺 and the
#: middle dot are GBK only, 𠮷 needs a four-byte GB18030 sequence.
ENCODING_PROBE = "GB2312：受理回执 GBK：喆堃珺·买买提 GB18030：𠮷"


def layout_test_page(station_name: str, terminal_code: str, printed_at: datetime) -> Document:
    blocks = (
        Heading("打印测试页"),
        Text(station_name, Align.CENTER),
        Rule(double=True),
        Text("普通文字 ABC abc 0123456789"),
        Text("粗体文字 Bold", bold=True),
        Text("倍高倍宽", large=True),
        Text("居中对齐", Align.CENTER),
        Text("右对齐", Align.RIGHT),
        Rule(),
        Field("字段名称", "字段内容较长时自动换行并与内容首字对齐，便于阅读"),
        Row(("事项", "状态", "件数"), (5, 2, 1), bold=True),
        Row(("城乡居民养老保险参保登记", "已受理", "12"), (5, 2, 1)),
        Rule(),
        Text(ENCODING_PROBE),
        QrCode("https://zwfw.example.gov.cn/q/TEST", "二维码测试"),
        SignatureLine("签名"),
        Field("终端编号", terminal_code),
        Field("打印时间", fmt_datetime(printed_at)),
        Blank(),
        Cut(),
    )
    return Document("打印测试页", blocks)
