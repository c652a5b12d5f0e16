"""Bulk entry of paper forms collected on door-to-door visits (上门服务).

Staff export a spreadsheet to CSV. Excel on Chinese Windows writes GB18030 (or
GBK) unless told otherwise; newer versions write UTF-8 with a BOM: both are
accepted. Each row is validated on its own; good rows are queued in one
transaction per batch, so a power cut mid-import leaves whole batches, never a
half-written application, and every bad row is reported with its line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.application import Applicant, Channel
from kiosk.core import KioskCore
from kiosk.errors import KioskError, ValidationError
from kiosk.usecases.submit import submit_application

REQUIRED_COLUMNS = ("service_code", "name", "id_number")
OPTIONAL_COLUMNS = ("phone", "address", "staff_id")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # line number in the file, header = line 1
    reason: str


@dataclass
class ImportReport:
    queued: list[str] = field(default_factory=list)  # application numbers
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(KioskError):
    """The file as a whole cannot be read (encoding, missing columns)."""


def decode_csv(raw: bytes) -> str:
    """UTF-8 (with or without BOM) first, since it fails loudly on GB bytes; then GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError(
            "文件编码无法识别：请保存为 UTF-8 或 GB18030 编码的 CSV 文件。"
        ) from None


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None:
        raise ImportFileError("文件是空的。")
    headers = [h.strip() for h in reader.fieldnames]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ImportFileError(f"缺少必需的列：{', '.join(missing)}")
    reader.fieldnames = headers
    for record in reader:
        # line_num counts physical lines, so quoted multi-line cells keep numbers right
        yield reader.line_num, {k: (v or "").strip() for k, v in record.items() if k is not None}


def import_paper_forms(
    core: KioskCore, path: Path, *, default_staff_id: str | None = None, batch_size: int = 100
) -> ImportReport:
    text = decode_csv(path.read_bytes())
    report = ImportReport()
    batch: list[tuple[int, dict[str, str]]] = []
    for line, record in _rows(text):
        if not any(record.values()):
            continue  # blank line at the end of a spreadsheet export
        batch.append((line, record))
        if len(batch) >= batch_size:
            _import_batch(core, batch, default_staff_id, report)
            batch = []
    if batch:
        _import_batch(core, batch, default_staff_id, report)
    return report


def _import_batch(
    core: KioskCore,
    batch: list[tuple[int, dict[str, str]]],
    default_staff_id: str | None,
    report: ImportReport,
) -> None:
    queued: list[str] = []
    # One transaction per batch; each submission inside it is a savepoint.
    with core.store.conn.write():
        for line, record in batch:
            staff = record.get("staff_id") or default_staff_id
            if not staff:
                report.errors.append(
                    RowError(line, "缺少代录工作人员编号（staff_id 列或 --staff 参数）")
                )
                continue
            answers = {
                k: v
                for k, v in record.items()
                if k not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS and v
            }
            try:
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
            except ValidationError as exc:
                report.errors.append(RowError(line, exc.message))
                continue
            queued.append(application.number)
    report.queued.extend(queued)  # only once the batch has committed
