from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.application import Applicant
from kiosk.catalogue import FieldType, FormField, Material, ServiceItem
from kiosk.core import KioskCore
from kiosk.paths import DataDir

# Fictitious people with valid check digits (GB 11643).
ZHANG = Applicant(
    name="张桂英",
    id_number="110101194503071229",
    phone="13800138000",
    address="浙江省杭州市西湖区转塘街道大诸桥村12号",
)
WANG = Applicant(
    name="王德明",
    id_number="330106195012123714",
    phone="",
    address="浙江省杭州市西湖区双浦镇铜鉴湖村5组",
)

PENSION = ServiceItem(
    code="T-YL-001",
    name="城乡居民养老保险参保登记",
    department="县人力资源和社会保障局",
    category="社会保障",
    guide="年满16周岁、未参加职工养老保险的城乡居民可以参保。",
    conditions=("年满16周岁",),
    materials=(Material("居民身份证", 1, True), Material("户口簿", 1, False, "首页和本人页复印件")),
    form=(
        FormField("name", "姓名", FieldType.TEXT, personal=True, prefill="name"),
        FormField(
            "id_number", "身份证号码", FieldType.ID_NUMBER, personal=True, prefill="id_number"
        ),
        FormField(
            "phone", "联系电话", FieldType.PHONE, required=False, personal=True, prefill="phone"
        ),
        FormField("grade", "缴费档次", FieldType.CHOICE, options=("200元", "300元", "500元")),
        FormField("household", "家庭人口数", FieldType.NUMBER, min_value=1, max_value=20),
        FormField("bank_account", "银行账号", FieldType.TEXT, required=False, personal=True),
        FormField("hukou_photo", "户口簿照片", FieldType.ATTACHMENT, required=False),
    ),
    time_limit_days=5,
    keywords=("养老金", "社保"),
)

FIXED_NOW = dt.datetime(
    2026, 9, 30, 2, 0, tzinfo=dt.UTC
)  # 10:00 in China, the day before National Day


@pytest.fixture
def core(kiosk_home: Path) -> Iterator[KioskCore]:
    instance = KioskCore.open(DataDir(kiosk_home), clock=lambda: FIXED_NOW)
    instance.store.save_catalogue([PENSION])
    yield instance
    instance.close()
