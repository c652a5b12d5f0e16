"""Issue 10.7: ``kiosk import`` under bad input never queues mojibake, never duplicates,
never hides what it committed, and every failure is one line with a documented status.

The use case is driven directly on a real SQLite store; the CLI contract (exit status,
one line on stderr, no traceback, JSON keys) through the real ``kiosk`` command in a
subprocess.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.application import Applicant, Channel
from kiosk.catalogue import FieldType, FormField
from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.feedback import RatingLevel, RequestKind
from kiosk.forms import validate_form
from kiosk.identity import id_check_digit
from kiosk.paths import DataDir
from kiosk.usecases.feedback import file_request, rate_application
from kiosk.usecases.import_csv import ImportFileError, import_paper_forms
from kiosk.usecases.submit import submit_application
from tests.core.conftest import FIXED_NOW, PENSION, ZHANG

REPO = Path(__file__).resolve().parents[2]
HEADER = "service_code,name,id_number,phone,address,staff_id,grade,household\n"
GOOD = (
    "T-YL-001,张桂英,110101194503071229,13800138000,浙江省杭州市西湖区大诸桥村12号,S001,300元,3\n"
)
GOOD_2 = "T-YL-001,王德明,330106195012123714,,,S002,200元,1\n"


@pytest.fixture
def core(kiosk_home: Path) -> Iterator[KioskCore]:
    instance = KioskCore.open(DataDir(kiosk_home), clock=lambda: FIXED_NOW)
    instance.store.save_catalogue([PENSION])
    yield instance
    instance.close()


def _write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def _id_number(n: int) -> str:
    """A valid, fictitious ID number per ``n`` (birth 1945-03-07, sequence ``n``)."""
    first17 = f"11010119450307{n:03d}"
    return first17 + id_check_digit(first17)


def _rows(count: int) -> str:
    """``count`` distinct valid rows (distinct rows: identical ones are imported once)."""
    return "".join(
        f"T-YL-001,张{n}英,{_id_number(n)},,,S001,300元,{n % 20 + 1}\n" for n in range(count)
    )


def _application_count(core: KioskCore) -> int:
    return len(core.store.applications())


def _set_daily_counter(core: KioskCore, day: dt.date, value: int) -> None:
    """Put today's numbering counter near the cap of 9999 without filing 9999 applications."""
    with core.store.conn.write() as c:
        c.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (f"daily:{day:%Y%m%d}", str(value)),
        )


def _kiosk(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KIOSK_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- 7.1 encoding ------------------------------------------------------------------------------


def test_stray_non_utf8_byte_rejects_the_file_instead_of_queuing_mojibake(
    core: KioskCore, tmp_path: Path
) -> None:
    # An item without Chinese choices, so every Chinese run has an even number of characters
    # and the whole UTF-8 file also decodes as GB18030, as real files often do.
    core.store.save_catalogue(
        [dataclasses.replace(PENSION, code="T-ASCII", form=PENSION.form[:3] + PENSION.form[4:])]
    )
    header = b"service_code,name,id_number,phone,address,staff_id,household\n"
    good = "T-ASCII,王刚,330106195012123714,,,S002,1\n".encode()
    # A cp1252 dash pasted into a staff number: one byte that is not UTF-8.
    stray = "T-ASCII,李娜,110101194503071229,,,S".encode() + b"\x96" + b"A01,2\n"
    raw = header + good + stray + good.replace(b"S002,1", b"S002,3")
    offset = raw.index(b"\x96")
    assert "鐜嬪垰" in raw.decode("gb18030")  # what the old code queued for 王刚
    path = _write(tmp_path / "forms.csv", raw)
    with pytest.raises(ImportFileError) as caught:
        import_paper_forms(core, path)
    message = str(caught.value)
    assert message.startswith(f"line 3: not valid UTF-8 at byte {offset} ")
    assert "nothing imported" in message
    assert _application_count(core) == 0

    # The same bytes behind a UTF-8 BOM are refused too, never decoded leniently.
    bom = _write(tmp_path / "bom.csv", b"\xef\xbb\xbf" + raw)
    with pytest.raises(ImportFileError, match=f"line 3: not valid UTF-8 at byte {offset + 3} "):
        import_paper_forms(core, bom)
    # A file that is neither UTF-8 nor GB18030 is refused naming the first bad UTF-8 byte.
    neither = _write(tmp_path / "neither.csv", header + b"T-ASCII,ab\xff,1\n")
    bad = len(header) + len(b"T-ASCII,ab")
    with pytest.raises(
        ImportFileError, match=rf"line 2: .* at byte {bad} \(and not cleanly GB18030\)"
    ):
        import_paper_forms(core, neither)
    assert _application_count(core) == 0


def test_gb18030_file_that_also_reads_as_utf8_is_refused_not_guessed(
    core: KioskCore, tmp_path: Path
) -> None:
    # 卢梅 and 元 in GB18030 are byte pairs that are also valid two-byte UTF-8 (¬·÷...):
    # reading such a file as UTF-8 queued mojibake just as the opposite mistake did.
    raw = (HEADER + "T-YL-001,卢梅,330106195012123714,,,S002,200元,1\n").encode("gb18030")
    raw.decode("utf-8")
    path = _write(tmp_path / "forms.csv", raw)
    with pytest.raises(ImportFileError, match="line 2: cannot tell whether this file is UTF-8"):
        import_paper_forms(core, path)
    assert _application_count(core) == 0


def test_gb18030_utf8_and_bom_files_still_import_with_their_names_intact(
    core: KioskCore, tmp_path: Path
) -> None:
    for index, encoding in enumerate(("gb18030", "utf-8", "utf-8-sig")):
        text = (
            HEADER + f"T-YL-001,王刚,{_id_number(index)},,浙江省杭州市西湖区,S1,200元,{index + 1}\n"
        )
        report = import_paper_forms(core, _write(tmp_path / f"{encoding}.csv", text, encoding))
        assert report.ok, report.errors
    assert {a.applicant.name for a in core.store.applications()} == {"王刚"}


# -- 7.2 a stopped import reports what it committed; re-import is idempotent ------------------


def test_stopped_import_reports_committed_batches_and_rerun_skips_them(
    kiosk_home: Path, tmp_path: Path
) -> None:
    path = _write(tmp_path / "forms.csv", HEADER + _rows(7))
    today = dt.date(2026, 9, 30)  # FIXED_NOW in China
    core = KioskCore.open(DataDir(kiosk_home), clock=lambda: FIXED_NOW)
    core.store.save_catalogue([PENSION])
    _set_daily_counter(core, today, 9995)  # room for 4 more numbers today
    report = import_paper_forms(core, path, batch_size=2)
    # Batches (2,3) and (4,5) commit; (6,7) hits the cap at line 6 and is rolled back whole.
    assert [r.line for r in report.committed] == [2, 3, 4, 5]
    assert report.queued == [r.number for r in report.committed]
    assert report.stopped is not None and "9999" in report.stopped
    assert report.remaining == [6, 7, 8]
    assert not report.ok
    stored = sorted(a.number for a in core.store.applications())
    assert stored == sorted(report.queued)
    core.close()

    # The next day the same file is run again: committed rows are skipped, the rest queued.
    tomorrow = FIXED_NOW + dt.timedelta(days=1)
    core = KioskCore.open(DataDir(kiosk_home), clock=lambda: tomorrow)
    again = import_paper_forms(core, path, batch_size=2)
    assert [(r.line, r.number) for r in again.skipped] == [
        (r.line, r.number) for r in report.committed
    ]
    assert [r.line for r in again.committed] == [6, 7, 8]
    assert again.ok
    assert _application_count(core) == 7
    core.close()


def test_full_disk_stops_the_import_and_reports_exactly_what_committed(
    core: KioskCore, tmp_path: Path
) -> None:
    path = _write(tmp_path / "forms.csv", HEADER + _rows(60))
    raw = core.store.conn.raw
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.execute(f"PRAGMA max_page_count = {pages + 4}")  # SQLITE_FULL, as on a full disk
    report = import_paper_forms(core, path, batch_size=5)
    assert report.stopped is not None
    assert "磁盘已满" in report.stopped or "database or disk is full" in report.stopped
    assert report.committed, "some batches fit before the database was full"
    assert len(report.committed) % 5 == 0  # whole batches only
    committed_lines = [r.line for r in report.committed]
    assert committed_lines + report.remaining == list(range(2, 62))
    assert sorted(a.number for a in core.store.applications()) == sorted(report.queued)


def test_read_only_database_stops_the_import_cleanly(core: KioskCore, tmp_path: Path) -> None:
    path = _write(tmp_path / "forms.csv", HEADER + GOOD + GOOD_2)
    core.store.conn.raw.execute("PRAGMA query_only = ON")  # SQLITE_READONLY on every write
    report = import_paper_forms(core, path)
    assert report.stopped is not None and "readonly" in report.stopped
    assert report.committed == [] and report.remaining == [2, 3]


def test_reimporting_the_same_rows_skips_them_and_says_so(core: KioskCore, tmp_path: Path) -> None:
    first = import_paper_forms(core, _write(tmp_path / "a.csv", HEADER + GOOD + GOOD_2))
    assert first.ok and len(first.queued) == 2
    # Re-saved under another name, cells with stray spaces, staff_id changed, one new row:
    # the two forms already queued are skipped with the numbers they got, the new one queued.
    respaced = GOOD.replace("张桂英", " 张桂英 ").replace("S001", "S009")
    second = import_paper_forms(
        core, _write(tmp_path / "b.csv", HEADER + respaced + GOOD_2 + _rows(1))
    )
    assert [(r.line, r.number) for r in second.skipped] == [
        (2, first.queued[0]),
        (3, first.queued[1]),
    ]
    assert [r.line for r in second.committed] == [4]
    assert second.ok
    assert _application_count(core) == 3
    # A line repeated inside one file is queued once.
    repeated = _rows(3).splitlines(keepends=True)[2]
    third = import_paper_forms(core, _write(tmp_path / "c.csv", HEADER + repeated * 2))
    assert len(third.committed) == 1 and len(third.skipped) == 1
    # The ledger holds keyed hashes, never the row.
    ledger = core.store.conn.query("SELECT row_hash, application_number FROM imported_rows")
    assert len(ledger) == 4
    for row in ledger:
        assert len(row["row_hash"]) == 64 and "110101" not in row["row_hash"]


# -- 7.3 CSV structure: each problem a clear line-numbered error -------------------------------


def test_field_over_128_kib_is_a_line_numbered_error_not_a_csv_traceback(
    core: KioskCore, tmp_path: Path
) -> None:
    huge = GOOD_2.replace("200元", "x" * 140_000)
    path = _write(tmp_path / "forms.csv", HEADER + GOOD + huge + GOOD_2)
    with pytest.raises(ImportFileError) as caught:
        import_paper_forms(core, path)
    assert str(caught.value).startswith("line 3: a cell is larger than 128 KiB; nothing imported")
    assert _application_count(core) == 0


def test_duplicate_header_names_are_refused_instead_of_the_last_column_winning(
    core: KioskCore, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "forms.csv",
        "service_code,name,id_number,staff_id,grade,household,name\n"
        "T-YL-001,张桂英,110101194503071229,S001,300元,3,王德明\n",
    )
    with pytest.raises(ImportFileError) as caught:
        import_paper_forms(core, path)
    assert str(caught.value).startswith(
        'line 1: column "name" appears twice (columns 2 and 7); nothing imported'
    )
    assert _application_count(core) == 0


def test_extra_cells_are_a_line_numbered_error_not_dropped(core: KioskCore, tmp_path: Path) -> None:
    extra = GOOD_2.rstrip("\n") + ",多写的一格\n"
    trailing_commas = GOOD.rstrip("\n") + ",,\n"  # empty extra cells hold nothing: fine
    report = import_paper_forms(core, _write(tmp_path / "f.csv", HEADER + trailing_commas + extra))
    assert [r.line for r in report.committed] == [2]
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "这一行有9格，表头只有8列：多出的内容无处可放，请核对是否多了逗号或漏了列名。")
    ]


def test_short_row_names_its_missing_cells_instead_of_a_misleading_reason(
    core: KioskCore, tmp_path: Path
) -> None:
    short = "T-YL-001,王德明,330106195012123714,,,S002\n"  # grade and household missing
    report = import_paper_forms(core, _write(tmp_path / "f.csv", HEADER + short))
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "这一行只有6格，表头有8列（缺少 grade, household）：请核对是否漏了逗号。")
    ]
    assert _application_count(core) == 0


# -- 7.4 control characters: rejected by the core for every channel ----------------------------


def test_control_characters_in_names_and_addresses_are_rejected_on_every_channel(
    core: KioskCore, tmp_path: Path
) -> None:
    # CSV: ESC @ in a name, NUL in an address, a multi-line name from an unpaired quote.
    esc_name = GOOD.replace("张桂英", "张\x1b@桂英")
    nul_address = GOOD_2.replace(",,,S002", ",,浙江省杭州市\x00西湖区,S002")
    report = import_paper_forms(core, _write(tmp_path / "f.csv", HEADER + esc_name + nul_address))
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "姓名含有不可见的控制字符，请删除后重新输入。"),
        (3, "住址含有不可见的控制字符，请删除后重新输入。"),
    ]
    # Touch screen and staff desk: the same rule in the same place.
    for channel, staff in ((Channel.SELF_SERVICE, None), (Channel.ASSISTED, "S001")):
        for applicant, field in (
            (Applicant("张\x9b桂英", ZHANG.id_number), "name"),  # C1 CSI
            (Applicant(ZHANG.name, ZHANG.id_number, address="西湖区\t12号"), "address"),
            (Applicant(ZHANG.name, ZHANG.id_number, phone="138\x1c00138000"), "phone"),
        ):
            with pytest.raises(ValidationError) as caught:
                submit_application(
                    core,
                    PENSION.code,
                    applicant,
                    {"grade": "200元", "household": "2"},
                    channel=channel,
                    staff_id=staff,
                    consent=True,
                )
            assert caught.value.field == field
            assert "控制字符" in caught.value.message
    with pytest.raises(ValidationError, match="工作人员编号含有不可见的控制字符"):
        submit_application(
            core, PENSION.code, ZHANG, {"grade": "200元", "household": "2"},
            channel=Channel.ASSISTED, staff_id="S0\x1b1", consent=True,
        )  # fmt: skip
    # Form answers of every item, whatever the field type.
    with pytest.raises(ValidationError) as caught:
        validate_form(
            PENSION,
            {
                "name": ZHANG.name,
                "id_number": ZHANG.id_number,
                "grade": "200元",
                "household": "2",
                "bank_account": "6222\x1bV\x01",
            },
        )
    assert caught.value.field == "bank_account"
    assert caught.value.message == "“银行账号”含有不可见的控制字符，请删除后重新输入。"
    # Requests and ratings: several lines are fine in free text, other control characters not.
    request = file_request(core, RequestKind.HELP, "村口路灯坏了\n一个月了")
    assert request.content == "村口路灯坏了\n一个月了"
    with pytest.raises(ValidationError, match="反映内容含有不可见的控制字符"):
        file_request(core, RequestKind.HELP, "村口路灯坏了\r\n一个月了\x1b")
    with pytest.raises(ValidationError, match="姓名含有不可见的控制字符"):
        file_request(core, RequestKind.HELP, "村口路灯坏了一个月了", name="张\x07三")
    application = submit_application(
        core, PENSION.code, ZHANG, {"grade": "200元", "household": "2"}
    )
    with pytest.raises(ValidationError, match="评价原因含有不可见的控制字符"):
        rate_application(core, application.number, RatingLevel.DISSATISFIED, "等了\x00很久")
    # Nothing of any of it was stored but the clean request and application.
    assert _application_count(core) == 1


def test_form_field_of_type_text_with_control_characters_is_rejected_with_its_label() -> None:
    from kiosk.forms import validate_field

    field = FormField("remark", "备注", FieldType.TEXT, required=False)
    assert validate_field(field, "  正常的备注  ") == "正常的备注"
    with pytest.raises(ValidationError, match="“备注”含有不可见的控制字符"):
        validate_field(field, "第一行\n第二行")  # no multi-line field type exists


# -- 7.5 / 7.6 the CLI contract ----------------------------------------------------------------


def test_import_of_a_missing_file_is_one_line_and_exit_status_1(
    kiosk_home: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such.csv"
    result = _kiosk("import", str(missing), home=kiosk_home)
    assert result.returncode == 1
    assert _one_line_error(result) == f"kiosk import: cannot read {missing}: no such file"
    assert not DataDir(kiosk_home).database.exists()  # the file is checked before the data
    as_json = _kiosk("import", str(missing), "--json", home=kiosk_home)
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    assert document["file_error"] == f"cannot read {missing}: no such file"
    assert document["queued"] == [] and document["errors"] == []


def test_import_with_an_unreadable_key_is_one_line_and_exit_status_1(
    kiosk_home: Path, tmp_path: Path
) -> None:
    KioskCore.open(DataDir(kiosk_home)).close()
    key = DataDir(kiosk_home).key_file
    key.unlink()
    key.mkdir()  # unreadable as a key whoever runs the test (root ignores file modes)
    path = _write(tmp_path / "forms.csv", HEADER + GOOD)
    result = _kiosk("import", str(path), home=kiosk_home)
    assert result.returncode == 1
    assert _one_line_error(result).startswith("kiosk import: cannot open the terminal's data: ")


def test_daily_cap_stop_is_reported_by_the_cli_with_committed_lines_and_json_keys(
    kiosk_home: Path, tmp_path: Path
) -> None:
    from kiosk.chinatime import china_date

    core = KioskCore.open(DataDir(kiosk_home))
    core.store.save_catalogue([PENSION])
    today = china_date(dt.datetime.now(dt.UTC))
    for day in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=1)):
        _set_daily_counter(core, day, 9999 - 120)  # whatever day the command runs on
    core.close()
    path = _write(tmp_path / "forms.csv", HEADER + _rows(150))
    result = _kiosk("import", str(path), "--json", home=kiosk_home)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    assert set(document) >= {"queued", "errors", "committed", "skipped", "stopped", "remaining"}
    assert [c["line"] for c in document["committed"]] == list(range(2, 102))  # batch 1 of 100
    assert document["queued"] == [c["number"] for c in document["committed"]]
    assert document["remaining"] == list(range(102, 152))
    assert "9999" in document["stopped"]
    stderr = _one_line_error(result)
    assert stderr.startswith("kiosk import: stopped: ")
    assert "Committed before stopping: 100 row(s); not imported: lines 102-151." in stderr


def test_help_docs_and_behaviour_agree_that_staff_id_is_required_without_staff(
    kiosk_home: Path, tmp_path: Path
) -> None:
    from app.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    help_text = " ".join(sub.choices["import"].format_help().split())
    assert "staff_id (required in every row unless --staff is given" in help_text
    assert "phone, address (optional)" in help_text
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    section = docs[docs.index("### `kiosk import") : docs.index("### `kiosk queue")]
    assert "`staff_id` (required in every\nrow unless `--staff` is given" in section
    assert "`phone`, `address` (optional)" in section

    core = KioskCore.open(DataDir(kiosk_home))
    core.store.save_catalogue([PENSION])
    core.close()
    no_column = _write(
        tmp_path / "a.csv",
        "service_code,name,id_number,grade,household\nT-YL-001,王德明,330106195012123714,200元,1\n",
    )
    result = _kiosk("import", str(no_column), home=kiosk_home)
    assert result.returncode == 1
    assert _one_line_error(result).startswith(
        "kiosk import: line 1: no staff_id column and no --staff"
    )
    with_staff = _kiosk("import", str(no_column), "--staff", "S001", home=kiosk_home)
    assert with_staff.returncode == 0, with_staff.stderr
    assert "queued 1 application(s)" in with_staff.stdout
    empty_cell = _write(tmp_path / "b.csv", HEADER + _rows(1).replace(",S001,", ",,"))
    result = _kiosk("import", str(empty_cell), home=kiosk_home)
    assert result.returncode == 1
    assert "line 2: 缺少代录工作人员编号" in result.stderr
