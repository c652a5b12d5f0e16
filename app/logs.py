"""The kiosk's logs: JSON lines, rotated by size, and free of personal data.

Every record passes through :class:`RedactingFilter` before any handler sees
it: 18- and 15-digit ID numbers, mobile numbers, landlines, e-mail addresses and
the personal values the running session registered (a resident's name and
address from the card) are replaced by ``[ID]``, ``[PHONE]``… in the message,
its arguments, extra fields and exception text. The formatter redacts its final
line once more, so a value that slipped in through a field we did not foresee
is still caught.

Logs are rotated by the process itself (:class:`~logging.handlers.RotatingFileHandler`),
so no logrotate configuration is needed and a power cut cannot leave the
rotation half done. ``export_logs`` copies them to a USB stick, redacted again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import re
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kiosk.atomic import atomic_writer

LOG_FILE_NAME = "kiosk.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5

# Digits not preceded or followed by another digit: Chinese characters count as
# word characters in Python, so ``\b`` would miss "身份证110101199003074518".
_ID18 = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{2}[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
_ID15 = re.compile(r"(?<![0-9])[1-9][0-9]{14}(?![0-9])")
_ANY18 = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}-[0-9]{7,8}(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_ID18, "[ID]"),
    (_ANY18, "[ID]"),
    (_ID15, "[ID]"),
    (_MOBILE, "[PHONE]"),
    (_LANDLINE, "[PHONE]"),
    (_EMAIL, "[EMAIL]"),
)

# Attributes every LogRecord has; anything else came in through ``extra=``.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime", "taskName"}


class KnownValues:
    """Personal values of the current session (name, address…) to redact wherever they appear.

    The resident UI registers them when a card is read and calls :meth:`clear`
    when the session is wiped. Thread-safe: card readers log from their own thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()

    def add(self, *values: str | None) -> None:
        with self._lock:
            for value in values:
                if value and len(value.strip()) >= 2:
                    self._values.add(value.strip())

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def snapshot(self) -> list[str]:
        with self._lock:
            return sorted(self._values, key=len, reverse=True)


def redact(text: str, known: Iterable[str] = ()) -> str:
    """``text`` without ID numbers, phone numbers, e-mail addresses or any of ``known``."""
    for value in known:
        if value:
            text = text.replace(value, "[PERSONAL]")
    for pattern, mark in _PATTERNS:
        text = pattern.sub(mark, text)
    return text


def contains_personal_data(text: str, known: Iterable[str] = ()) -> bool:
    """True when :func:`redact` would change ``text``."""
    return redact(text, known) != text


class RedactingFilter(logging.Filter):
    """Rewrites each record in place so no handler can see personal data."""

    def __init__(self, known: KnownValues | None = None) -> None:
        super().__init__()
        self.known = known or KnownValues()

    def filter(self, record: logging.LogRecord) -> bool:
        known = self.known.snapshot()
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message, known)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), known)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, known)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS:
                setattr(record, key, _redact_value(value, known))
        return True


def _redact_value(value: Any, known: list[str]) -> Any:
    if isinstance(value, str):
        return redact(value, known)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _redact_value(v, known) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v, known) for v in value]
    return redact(repr(value), known)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, extra fields, exception."""

    def __init__(self, known: KnownValues | None = None) -> None:
        super().__init__()
        self.known = known or KnownValues()

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in entry:
                entry[key] = value if _json_safe(value) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        line = json.dumps(entry, ensure_ascii=False, default=repr)
        return redact(line, self.known.snapshot())


def _json_safe(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


class LogSetup:
    """What :func:`setup_logging` installed, so tests and the app can remove it again."""

    def __init__(self, handlers: list[logging.Handler], known: KnownValues, path: Path) -> None:
        self.handlers = handlers
        self.known = known
        self.path = path

    def close(self) -> None:
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            handler.close()


SESSION_VALUES = KnownValues()
"""The running process's personal values: shared by the console and the file log."""


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is now (tests and tools swap it), like logging's last resort."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def console_handler(level: int, known: KnownValues = SESSION_VALUES) -> logging.Handler:
    """A stderr handler that redacts like the file log (stderr ends up in the journal)."""
    console = _CurrentStderrHandler()
    console.setLevel(level)
    console.addFilter(RedactingFilter(known))
    console.setFormatter(
        _RedactingTextFormatter(known, "%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    return console


def setup_logging(
    logs_dir: Path,
    *,
    level: int = logging.INFO,
    stderr_level: int | None = logging.WARNING,
    known: KnownValues | None = None,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
) -> LogSetup:
    """Install the rotating JSON-lines file handler (and a redacted stderr handler) on the root logger.

    The directory is created owner-only: even redacted logs describe the terminal's use.
    """
    logs_dir.mkdir(parents=True, exist_ok=True)
    logs_dir.chmod(0o700)
    known = known or KnownValues()
    path = logs_dir / LOG_FILE_NAME
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    file_handler.setLevel(level)
    file_handler.addFilter(RedactingFilter(known))
    file_handler.setFormatter(JsonFormatter(known))
    handlers: list[logging.Handler] = [file_handler]
    if stderr_level is not None:
        handlers.append(console_handler(stderr_level, known))
    root = logging.getLogger()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(min(level, stderr_level if stderr_level is not None else level))
    return LogSetup(handlers, known, path)


class _RedactingTextFormatter(logging.Formatter):
    def __init__(self, known: KnownValues, fmt: str) -> None:
        super().__init__(fmt)
        self.known = known

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.known.snapshot())


def log_files(logs_dir: Path) -> list[Path]:
    """The current log and its rotated predecessors, oldest first."""
    files = sorted(logs_dir.glob(LOG_FILE_NAME + ".*"), key=_rotation_index, reverse=True)
    current = logs_dir / LOG_FILE_NAME
    return [*files, current] if current.exists() else files


def _rotation_index(path: Path) -> int:
    suffix = path.name.rsplit(".", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def export_logs(logs_dir: Path, target: Path, *, terminal_code: str, now: dt.datetime) -> Path:
    """Copy the logs into ``target/kiosk-logs-<terminal>-<time>.jsonl``, redacted once more.

    Lines that are not JSON (a torn last line after a power cut) are kept as a
    redacted ``{"raw": ...}`` object so the export is always valid JSON lines.
    Returns the written file.
    """
    if not target.is_dir():
        raise FileNotFoundError(f"目录不存在：{target}")
    out = target / f"kiosk-logs-{terminal_code}-{now:%Y%m%dT%H%M%SZ}.jsonl"
    # fsync'd before the rename: the technician pulls the USB stick right after the message.
    with atomic_writer(out, suffix=".part") as sink:
        for path in log_files(logs_dir):
            with path.open(encoding="utf-8", errors="replace") as source:
                for raw_line in source:
                    line = raw_line.rstrip("\n")
                    if not line:
                        continue
                    try:
                        json.loads(line)
                        text = redact(line)
                    except ValueError:
                        text = json.dumps({"raw": redact(line)}, ensure_ascii=False)
                    sink.write(text.encode("utf-8") + b"\n")
    return out
