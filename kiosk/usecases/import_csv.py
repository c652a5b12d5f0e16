"""Bulk entry of paper forms collected on door-to-door visits (上门服务).

Staff export a spreadsheet to CSV. Excel on Chinese Windows writes GB18030 (or
GBK) unless told otherwise; newer versions write UTF-8 with a BOM: both are
accepted, but only when the whole file reads cleanly as one of them. A file
that is UTF-8 with a stray byte is refused whole rather than read as GB18030,
because that would queue every good row as mojibake (王刚 → 鐜嬪垰).

The whole file is read and checked before anything touches the database, so a
file-level problem (encoding, duplicate column names, a cell the CSV parser
cannot take) queues nothing. Each row is then validated on its own; good rows
are queued in one transaction per batch, so a power cut mid-import leaves
whole batches, never a half-written application. Each queued row's keyed hash
is recorded in the same transaction as its application, so running the same
file again skips what is already queued instead of filing it twice. If the
database stops taking writes (daily numbering cap, full disk, read-only file)
the import stops and the report still says exactly which lines were committed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.application import Applicant, Channel
from kiosk.core import KioskCore
from kiosk.errors import KioskError, ValidationError
from kiosk.store.import_queries import import_transaction, imported_number, record_imported
from kiosk.text_rules import has_control_characters
from kiosk.usecases.submit import submit_application

REQUIRED_COLUMNS = ("service_code", "name", "id_number")
OPTIONAL_COLUMNS = ("phone", "address")
STAFF_COLUMN = "staff_id"  # required in every row unless ``--staff`` gives a default
APPLICANT_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, STAFF_COLUMN)

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # line number in the file, header = line 1
    reason: str


@dataclass(frozen=True, slots=True)
class RowResult:
    """A row that has an application: queued by this run, or by an earlier one (skipped)."""

    line: int
    number: str


@dataclass
class ImportReport:
    """What happened to every row. ``queued`` numbers are only those whose batch committed."""

    queued: list[str] = field(default_factory=list)  # application numbers, in file order
    errors: list[RowError] = field(default_factory=list)
    committed: list[RowResult] = field(default_factory=list)  # the lines behind ``queued``
    skipped: list[RowResult] = field(default_factory=list)  # already imported earlier
    stopped: str | None = None  # why the import stopped before the end of the file
    remaining: list[int] = field(default_factory=list)  # lines not imported because it stopped

    @property
    def ok(self) -> bool:
        return not self.errors and self.stopped is None


class ImportFileError(KioskError):
    """The file as a whole cannot be imported (unreadable, encoding, columns); nothing was queued."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One record of the file: its first physical line, and its cells or why it is unusable."""

    line: int
    cells: dict[str, str]
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ImportFile:
    """A file that passed every whole-file check; rows may still be rejected one by one."""

    path: Path
    encoding: str  # "utf-8", "utf-8-sig" or "gb18030"
    rows: tuple[CsvRow, ...]


# -- reading the file -------------------------------------------------------------------------


def read_import_file(path: Path) -> bytes:
    """The file's bytes, or an :class:`ImportFileError` saying in one line why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        reason = "no such file"
    except IsADirectoryError:
        reason = "it is a directory"
    except PermissionError:
        reason = "permission denied"
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
    raise ImportFileError(f"cannot read {path}: {reason}")


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _first_bad_utf8(raw: bytes, start: int) -> int:
    try:
        raw[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        return start + exc.start
    return -1  # pragma: no cover - only called on a file that failed to decode


def _encoding_error(raw: bytes, offset: int, why: str) -> ImportFileError:
    return ImportFileError(
        f"line {_line_of(raw, offset)}: not valid UTF-8 at byte {offset} ({why}); "
        "nothing imported. 请在表格软件中另存为“CSV UTF-8”文件后重新导入。"
    )


def _has_cjk_sequences(text: str) -> bool:
    """Any character of three or more UTF-8 bytes (every Hanzi is one)."""
    return any(ord(ch) >= 0x800 for ch in text)


def decode_csv(raw: bytes) -> tuple[str, str]:
    """The file's text and its encoding, decided for the whole file or not at all.

    - With a UTF-8 BOM, the file must be UTF-8 throughout.
    - A file that decodes strictly as UTF-8 is UTF-8, unless its only non-ASCII
      text is two-byte sequences (no Hanzi) while GB18030 reads it cleanly too:
      that is a short GB18030 file that happens to be valid UTF-8, and guessing
      either way could queue mojibake, so it is refused.
    - A file that does not decode as UTF-8 is GB18030 only if it decodes strictly
      as GB18030 and is not a broken UTF-8 file: a UTF-8 file with a stray byte
      still holds far more valid three-byte sequences (Hanzi) than bad bytes,
      while GB18030 text read as UTF-8 yields a bad byte for nearly every
      character and only the odd accidental three-byte sequence.
    """
    if raw.startswith(_BOM):
        try:
            return raw[len(_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            offset = len(_BOM) + exc.start
            raise _encoding_error(raw, offset, "the file starts with a UTF-8 BOM") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        if _has_cjk_sequences(text) or text.isascii():
            return text.removeprefix("\ufeff"), "utf-8"
        try:
            as_gb = raw.decode("gb18030")
        except UnicodeDecodeError:
            return text, "utf-8"
        if not _has_cjk_sequences(as_gb):
            return text, "utf-8"
        offset = next(i for i, byte in enumerate(raw) if byte >= 0x80)
        raise ImportFileError(
            f"line {_line_of(raw, offset)}: cannot tell whether this file is UTF-8 or GB18030 "
            "(it reads cleanly as both); nothing imported. "
            "请在表格软件中另存为“CSV UTF-8”文件后重新导入。"
        )
    lenient = raw.decode("utf-8", errors="surrogateescape")
    bad_bytes = sum(1 for ch in lenient if "\udc80" <= ch <= "\udcff")
    good_sequences = sum(1 for ch in lenient if ord(ch) >= 0x800 and not "\ud800" <= ch <= "\udfff")
    if good_sequences >= bad_bytes:
        raise _encoding_error(
            raw, first_bad, "the rest of the file is UTF-8, so it is not read as GB18030"
        )
    try:
        return raw.decode("gb18030").removeprefix("\ufeff"), "gb18030"
    except UnicodeDecodeError:
        raise _encoding_error(raw, first_bad, "and not cleanly GB18030") from None


# -- parsing ----------------------------------------------------------------------------------


def _check_header(header: list[str], default_staff_id: str | None) -> list[str]:
    names = [name.strip() for name in header]
    for index, name in enumerate(names, start=1):
        if has_control_characters(name):
            raise ImportFileError(
                f"line 1: the name of column {index} contains control characters; "
                "nothing imported. 请删除列名中的不可见字符。"
            )
    seen: dict[str, int] = {}
    for index, name in enumerate(names, start=1):
        if not name:
            continue
        if name in seen:
            raise ImportFileError(
                f'line 1: column "{name}" appears twice (columns {seen[name]} and {index}); '
                "nothing imported. 请删除或改名重复的列。"
            )
        seen[name] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise ImportFileError(
            f"line 1: missing required column(s) {', '.join(missing)}; nothing imported. "
            f"缺少必需的列：{', '.join(missing)}"
        )
    if STAFF_COLUMN not in seen and not default_staff_id:
        raise ImportFileError(
            "line 1: no staff_id column and no --staff given: every row needs the number "
            "of the staff member who collected the form; nothing imported. "
            "请增加 staff_id 列，或用 --staff 指定代录工作人员编号。"
        )
    return names


def _row(line: int, header: list[str], cells: list[str]) -> CsvRow:
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        return CsvRow(
            line,
            {},
            f"这一行有{len(cells)}格，表头只有{len(header)}列：多出的内容无处可放，"
            "请核对是否多了逗号或漏了列名。",
        )
    if len(cells) < len(header):
        absent = [name for name in header[len(cells) :] if name]
        return CsvRow(
            line,
            {},
            f"这一行只有{len(cells)}格，表头有{len(header)}列（缺少 {', '.join(absent)}）："
            "请核对是否漏了逗号。",
        )
    record: dict[str, str] = {}
    for index, (name, value) in enumerate(zip(header, cells, strict=False), start=1):
        if not name:
            if value.strip():
                return CsvRow(line, {}, f"第{index}列没有列名，但这一行在该列填了内容。")
            continue
        record[name] = value.strip()
    return CsvRow(line, record)


def parse_csv(text: str, default_staff_id: str | None = None) -> tuple[CsvRow, ...]:
    """Every non-blank record with the line it starts on; whole-file problems raise.

    The CSV parser's own errors (a cell over its 128 KiB limit, usually an
    unpaired quote swallowing the rest of the file) leave the record
    boundaries unknown, so the file is refused rather than guessed at.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[CsvRow] = []
    header: list[str] | None = None
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if header is None:
                if not cells:
                    continue  # blank lines before the header
                header = _check_header(cells, default_staff_id)
                continue
            if not any(c.strip() for c in cells):
                continue  # blank line at the end of a spreadsheet export
            rows.append(_row(start, header, cells))
    except csv.Error as exc:
        detail = str(exc)
        if "field larger than field limit" in detail:
            detail = f"a cell is larger than {csv.field_size_limit() // 1024} KiB"
        raise ImportFileError(
            f"line {line}: {detail}; nothing imported. 请检查是否有未配对的引号。"
        ) from None
    if header is None:
        raise ImportFileError("line 1: the file is empty; nothing imported. 文件是空的。")
    return tuple(rows)


def load_import_file(path: Path, *, default_staff_id: str | None = None) -> ImportFile:
    """Read, decode and parse ``path``: every whole-file check, before the database is touched."""
    text, encoding = decode_csv(read_import_file(path))
    return ImportFile(path, encoding, parse_csv(text, default_staff_id))


# -- importing --------------------------------------------------------------------------------


def row_hash(core: KioskCore, cells: dict[str, str]) -> str:
    """The keyed hash that says "this row was imported already".

    Over the canonical row (NFC, trimmed, empty cells dropped, ID number without
    spaces and upper-cased) and the service code, excluding ``staff_id``: who
    typed the paper form in does not make it a different application. Keyed with
    the store cipher, so the ledger cannot be turned back into names or ID numbers.
    """
    canonical = {
        name: unicodedata.normalize("NFC", value)
        for name, value in cells.items()
        if value and name != STAFF_COLUMN
    }
    if "id_number" in canonical:
        canonical["id_number"] = re.sub(r"\s+", "", canonical["id_number"]).upper()
    body = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return core.store.cipher.lookup_hash(f"import-row\x1f{cells.get('service_code', '')}\x1f{body}")


def import_paper_forms(
    core: KioskCore, path: Path, *, default_staff_id: str | None = None, batch_size: int = 100
) -> ImportReport:
    """Import one file; raises :class:`ImportFileError` (nothing queued) for a whole-file problem."""
    parsed = load_import_file(path, default_staff_id=default_staff_id)
    return import_rows(core, parsed, default_staff_id=default_staff_id, batch_size=batch_size)


def import_rows(
    core: KioskCore,
    parsed: ImportFile,
    *,
    default_staff_id: str | None = None,
    batch_size: int = 100,
) -> ImportReport:
    """Queue the good rows of a parsed file, batch by batch, stopping cleanly if the store fails."""
    report = ImportReport()
    rows = list(parsed.rows)
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        try:
            _import_batch(core, batch, default_staff_id, report)
        except KioskError as exc:  # StoreError: daily numbering cap, disk full, read-only database
            report.stopped = str(exc)
            rejected = {e.line for e in report.errors}
            report.remaining = [row.line for row in rows[start:] if row.line not in rejected]
            break
    return report


def _import_batch(
    core: KioskCore, batch: list[CsvRow], default_staff_id: str | None, report: ImportReport
) -> None:
    committed: list[RowResult] = []
    skipped: list[RowResult] = []
    conn = core.store.conn
    with import_transaction(conn):
        for row in batch:
            if row.error is not None:
                report.errors.append(RowError(row.line, row.error))
                continue
            record = row.cells
            key = row_hash(core, record)
            earlier = imported_number(conn, key)
            if earlier is not None:
                skipped.append(RowResult(row.line, earlier))
                continue
            staff = record.get(STAFF_COLUMN) or default_staff_id
            if not staff:
                report.errors.append(
                    RowError(row.line, "缺少代录工作人员编号（staff_id 列或 --staff 参数）")
                )
                continue
            answers = {k: v for k, v in record.items() if k not in APPLICANT_COLUMNS and v}
            try:
                # A savepoint: the application and its ledger row exist together or not at all.
                with conn.write():
                    application = submit_application(
                        core,
                        record["service_code"],
                        Applicant(
                            name=record["name"],
                            id_number=record["id_number"],
                            phone=record.get("phone", ""),
                            address=record.get("address", ""),
                        ),
                        answers,
                        channel=Channel.PAPER,
                        staff_id=staff,
                        consent=True,  # the resident signed the paper form
                    )
                    record_imported(conn, key, application.number, core.clock())
            except ValidationError as exc:
                report.errors.append(RowError(row.line, exc.message))
                continue
            committed.append(RowResult(row.line, application.number))
    # Only once the batch has committed: a stopped import never reports what it rolled back.
    report.committed.extend(committed)
    report.queued.extend(r.number for r in committed)
    report.skipped.extend(skipped)
