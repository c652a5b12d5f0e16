from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from kiosk.core import KioskCore
from kiosk.paths import DataDir
from kiosk.usecases.import_csv import ImportFileError, import_paper_forms

from .conftest import PENSION

HEADER = "service_code,name,id_number,phone,address,staff_id,grade,household\n"
GOOD_1 = (
    "T-YL-001,张桂英,110101194503071229,13800138000,浙江省杭州市西湖区大诸桥村12号,S001,300元,3\n"
)
GOOD_2 = "T-YL-001,王德明,330106195012123714,,,S002,200元,1\n"
BAD_ID = "T-YL-001,李四,110101194503071228,,,S001,200元,1\n"
BAD_ITEM = "NO-SUCH,赵五,440304198808230010,,,S001,,\n"
BAD_CHOICE = "T-YL-001,钱六,440304198808230010,,,S001,999元,2\n"
NO_STAFF = "T-YL-001,孙七,440304198808230010,,,,200元,2\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_mixed_rows_queue_the_good_and_report_each_bad_with_its_line(
    core: KioskCore, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "forms.csv", HEADER + GOOD_1 + BAD_ID + BAD_ITEM + GOOD_2 + BAD_CHOICE + NO_STAFF
    )
    report = import_paper_forms(core, path)
    assert len(report.queued) == 2
    by_line = {e.line: e.reason for e in report.errors}
    assert set(by_line) == {3, 4, 6, 7}
    assert "校验码" in by_line[3]
    assert "NO-SUCH" in by_line[4]
    assert "缴费档次" in by_line[6]
    assert "工作人员" in by_line[7]
    stored = core.store.applications()
    assert sorted(a.applicant.name for a in stored) == ["张桂英", "王德明"]
    assert {a.channel.value for a in stored} == {"paper"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-8"])
def test_utf8_bom_and_gb18030_files_are_read(
    core: KioskCore, tmp_path: Path, encoding: str
) -> None:
    path = _write(tmp_path / "forms.csv", HEADER + GOOD_1, encoding)
    report = import_paper_forms(core, path)
    assert report.ok and len(report.queued) == 1
    assert core.store.applications()[0].applicant.name == "张桂英"


def test_a_file_without_required_columns_is_refused_whole(core: KioskCore, tmp_path: Path) -> None:
    path = _write(tmp_path / "forms.csv", "service_code,name\nT-YL-001,张三\n")
    with pytest.raises(ImportFileError, match="id_number"):
        import_paper_forms(core, path)


def test_unknown_columns_are_reported_not_dropped(core: KioskCore, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "f.csv",
        "service_code,name,id_number,staff_id,grade,household,gradee\n"
        "T-YL-001,张桂英,110101194503071229,S1,200元,2,typo\n",
    )
    report = import_paper_forms(core, path)
    assert report.errors and "gradee" in report.errors[0].reason


def test_cli_import_exit_status_and_queue_json(
    kiosk_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    core = KioskCore.open(DataDir(kiosk_home))
    core.store.save_catalogue([PENSION])
    core.close()
    good = _write(tmp_path / "good.csv", HEADER + GOOD_1)
    assert main(["import", str(good)]) == 0
    mixed = _write(tmp_path / "mixed.csv", HEADER + GOOD_2 + BAD_ID)
    assert main(["import", str(mixed)]) == 1
    err = capsys.readouterr().err
    assert "line 3:" in err and "校验码" in err
    assert main(["queue", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["state"] for r in rows] == ["queued", "queued"]
    assert rows[0]["id_number"] == "330106********3714"
    assert "张桂英" not in json.dumps(rows, ensure_ascii=False)  # names are masked


def test_cli_catalogue_json_lists_fields(
    kiosk_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    core = KioskCore.open(DataDir(kiosk_home))
    core.store.save_catalogue([PENSION])
    core.close()
    assert main(["catalogue", "--json"]) == 0
    items = {i["code"]: i for i in json.loads(capsys.readouterr().out)}
    pension = items["T-YL-001"]
    assert set(pension) == {
        "code",
        "name",
        "category",
        "state",
        "version",
        "fields",
        "routes_without_camera",  # issue 13: the ways without a camera, and each material's
        "materials",
    }
    grade = next(f for f in pension["fields"] if f["key"] == "grade")
    assert grade == {
        "key": "grade",
        "type": "choice",
        "required": True,
        "options": ["200元", "300元", "500元"],
    }
    assert len(items) >= 26  # the sample catalogue (25+) plus the test item


def test_applicant_columns_fill_form_fields_of_the_same_name(
    core: KioskCore, tmp_path: Path
) -> None:
    import dataclasses

    from kiosk.catalogue import FieldType, FormField

    item = dataclasses.replace(
        PENSION,
        code="T-PHONE",
        form=(*PENSION.form, FormField("address", "住址", FieldType.ADDRESS, personal=True)),
    )
    item = dataclasses.replace(
        item,
        form=tuple(
            dataclasses.replace(f, required=True) if f.key == "phone" else f for f in item.form
        ),
    )
    core.store.save_catalogue([item])
    path = _write(
        tmp_path / "f.csv", HEADER.replace("T-YL-001", "") + GOOD_1.replace("T-YL-001", "T-PHONE")
    )
    report = import_paper_forms(core, path)
    assert report.ok, report.errors
    stored = core.store.application(report.queued[0])
    assert stored is not None and stored.form["phone"] == "13800138000"
    assert stored.form["address"].startswith("浙江省")
