"""Fixed sample contents of every layout, for goldens, the rendered docs and the benchmark.

Made-up people and numbers only; the ID numbers are masked as the core would,
except on the application form, which carries them in full (docs/printouts.md).
"""

from __future__ import annotations

from datetime import date, datetime

from printouts.content import (
    ChannelLabel,
    CommitmentContent,
    DailySummaryContent,
    FormContent,
    FormRow,
    NoticeContent,
    NoticeMaterial,
    ReceiptContent,
    ResultNoticeContent,
    SummaryRow,
)

FILED_AT = datetime(2026, 11, 23, 9, 41)
APPLICATION_NUMBER = "330102001-20261123-0007"
QR_PAYLOAD = f"https://zwfw.example.gov.cn/q/{APPLICATION_NUMBER}"


def receipt(*, reprint: bool = False, assisted: bool = True) -> ReceiptContent:
    return ReceiptContent(
        station_name="西湖镇便民服务中心",
        terminal_code="000017",
        application_number=APPLICATION_NUMBER,
        service_item="城乡居民基本养老保险参保登记",
        applicant_name_masked="张*芳",
        applicant_id_masked="330102********2345",
        channel=ChannelLabel.ASSISTED if assisted else ChannelLabel.SELF,
        staff_name="李小梅" if assisted else "",
        filed_at=FILED_AT,
        promised_by=date(2026, 12, 7),
        qr_payload=QR_PAYLOAD,
        helpline="12345",
        materials_to_bring=("户口簿首页及本人页复印件", "本人银行卡（社保卡）复印件"),
        reprint=reprint,
    )


def notice() -> NoticeContent:
    return NoticeContent(
        item_name="城乡居民基本养老保险参保登记",
        item_code="330100-YL-001",
        department="区人力资源和社会保障局",
        conditions=(
            "年满16周岁（不含在校学生）",
            "非国家机关和事业单位工作人员",
            "不属于职工基本养老保险制度覆盖范围的城乡居民",
        ),
        materials=(
            NoticeMaterial("居民身份证", 1, original=True, notes="现场核验后退还"),
            NoticeMaterial("户口簿首页及本人页", 1),
            NoticeMaterial("本人社会保障卡或银行卡", 1, notes="用于发放待遇"),
        ),
        time_limit_days=10,
        fee="不收费",
        where_to_go="西湖镇便民服务中心一楼社保窗口（工作日 8:30–17:00）",
        station_name="西湖镇便民服务中心",
        helpline="12345",
        printed_at=FILED_AT,
    )


def form() -> FormContent:
    return FormContent(
        title="城乡居民基本养老保险参保登记表",
        application_number=APPLICATION_NUMBER,
        station_name="西湖镇便民服务中心",
        fields=(
            # The form is the application itself: full values, once (docs/printouts.md).
            FormRow("姓名", "张丽芳"),
            FormRow("公民身份号码", "330102199003012345"),
            FormRow("性别", "女"),
            FormRow("民族", "汉族"),
            FormRow("户籍地址", "浙江省杭州市西湖区西湖镇龙井村3组"),
            FormRow("联系电话", "13812345678"),
            FormRow("缴费档次", "每年 500 元"),
            FormRow("待遇领取方式", "社会保障卡"),
        ),
        filed_at=FILED_AT,
    )


def daily_summary() -> DailySummaryContent:
    return DailySummaryContent(
        station_name="西湖镇便民服务中心",
        terminal_code="000017",
        day=date(2026, 11, 23),
        rows=(
            SummaryRow("城乡居民基本养老保险参保登记", "已受理", 6),
            SummaryRow("城乡居民基本养老保险参保登记", "待上报", 1),
            SummaryRow("城乡居民医保参保登记", "已受理", 4),
            SummaryRow("高龄津贴申领", "需补正", 2),
            SummaryRow("临时救助申请", "不予受理", 1),
        ),
        printed_at=datetime(2026, 11, 23, 17, 5),
        staff_name="李小梅",
    )


def result_notice() -> ResultNoticeContent:
    return ResultNoticeContent(
        application_number=APPLICATION_NUMBER,
        service_item="城乡居民基本养老保险参保登记",
        applicant_name_masked="张*芳",
        applicant_id_masked="330102********2345",
        result="准予办理",
        decided_at=datetime(2026, 12, 2, 15, 20),
        department="区人力资源和社会保障局",
        details=("已为您办理参保登记，自2026年12月起按月缴费。",),
        extra=(FormRow("参保日期", "2026年12月1日"),),
        qr_payload=QR_PAYLOAD,
        helpline="12345",
        station_name="西湖镇便民服务中心",
    )


def commitment() -> CommitmentContent:
    """告知承诺书 of a 高龄津贴 filing whose 户口簿 is promised (issue 13)."""
    return CommitmentContent(
        station_name="西湖镇便民服务中心",
        application_number=APPLICATION_NUMBER,
        service_item="高龄津贴申领",
        applicant_name_masked="张*芳",
        applicant_id_masked="330102********2345",
        text=(
            "本人申请办理“高龄津贴申领”，现承诺按期补交以下材料：《居民户口簿》（2026年12月7日前）。"
            "本人已知晓：逾期未补交的，本次申请将终止办理；承诺不实的，受理部门将撤销办理结果，"
            "本人依法承担相应责任，并记入个人信用记录。"
        ),
        promised=("居民户口簿：承诺后补，2026年12月7日前",),
        material_states=(
            "居民身份证：请携带",
            "居民户口簿：承诺后补，2026年12月7日前",
            "老人本人社会保障卡或银行卡：请携带",
        ),
        confirmed_at=FILED_AT,
        helpline="12345",
        staff_name="李小梅",
    )
