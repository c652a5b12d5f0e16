"""Diagnostics (``kiosk doctor`` and the technician's 诊断 screen): pure rules over facts.

The caller gathers facts through *probes* (callables: device factories, the sync
engine's status, the store, ``shutil.disk_usage``) and :func:`diagnose` turns
each into a :class:`Check` with a status and, when it is not ok, what to do, in
Chinese. A probe that raises becomes a failed check of its own key, so one
broken device cannot hide the others. Nothing here does I/O.

The JSON shape (``Report.to_json``) is a contract documented in
docs/staff-and-technician.md: keys are stable English, texts are Chinese.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk.errors import StoreError


class CheckStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"ok": "正常", "warning": "注意", "failed": "故障"}[self.value]


_SEVERITY = {CheckStatus.OK: 0, CheckStatus.WARNING: 1, CheckStatus.FAILED: 2}


class CheckKey(StrEnum):
    """Stable keys of the checks, in display order."""

    CARD_READER = "card_reader"
    RECEIPT_PRINTER = "receipt_printer"
    A4_PRINTER = "a4_printer"
    VOICE = "voice"
    NETWORK = "network"
    LAST_SYNC = "last_sync"
    QUEUE = "queue"
    DISK = "disk"
    DATABASE = "database"
    DATA_KEY = "data_key"
    CLOCK = "clock"
    VERSIONS = "versions"

    @property
    def label(self) -> str:
        """The check's name on screen."""
        return _TITLES[self]


_TITLES = {
    CheckKey.CARD_READER: "身份证读卡器",
    CheckKey.RECEIPT_PRINTER: "回执打印机",
    CheckKey.A4_PRINTER: "A4 打印机",
    CheckKey.VOICE: "语音朗读",
    CheckKey.NETWORK: "网络连接",
    CheckKey.LAST_SYNC: "最近同步",
    CheckKey.QUEUE: "待发送队列",
    CheckKey.DISK: "磁盘空间",
    CheckKey.DATABASE: "数据库完整性",
    CheckKey.DATA_KEY: "数据密钥",
    CheckKey.CLOCK: "时钟",
    CheckKey.VERSIONS: "软件与事项目录版本",
}


@dataclass(frozen=True, slots=True)
class Check:
    key: CheckKey
    status: CheckStatus
    detail: str  # what was found, Chinese
    action: str = ""  # what to do, Chinese; empty when ok
    data: dict[str, Any] = field(default_factory=dict)  # measured values, stable English keys

    @property
    def title(self) -> str:
        return self.key.label

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key.value,
            "status": self.status.value,
            "title": self.title,
            "detail": self.detail,
            "action": self.action,
            "data": self.data,
        }


EXIT_OK = 0
EXIT_FAILED = 1
EXIT_WARNINGS = 2


@dataclass(frozen=True, slots=True)
class Report:
    checked_at: dt.datetime
    checks: tuple[Check, ...]

    @property
    def status(self) -> CheckStatus:
        worst = max((_SEVERITY[c.status] for c in self.checks), default=0)
        return next(s for s, n in _SEVERITY.items() if n == worst)

    @property
    def exit_code(self) -> int:
        """0 all ok, 1 anything failed, 2 only warnings."""
        return {CheckStatus.OK: EXIT_OK, CheckStatus.FAILED: EXIT_FAILED}.get(
            self.status, EXIT_WARNINGS
        )

    def check(self, key: CheckKey) -> Check:
        return next(c for c in self.checks if c.key is key)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "checked_at": self.checked_at.isoformat(timespec="seconds"),
            "checks": [c.to_json() for c in self.checks],
        }


# -- facts --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceFact:
    """One device as its factory and status call saw it."""

    configured: bool  # False: no URL in the settings (optional devices only)
    url: str = ""
    status: str = ""  # the device's closed status value, e.g. "ready", "no_paper", "no_card"
    usable: bool = False  # the status lets the kiosk work (a reader with no card is usable)
    degraded: bool = False  # usable, but needs attention soon (paper near end)
    message: str = ""  # the device's own Chinese status message
    tested: bool = True  # False: skipped (``kiosk doctor --skip-devices``)
    problem: str = ""  # why it is unusable, when the device said (e.g. PORT_DENIED)


@dataclass(frozen=True, slots=True)
class VoiceFact:
    """Read-aloud: switched on in the settings, and whether speech-dispatcher answered."""

    enabled: bool  # ``ui.voice``; False: no check at all
    tested: bool = True
    problem: str = ""  # why it cannot speak (the adapter's English words); "" if it answered
    engine: str = ""


@dataclass(frozen=True, slots=True)
class NetworkFact:
    provisioned: bool
    reachable: bool | None = None  # None: not tested
    detail: str = ""  # e.g. "TCP 连接超时" (no personal data)
    tls_problem: str = ""  # the CA bundle or the secret file cannot be used (Chinese): no sync


@dataclass(frozen=True, slots=True)
class SyncFact:
    provisioned: bool
    last_success_at: dt.datetime | None = None
    auth_paused: bool = False
    last_error: str = ""
    auth_reason: str = ""  # Chinese: why the platform refuses this terminal
    connection: str = "unknown"  # kiosk.sync_health.ConnectionState value of the latest round
    record_problem: str = ""  # the engine's health record exists but cannot be read


@dataclass(frozen=True, slots=True)
class QueueFact:
    depth: int
    oldest_unsent_at: dt.datetime | None
    quarantined: int
    unreadable: int = 0  # items whose stored data cannot be decrypted (quarantined or pending)


@dataclass(frozen=True, slots=True)
class DiskFact:
    free_bytes: int
    total_bytes: int
    store_full: bool = False  # the store itself just failed to write: the disk is full


@dataclass(frozen=True, slots=True)
class DatabaseFact:
    ok: bool
    problem: str = ""  # the store error's Chinese message
    kind: str = ""  # kiosk.errors StoreError.kind: corrupt, disk_full, read_only, missing, ...
    wal_missing: bool = False  # the WAL file was deleted after an unclean stop (ok: checkpointed)


@dataclass(frozen=True, slots=True)
class DataKeyFact:
    """``data.key`` as the store judged it when binding it to the database."""

    ok: bool
    problem: str = ""  # the key error's Chinese message
    kind: str = ""  # key_missing, key_invalid, wrong_key


@dataclass(frozen=True, slots=True)
class ClockFact:
    skew_s: float | None  # platform time minus terminal time, from the last exchange
    jump_s: float | None = None  # a recorded wall-clock jump, if any


@dataclass(frozen=True, slots=True)
class VersionFact:
    software: str
    catalogue_items: int
    catalogue_cursor: str = ""  # the platform's catalogue cursor; empty: sample catalogue only


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits of the checks, each with its unit."""

    oldest_unsent_warn_s: float = 3600.0
    oldest_unsent_fail_s: float = 24 * 3600.0
    last_sync_warn_s: float = 6 * 3600.0
    last_sync_fail_s: float = 3 * 24 * 3600.0
    disk_warn_bytes: int = 1024**3
    disk_fail_bytes: int = 200 * 1024**2
    skew_warn_s: float = 60.0
    skew_fail_s: float = 600.0


@dataclass(frozen=True, slots=True)
class Probes:
    """Where each fact comes from; the composition root (``app``) builds the real ones."""

    card_reader: Callable[[], DeviceFact]
    receipt_printer: Callable[[], DeviceFact]
    a4_printer: Callable[[], DeviceFact]
    network: Callable[[], NetworkFact]
    sync: Callable[[], SyncFact]
    queue: Callable[[], QueueFact]
    disk: Callable[[], DiskFact]
    database: Callable[[], DatabaseFact]
    clock: Callable[[], ClockFact]
    versions: Callable[[], VersionFact]
    data_key: Callable[[], DataKeyFact] | None = None  # None: no data_key check (key in use)
    voice: Callable[[], VoiceFact] | None = None  # None: read-aloud not asked about


# -- rules ---------------------------------------------------------------------------------------


def diagnose(probes: Probes, now: dt.datetime, limits: Thresholds = Thresholds()) -> Report:
    """Run every probe and rule; never raises (a failing probe is a failed check)."""
    checks = [
        _guard(CheckKey.CARD_READER, lambda: check_card_reader(probes.card_reader())),
        _guard(CheckKey.RECEIPT_PRINTER, lambda: check_receipt_printer(probes.receipt_printer())),
        _guard(CheckKey.A4_PRINTER, lambda: check_a4_printer(probes.a4_printer())),
        _guard(CheckKey.VOICE, lambda: check_voice(probes.voice()) if probes.voice else None),
        _guard(CheckKey.NETWORK, lambda: check_network(probes.network())),
        _guard(CheckKey.LAST_SYNC, lambda: check_last_sync(probes.sync(), now, limits)),
        _guard(CheckKey.QUEUE, lambda: check_queue(probes.queue(), now, limits)),
        _guard(CheckKey.DISK, lambda: check_disk(probes.disk(), limits)),
        _guard(CheckKey.DATABASE, lambda: check_database(probes.database())),
        _guard(
            CheckKey.DATA_KEY,
            lambda: check_data_key(probes.data_key()) if probes.data_key else None,
        ),
        _guard(CheckKey.CLOCK, lambda: check_clock(probes.clock(), limits)),
        _guard(CheckKey.VERSIONS, lambda: check_versions(probes.versions())),
    ]
    return Report(now, tuple(c for c in checks if c is not None))


def _guard(key: CheckKey, run: Callable[[], Check | None]) -> Check | None:
    try:
        return run()
    except Exception as exc:  # a probe's failure is a finding, not a crash of the doctor
        store = isinstance(exc, StoreError)
        because = f"：{exc.summary}" if isinstance(exc, StoreError) else ""
        return Check(
            key,
            CheckStatus.FAILED,
            f"检测时出错（{type(exc).__name__}）{because}。",
            "先处理“数据库完整性”“数据密钥”“磁盘空间”中的故障。"
            if store
            else "请记录此信息并导出日志，联系技术支持。",
            {"error": type(exc).__name__},
        )


def _device_data(fact: DeviceFact) -> dict[str, Any]:
    return {"url": fact.url, "device_status": fact.status, "device_problem": fact.problem}


def _untested(key: CheckKey, fact: DeviceFact) -> Check:
    return Check(
        key,
        CheckStatus.WARNING,
        "本次未检测该设备。",
        "在终端界面的“诊断”页面检测，或停止终端程序后再运行 kiosk doctor。",
        _device_data(fact),
    )


#: A device's port is there but the kiosk's user may not open it: the card reader's
#: ``devices.cards.events.ReaderErrorCode.PORT_DENIED`` and the receipt printer's
#: ``devices.printers.status.PrinterProblem.PORT_DENIED`` (the same value, tested).
PORT_DENIED = "port_denied"


def _join_group(url: str) -> str:
    """What lets the kiosk's user open the port: ``lp`` for a USB printer-class device
    (``/dev/usb/lpN``, ``/dev/lpN``, or a udev name such as ``/dev/kiosk-printer`` that
    points at one), ``dialout`` for a serial port."""
    path = url.partition(":")[2].partition("?")[0]
    real = os.path.realpath(path) if path.startswith("/") else path
    group = "lp" if real.startswith(("/dev/usb/lp", "/dev/lp")) else "dialout"
    return (
        f"把运行终端程序的系统用户加入 {group} 组（sudo usermod -aG {group} 用户名），"
        "重新登录或重启终端后再检测。"
    )


def check_card_reader(fact: DeviceFact) -> Check:
    key = CheckKey.CARD_READER
    if not fact.configured:
        return Check(
            key, CheckStatus.FAILED, "未配置读卡器。", "在开通向导或 terminal.toml 中设置读卡器。"
        )
    if not fact.tested:
        return _untested(key, fact)
    if fact.usable:
        return Check(key, CheckStatus.OK, fact.message or "读卡器正常。", "", _device_data(fact))
    if fact.problem == PORT_DENIED:  # re-plugging will not help: say what will
        return Check(
            key,
            CheckStatus.FAILED,
            f"没有权限打开读卡器的端口（{fact.url}）。",
            _join_group(fact.url),
            _device_data(fact),
        )
    return Check(
        key,
        CheckStatus.FAILED,
        fact.message or f"读卡器状态：{fact.status}。",
        "检查读卡器的 USB/串口连接线和电源，重新插拔后再检测；仍不行请更换读卡器。",
        _device_data(fact),
    )


def check_receipt_printer(fact: DeviceFact) -> Check:
    key = CheckKey.RECEIPT_PRINTER
    if not fact.configured:
        return Check(
            key,
            CheckStatus.FAILED,
            "未配置回执打印机。",
            "在开通向导或 terminal.toml 中设置打印机。",
        )
    if not fact.tested:
        return _untested(key, fact)
    if fact.usable and fact.degraded:
        return Check(
            key,
            CheckStatus.WARNING,
            fact.message or "打印纸即将用完。",
            "尽快更换热敏纸卷。",
            _device_data(fact),
        )
    if fact.usable:
        return Check(key, CheckStatus.OK, fact.message or "打印机正常。", "", _device_data(fact))
    if fact.problem == PORT_DENIED:  # not the paper, the cover or the cable
        return Check(
            key,
            CheckStatus.FAILED,
            f"没有权限打开回执打印机的端口（{fact.url}）。",
            _join_group(fact.url),
            _device_data(fact),
        )
    return Check(
        key,
        CheckStatus.FAILED,
        fact.message or f"打印机状态：{fact.status}。",
        "检查纸卷、纸仓盖、电源和连接线；处理后打印测试页。",
        _device_data(fact),
    )


def check_a4_printer(fact: DeviceFact) -> Check | None:
    """Optional device: no check at all when none is configured."""
    if not fact.configured:
        return None
    key = CheckKey.A4_PRINTER
    if not fact.tested:
        return _untested(key, fact)
    if fact.usable:
        return Check(key, CheckStatus.OK, fact.message or "A4 打印机正常。", "", _device_data(fact))
    return Check(
        key,
        CheckStatus.WARNING,
        fact.message or f"A4 打印机状态：{fact.status}。",
        "检查 A4 打印机的纸张、电源和打印队列；回执打印不受影响。",
        _device_data(fact),
    )


def check_voice(fact: VoiceFact) -> Check | None:
    """Red when read-aloud is switched on and cannot speak: an elderly resident who relies on
    it meets a silent screen, and nothing else on the terminal would say so."""
    if not fact.enabled:
        return None
    key = CheckKey.VOICE
    data = {"engine": fact.engine, "voice_problem": fact.problem}
    if not fact.tested:
        return Check(
            key,
            CheckStatus.WARNING,
            "本次未检测语音朗读。",
            "在终端界面的“诊断”页面检测，或不带 --skip-devices 再运行 kiosk doctor。",
            data,
        )
    if not fact.problem:
        return Check(key, CheckStatus.OK, "语音朗读正常（speech-dispatcher 有应答）。", "", data)
    if "not installed" in fact.problem:
        detail = "没有安装 speech-dispatcher，屏幕内容不会朗读。"
        action = "运行 scripts/setup，或安装 speech-dispatcher 和 speech-dispatcher-espeak-ng。"
    elif "does not answer" in fact.problem:
        detail = "speech-dispatcher 没有应答，屏幕内容不会朗读。"
        action = (
            "结束 speech-dispatcher 进程（pkill speech-dispatcher），终端会在下次朗读时重新启动它。"
        )
    else:
        detail = f"无法使用 speech-dispatcher（{fact.problem}），屏幕内容不会朗读。"
        action = "检查 speech-dispatcher 的安装和配置（SPEECHD_ADDRESS），或导出日志联系技术支持。"
    return Check(key, CheckStatus.FAILED, detail, action, data)


def check_network(fact: NetworkFact) -> Check:
    key = CheckKey.NETWORK
    if not fact.provisioned:
        return Check(
            key,
            CheckStatus.FAILED,
            "终端尚未注册到政务服务平台。",
            "由技术人员运行开通向导（或 kiosk provision），输入平台地址和一次性注册码。",
            {"provisioned": False},
        )
    data = {"provisioned": True, "reachable": fact.reachable}
    if fact.tls_problem:
        return Check(
            key,
            CheckStatus.FAILED,
            f"同步无法启动：{fact.tls_problem}申请已保存在本机，修好后自动发送。",
            "证书文件：在 terminal.toml 的 [platform] ca_bundle 填写平台证书文件的正确路径"
            "（或留空，使用系统证书）；密钥文件：从备份恢复 platform.secret 或重新开通。"
            "然后重启终端。",
            {**data, "tls_problem": True},
        )
    if fact.reachable is False:
        return Check(
            key,
            CheckStatus.WARNING,
            f"无法连接平台{('：' + fact.detail) if fact.detail else ''}。申请已保存在本机，联网后自动发送。",
            "检查网线、路由器或 4G 信号；网络恢复后无需其他操作。",
            data,
        )
    return Check(key, CheckStatus.OK, "可以连接平台。", "", data)


def _age(now: dt.datetime, then: dt.datetime) -> float:
    return max(0.0, (now - then).total_seconds())


def format_age(seconds: float) -> str:
    """``"3 小时"``, ``"2 天"``: an age a person can read."""
    if seconds < 60:
        return "不到 1 分钟"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟"
    if seconds < 24 * 3600:
        return f"{int(seconds // 3600)} 小时"
    return f"{int(seconds // (24 * 3600))} 天"


def _sync_blocked(fact: SyncFact) -> Check | None:
    """Sync cannot deliver whatever the network does: paused by the platform, or unreadable."""
    key = CheckKey.LAST_SYNC
    if fact.auth_paused:
        why = f"（{fact.auth_reason}）" if fact.auth_reason else ""
        return Check(
            key,
            CheckStatus.FAILED,
            f"平台拒绝了本终端的认证，发送已暂停{why}。",
            "联系平台管理员确认终端未被停用；必要时重新注册终端（队列中的申请不会丢失）。",
            {
                "auth_paused": True,
                "auth_reason": fact.auth_reason,
                "connection": fact.connection,
                "last_success_at": fact.last_success_at.isoformat(timespec="seconds")
                if fact.last_success_at
                else None,
                "last_error": fact.last_error,
            },
        )
    if fact.record_problem:
        return Check(
            key,
            CheckStatus.FAILED,
            f"同步状态记录无法读取（{fact.record_problem}）。",
            "运行 kiosk sync --once 查看同步是否正常；仍有问题请导出日志交技术支持。",
            {"record_problem": fact.record_problem},
        )
    return None


def check_last_sync(fact: SyncFact, now: dt.datetime, limits: Thresholds) -> Check:
    key = CheckKey.LAST_SYNC
    blocked = _sync_blocked(fact)
    if blocked is not None:
        return blocked
    if not fact.provisioned:
        return Check(
            key,
            CheckStatus.WARNING,
            "尚未与平台同步（终端未注册）。",
            "先完成终端开通。",
            {"last_success_at": None},
        )
    if fact.last_success_at is None:
        return Check(
            key,
            CheckStatus.WARNING,
            "还没有成功同步过。",
            "确认网络畅通，在维护菜单中点“立即同步”。",
            {"last_success_at": None, "last_error": fact.last_error},
        )
    age = _age(now, fact.last_success_at)
    data = {
        "last_success_at": fact.last_success_at.isoformat(timespec="seconds"),
        "age_s": int(age),
        "last_error": fact.last_error,
        "connection": fact.connection,
    }
    if age >= limits.last_sync_fail_s:
        status = CheckStatus.FAILED
    elif age >= limits.last_sync_warn_s:
        status = CheckStatus.WARNING
    elif fact.last_error:
        return Check(
            key,
            CheckStatus.WARNING,
            f"{format_age(age)}前同步成功；最近一次同步未成功，正在自动重试。",
            "检查网络；申请都保存在本机，联网后自动发送。",
            data,
        )
    else:
        return Check(key, CheckStatus.OK, f"{format_age(age)}前同步成功。", "", data)
    return Check(
        key,
        status,
        f"已经 {format_age(age)}没有成功同步。",
        "检查网络；若网络正常仍无法同步，导出日志交技术支持。",
        data,
    )


def check_queue(fact: QueueFact, now: dt.datetime, limits: Thresholds) -> Check:
    key = CheckKey.QUEUE
    age = _age(now, fact.oldest_unsent_at) if fact.oldest_unsent_at else None
    data: dict[str, Any] = {
        "depth": fact.depth,
        "quarantined": fact.quarantined,
        "oldest_unsent_at": fact.oldest_unsent_at.isoformat(timespec="seconds")
        if fact.oldest_unsent_at
        else None,
        "oldest_unsent_age_s": int(age) if age is not None else None,
        "unreadable": fact.unreadable,
    }
    if fact.unreadable:
        return Check(
            key,
            CheckStatus.FAILED,
            f"有 {fact.unreadable} 件的数据无法解密，已隔离，不会发送；其他申请照常发送。",
            "不要删除数据目录。确认 data.key 是本机原来的密钥（如被替换，请从与数据库同时做的备份中恢复）；"
            "仍无法解密的件请工作人员在“办件队列”中查看，联系申请人重新办理。",
            data,
        )
    if age is not None and age >= limits.oldest_unsent_fail_s:
        return Check(
            key,
            CheckStatus.FAILED,
            f"有 {fact.depth} 件待发送，最早一件已等待 {format_age(age)}。",
            "检查网络和“最近同步”；申请都安全保存在本机，切勿删除数据目录。",
            data,
        )
    if fact.quarantined:
        return Check(
            key,
            CheckStatus.WARNING,
            f"有 {fact.quarantined} 件申请发送受阻，需要工作人员处理。",
            "工作人员登录后在“办件队列”中查看原因，补正或重新提交。",
            data,
        )
    if age is not None and age >= limits.oldest_unsent_warn_s:
        return Check(
            key,
            CheckStatus.WARNING,
            f"有 {fact.depth} 件待发送，最早一件已等待 {format_age(age)}。",
            "检查网络连接；联网后会自动发送。",
            data,
        )
    detail = "队列已清空。" if fact.depth == 0 else f"有 {fact.depth} 件正在发送。"
    return Check(key, CheckStatus.OK, detail, "", data)


def _megabytes(value: int) -> str:
    mib = value / 1024**2
    return f"{mib:.1f}" if mib < 100 else f"{int(mib)}"


_CLEAN_DISK = (
    "删除数据目录下 logs/ 中的旧日志，清理系统日志和缓存（journalctl --vacuum-size=50M、"
    "apt-get clean）；不要删除数据目录里的其他文件。磁盘满不是数据损坏，不要从备份恢复。"
)


def check_disk(fact: DiskFact, limits: Thresholds) -> Check:
    key = CheckKey.DISK
    free_mb = _megabytes(fact.free_bytes)
    data = {"free_bytes": fact.free_bytes, "total_bytes": fact.total_bytes}
    if fact.store_full:
        return Check(
            key,
            CheckStatus.FAILED,
            f"磁盘已满：只剩 {free_mb} MB，数据库无法写入新的申请（已保存的申请完好）。",
            _CLEAN_DISK,
            data,
        )
    if fact.free_bytes < limits.disk_fail_bytes:
        return Check(
            key,
            CheckStatus.FAILED,
            f"磁盘仅剩 {free_mb} MB，新的申请可能无法保存。",
            _CLEAN_DISK,
            data,
        )
    if fact.free_bytes < limits.disk_warn_bytes:
        return Check(
            key,
            CheckStatus.WARNING,
            f"磁盘剩余 {free_mb} MB。",
            "安排技术人员清理磁盘：" + _CLEAN_DISK,
            data,
        )
    return Check(key, CheckStatus.OK, f"磁盘剩余 {free_mb} MB。", "", data)


_DATABASE_ACTIONS = {
    "disk_full": "清理磁盘空间（见“磁盘空间”一项）后即可继续办理；数据库没有损坏，"
    "不要从备份恢复（会丢失备份之后办理的申请），不要删除数据目录。",
    "read_only": "检查数据目录及其中文件的属主和权限（应属于 kiosk 用户、可写），以及磁盘是否被"
    "挂载为只读；数据没有损坏，不要从备份恢复。",
    "missing": "不要在原处新建数据库。按部署文档“恢复备份”，从最近的备份中同时恢复 kiosk.sqlite3 "
    "和 data.key，然后重新启动终端。",
    "data_key": "先处理“数据密钥”一项。",
}


def check_database(fact: DatabaseFact) -> Check:
    key = CheckKey.DATABASE
    if fact.ok and fact.wal_missing:
        return Check(
            key,
            CheckStatus.WARNING,
            "数据库完整性检查通过；但上次非正常关机后，数据库的日志文件（kiosk.sqlite3-wal）被删除了。"
            "每次提交后数据都已写入数据库文件，已提交的申请不受影响。",
            "不要删除数据目录里的任何文件（包括 -wal、-shm 文件）；在“办件队列”中核对最近的申请。",
            {"integrity": "ok", "problem": "wal_missing"},
        )
    if fact.ok:
        return Check(
            key,
            CheckStatus.OK,
            "数据库完整性检查通过。",
            "",
            {"integrity": "ok", "problem": ""},
        )
    kind = fact.kind or "corrupt"
    if kind in _DATABASE_ACTIONS:
        integrity = "failed" if kind == "missing" else "not_checked"
        return Check(
            key,
            CheckStatus.FAILED,
            fact.problem,
            _DATABASE_ACTIONS[kind],
            {"integrity": integrity, "problem": kind},
        )
    return Check(
        key,
        CheckStatus.FAILED,
        f"数据库完整性检查未通过：{fact.problem}",
        "停止使用本终端办理新业务，不要删除数据目录；联系技术人员按部署文档从备份恢复。",
        {"integrity": "failed", "problem": kind},
    )


def check_data_key(fact: DataKeyFact) -> Check:
    key = CheckKey.DATA_KEY
    if fact.ok:
        return Check(key, CheckStatus.OK, "数据密钥与数据库匹配。", "", {"problem": ""})
    return Check(
        key,
        CheckStatus.FAILED,
        fact.problem,
        "不要新建、删除或替换数据目录里的其他文件。从与数据库同一次的备份（kiosk-backup.sh 的备份目录，"
        "默认 /var/backups/kiosk/<时间>/data.key）恢复 data.key（属主 kiosk，权限 0600），"
        "再重新启动终端；恢复前终端不会办理业务，原有数据没有被改动。",
        {"problem": fact.kind or "data_key"},
    )


def check_clock(fact: ClockFact, limits: Thresholds) -> Check:
    key = CheckKey.CLOCK
    data = {"skew_s": fact.skew_s, "jump_s": fact.jump_s}
    if fact.skew_s is None:
        return Check(
            key,
            CheckStatus.WARNING,
            "尚未与平台对时，无法判断本机时钟是否准确。",
            "完成一次同步后再检查。",
            data,
        )
    skew = abs(fact.skew_s)
    if skew >= limits.skew_fail_s:
        status = CheckStatus.FAILED
    elif skew >= limits.skew_warn_s or fact.jump_s:
        status = CheckStatus.WARNING
    else:
        return Check(key, CheckStatus.OK, f"与平台时间相差 {skew:.0f} 秒。", "", data)
    jumped = f"，曾检测到时钟跳变 {fact.jump_s:.0f} 秒" if fact.jump_s else ""
    return Check(
        key,
        status,
        f"本机时钟与平台相差 {skew:.0f} 秒{jumped}。",
        "开启系统自动对时（NTP），或在系统设置中校正时间；申请的受理时间以平台为准。",
        data,
    )


def check_versions(fact: VersionFact) -> Check:
    key = CheckKey.VERSIONS
    data = {
        "software": fact.software,
        "catalogue_items": fact.catalogue_items,
        "catalogue_cursor": fact.catalogue_cursor,
    }
    if fact.catalogue_items == 0:
        return Check(
            key,
            CheckStatus.FAILED,
            "事项目录为空，居民无法办事。",
            "联网后在维护菜单中点“立即同步”下载事项目录。",
            data,
        )
    if not fact.catalogue_cursor:
        return Check(
            key,
            CheckStatus.WARNING,
            f"软件 {fact.software}；事项目录为内置样例（{fact.catalogue_items} 项），尚未从平台更新。",
            "完成一次同步以下载平台的事项目录。",
            data,
        )
    return Check(
        key,
        CheckStatus.OK,
        f"软件 {fact.software}；事项目录 {fact.catalogue_items} 项（版本 {fact.catalogue_cursor}）。",
        "",
        data,
    )
