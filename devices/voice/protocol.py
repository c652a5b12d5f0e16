"""What the screens need of a voice: say a text instead of the last one, or stop."""

from __future__ import annotations

from typing import Protocol


class Speaker(Protocol):
    """Never blocks the caller; a speaker that cannot speak says why in :attr:`problem`."""

    problem: str
    answered: bool | None
    """Did the last request go through (None: nothing asked yet)."""

    def say(self, text: str) -> None: ...

    def stop(self) -> None: ...

    def close(self, wait_s: float = ...) -> None: ...
