"""The Chinese words for facts that appear on screen, on paper and in the read-aloud voice.

One fact, one wording: the guide screen said 当场办结 where the printed notice said 即办,
and 复印件1份 where paper said 复印件，1份. Each front end builds its line from here
(as vxsuite keeps its ``app_strings``), so a resident who hears the screen read aloud
and then reads the slip meets the same words.
"""

from __future__ import annotations

TIME_LIMIT_LABEL = "承诺时限"
"""The label of an item's time limit (in working days), on screen and on paper."""


def time_limit_text(days: int | None) -> str:
    """``5个工作日``, or 当场办结 for an item decided on the spot (0 days)."""
    if days is None:
        return "以受理部门通知为准"
    return f"{days}个工作日" if days else "当场办结"


def material_kind(*, original: bool, copies: int) -> str:
    """``原件，1份`` / ``复印件，2份``: original or copy, and how many, are what people forget."""
    return f"{'原件' if original else '复印件'}，{copies}份"


def material_line(name: str, *, original: bool, copies: int, note: str = "") -> str:
    """``户口簿（原件，1份）：户主页和本人页`` — one material of the one-time notice."""
    line = f"{name}（{material_kind(original=original, copies=copies)}）"
    return f"{line}：{note}" if note else line
