"""Terminal health: online state, alerts and severity — one function for list, tiles and page.

Why one module: a fleet tool with two definitions of "offline" (list vs summary) shows a
terminal green in one place and red in another (06-console.md pitfall 5). Every page asks
:func:`assess`; nothing else compares ages against thresholds.

Thresholds follow 06-console.md (c), tuned against alert fatigue:

- a heartbeat every ``HEARTBEAT_S`` (the kiosk's default, 5 min); *late* after two missed
  beats plus a minute (display only: village power and networks drop for minutes);
  *offline* alert after 2 h; *missing* (critical) after 7 days;
- printer: paper out, cover open, offline/no answer/disconnected/error are critical (the
  terminal cannot give receipts); paper near end is a warning;
- card reader disconnected is critical (residents cannot use their ID card); a camera
  missing is a warning (only some items need it);
- quarantined items > 0 are critical (they need a human); oldest unsent item older than
  24 h is a warning, 72 h critical;
- free disk < 2 GB warning, < 500 MB critical; clock skew > 60 s warning, > 5 min critical
  (receipts and request signatures carry the time);
- a kiosk version older than the newest in the fleet is a warning.

While a terminal is offline its device, queue and disk alerts are suppressed (they describe
the past; the offline alert stands for them, like Zabbix's "depends on").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

HEARTBEAT_S = 300.0
LATE_AFTER_S = 2 * HEARTBEAT_S + 60
OFFLINE_ALERT_S = 2 * 3600.0
MISSING_S = 7 * 86400.0
NEVER_GRACE_S = 2 * 3600.0
"""A terminal enrolled this long ago that never sent a heartbeat is worth a look."""
UNSENT_WARN_S = 24 * 3600.0
UNSENT_CRITICAL_S = 72 * 3600.0
DISK_WARN_BYTES = 2 * 1024**3
DISK_CRITICAL_BYTES = 500 * 1024**2
SKEW_WARN_S = 60.0
SKEW_CRITICAL_S = 300.0


class Severity(IntEnum):
    OK = 0
    WARNING = 1
    CRITICAL = 2

    @property
    def css(self) -> str:
        return {0: "ok", 1: "warning", 2: "critical"}[int(self)]

    @property
    def label(self) -> str:
        return {0: "正常", 1: "注意", 2: "故障"}[int(self)]


PRINTER_WORDS = {
    "ready": "正常",
    "paper_near_end": "纸将用完",
    "no_paper": "缺纸",
    "cover_open": "纸仓盖未关",
    "offline": "离线",
    "no_answer": "无应答",
    "disconnected": "未连接",
    "error": "故障",
}
READER_WORDS = {
    "no_card": "正常",
    "reading": "正在读卡",
    "card_present": "卡在读卡器上",
    "disconnected": "未连接",
    "error": "故障",
}
CAMERA_WORDS = {
    "ready": "正常",
    "no_image": "正常（无新照片）",
    "disconnected": "未连接",
    "error": "故障",
}
_PRINTER_SEVERITY = {
    "ready": Severity.OK,
    "paper_near_end": Severity.WARNING,
}
_READER_SEVERITY = {
    "no_card": Severity.OK,
    "reading": Severity.OK,
    "card_present": Severity.OK,
    "error": Severity.WARNING,
}
_CAMERA_SEVERITY = {"ready": Severity.OK, "no_image": Severity.OK}


@dataclass(frozen=True)
class Alert:
    """One open alert: ``rule`` is stable (filters, tests), ``text`` is what staff read."""

    rule: str
    severity: Severity
    text: str


@dataclass
class Health:
    """How one terminal stands right now."""

    state: str  # "online" | "late" | "offline" | "missing" | "never" | "revoked"
    state_label: str
    age_s: float | None
    alerts: list[Alert] = field(default_factory=list)

    @property
    def state_css(self) -> str:
        """The colour of the state word alone (online is green even with a printer alert)."""
        return {"online": "ok", "late": "warning", "never": "warning", "offline": "warning",
                "missing": "critical"}.get(self.state, "muted")  # fmt: skip

    @property
    def severity(self) -> Severity:
        if self.state == "revoked":
            return Severity.OK
        return max((a.severity for a in self.alerts), default=Severity.OK)


_STATE_LABELS = {
    "online": "在线",
    "late": "心跳延迟",
    "offline": "离线",
    "missing": "失联",
    "never": "从未上报",
    "revoked": "已停用",
}


def version_key(version: str) -> tuple[int, ...]:
    """``0.10.2`` > ``0.9.9``: numeric parts compared as numbers (a missing part counts 0)."""
    return tuple(int(n) for n in re.findall(r"\d+", version or ""))


def newest_version(rows: list[dict[str, Any]]) -> str:
    versions = [str(r.get("kiosk_version") or "") for r in rows if not r.get("revoked_at")]
    versions = [v for v in versions if version_key(v)]
    return max(versions, key=version_key, default="")


def assess(row: dict[str, Any], now: float, fleet_newest: str = "") -> Health:
    """The health of one :meth:`central.db.CentralDB.fleet` row at ``now``."""
    if row.get("revoked_at"):
        return Health("revoked", _STATE_LABELS["revoked"], None)
    received = row.get("received_at")
    if received is None:
        health = Health("never", _STATE_LABELS["never"], None)
        enrolled = float(row.get("enrolled_at") or now)
        if now - enrolled > NEVER_GRACE_S:
            health.alerts.append(Alert("never", Severity.WARNING, "登记后从未上报心跳"))
        return health
    age = max(0.0, now - float(received))
    if age > MISSING_S:
        state = "missing"
    elif age > OFFLINE_ALERT_S:
        state = "offline"
    elif age > LATE_AFTER_S:
        state = "late"
    else:
        state = "online"
    health = Health(state, _STATE_LABELS[state], age)
    alerts = health.alerts
    if state == "missing":
        alerts.append(Alert("missing", Severity.CRITICAL, f"失联超过 {int(MISSING_S // 86400)} 天"))
    elif state == "offline":
        alerts.append(
            Alert("offline", Severity.WARNING, f"离线超过 {int(OFFLINE_ALERT_S // 3600)} 小时")
        )
    quarantined = int(row.get("quarantined") or 0)
    if quarantined > 0:
        alerts.append(
            Alert("quarantined", Severity.CRITICAL, f"{quarantined} 件办件被隔离，需人工处理")
        )
    if state in ("online", "late"):
        alerts.extend(_live_alerts(row))
    version = str(row.get("kiosk_version") or "")
    if fleet_newest and version_key(version) and version_key(version) < version_key(fleet_newest):
        alerts.append(
            Alert("version", Severity.WARNING, f"软件版本 {version} 低于最新版本 {fleet_newest}")
        )
    alerts.sort(key=lambda a: -a.severity)
    return health


def _live_alerts(row: dict[str, Any]) -> list[Alert]:
    """Alerts from what a recent heartbeat says (devices, queue, disk, clock)."""
    alerts: list[Alert] = []
    printer = str(row.get("printer") or "")
    if printer:
        sev = _PRINTER_SEVERITY.get(printer, Severity.CRITICAL)
        if sev:
            alerts.append(Alert("printer", sev, "打印机" + PRINTER_WORDS.get(printer, printer)))
    reader = str(row.get("card_reader") or "")
    if reader:
        sev = _READER_SEVERITY.get(reader, Severity.CRITICAL)
        if sev:
            alerts.append(Alert("reader", sev, "读卡器" + READER_WORDS.get(reader, reader)))
    camera = str(row.get("camera") or "")
    if camera and _CAMERA_SEVERITY.get(camera, Severity.WARNING):
        alerts.append(
            Alert("camera", Severity.WARNING, "高拍仪" + CAMERA_WORDS.get(camera, camera))
        )
    oldest = row.get("oldest_unsent_age_s")
    if oldest is not None and float(oldest) > UNSENT_WARN_S:
        sev = Severity.CRITICAL if float(oldest) > UNSENT_CRITICAL_S else Severity.WARNING
        alerts.append(
            Alert("unsent", sev, f"最早未上传的办件已等待 {int(float(oldest) // 3600)} 小时")
        )
    disk = row.get("free_disk_bytes")
    if disk is not None and int(disk) < DISK_WARN_BYTES:
        sev = Severity.CRITICAL if int(disk) < DISK_CRITICAL_BYTES else Severity.WARNING
        alerts.append(Alert("disk", sev, f"磁盘剩余空间不足（{int(disk) // 1024**2} MB）"))
    skew = row.get("clock_skew_s")
    if skew is not None and abs(float(skew)) > SKEW_WARN_S:
        sev = Severity.CRITICAL if abs(float(skew)) > SKEW_CRITICAL_S else Severity.WARNING
        alerts.append(Alert("clock", sev, f"终端时钟偏差 {int(float(skew))} 秒"))
    return alerts


_FIELD_WORDS = {
    "printer": ("打印机", PRINTER_WORDS),
    "card_reader": ("读卡器", READER_WORDS),
    "camera": ("高拍仪", CAMERA_WORDS),
    "kiosk_version": ("软件版本", {}),
    "os": ("操作系统", {}),
    "settings_revision": ("配置版本", {}),
}
ACTION_WORDS = {
    "terminal.revoke": "停用终端",
    "terminal.enrol_code": "签发替换终端登记码",
}


def event_text(field_name: str, old: str, new: str) -> str:
    """A terminal event in words: ``打印机：正常 → 缺纸``."""
    label, words = _FIELD_WORDS.get(field_name, (field_name, {}))
    return f"{label}：{words.get(old, old) or '无'} → {words.get(new, new) or '无'}"
