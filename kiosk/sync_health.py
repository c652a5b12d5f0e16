"""Sync health: one typed record that the sync engine writes every round and everyone else reads.

The engine may run in another process than the one asking (``kiosk doctor`` in a
technician's shell while ``kiosk run`` syncs), so its view of the platform must be
persisted, not kept in memory. It used to be spread over meta keys that nothing
wrote, and the doctor filled the gap by counting any signed answer as a success,
even a 403 "revoked": a paused queue was reported as "同步成功". Now there is one
record, replaced whole at the end of every round, and one reading of it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

HEALTH_META_KEY = "sync:health"


class ConnectionState(StrEnum):
    UNKNOWN = "unknown"
    ONLINE = "online"
    OFFLINE = "offline"  # transient failures; retrying with backoff
    AUTH_PAUSED = "auth_paused"  # the platform refuses this terminal; staff must act
    NOT_PROVISIONED = "not_provisioned"

    @property
    def label(self) -> str:
        """What the staff status bar shows."""
        return {
            "unknown": "未连接",
            "online": "已连接平台",
            "offline": "网络中断，稍后自动重试",
            "auth_paused": "终端认证失败，已暂停发送，请联系技术人员",
            "not_provisioned": "终端未注册平台",
        }[self.value]


@dataclass(frozen=True, slots=True)
class SyncHealth:
    """The outcome of the engine's latest round, with the last time a round fully succeeded.

    Times are epoch seconds of the terminal's clock. ``last_success_at`` is set only
    by a round in which every exchange succeeded: a refused (revoked, unknown) or
    failed round leaves it where it was, so its age tells how long nothing got through.
    """

    connection: ConnectionState
    round_at: float
    last_success_at: float | None = None
    last_error: str = ""
    auth_paused: bool = False
    auth_reason: str = ""  # Chinese, for staff: why the platform refuses this terminal
    consecutive_failures: int = 0

    def to_json(self) -> str:
        body: dict[str, Any] = asdict(self)
        body["connection"] = self.connection.value
        return json.dumps(body, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SyncHealth:
        """Raises ``ValueError`` for a record this version cannot read (never guesses)."""
        try:
            body = json.loads(text)
            return cls(
                connection=ConnectionState(body["connection"]),
                round_at=float(body["round_at"]),
                last_success_at=None
                if body.get("last_success_at") is None
                else float(body["last_success_at"]),
                last_error=str(body.get("last_error", "")),
                auth_paused=bool(body.get("auth_paused", False)),
                auth_reason=str(body.get("auth_reason", "")),
                consecutive_failures=int(body.get("consecutive_failures", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"unreadable sync health record: {type(exc).__name__}") from exc

    @property
    def last_success(self) -> dt.datetime | None:
        if self.last_success_at is None:
            return None
        return dt.datetime.fromtimestamp(self.last_success_at, dt.UTC)
