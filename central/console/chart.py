"""A terminal's last seven days as a small inline SVG, drawn on the server.

Why SVG by hand: no chart library, no JavaScript, no CDN; 168 hourly bars are a few
kilobytes of markup that print and zoom cleanly. Two lanes share the time axis: queue
depth (the hour's maximum, bars) and online/offline (an hour with at least one heartbeat
is online, green; an hour without is grey).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from central.console.web import CHINA

DAYS = 7
WIDTH = 840
LEFT = 44
BAR_W = (WIDTH - LEFT - 8) / (DAYS * 24)
QUEUE_TOP = 18
QUEUE_H = 90
STRIP_Y = QUEUE_TOP + QUEUE_H + 14
STRIP_H = 14
HEIGHT = STRIP_Y + STRIP_H + 22


def history_svg(hours: list[tuple[int, int, int, int]], now: float) -> str:
    """``hours``: (hour number, beats, queue max, queue average) from ``heartbeat_hours``."""
    last_hour = int(now // 3600)
    first_hour = last_hour - DAYS * 24 + 1
    by_hour = {h: (beats, qmax) for h, beats, qmax, _avg in hours if h >= first_hour}
    top = max([q for _b, q in by_hour.values()] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="近 7 天排队件数与在线情况">',
        f'<text x="0" y="12" font-size="11" fill="#4a5560">排队件数（每小时最大值，最高 {top}）</text>',
        f'<line x1="{LEFT}" y1="{QUEUE_TOP + QUEUE_H}" x2="{WIDTH - 8}" '
        f'y2="{QUEUE_TOP + QUEUE_H}" stroke="#b8c2cc"/>',
        f'<text x="0" y="{QUEUE_TOP + 10}" font-size="10" fill="#6b7785">{top}</text>',
        f'<text x="0" y="{QUEUE_TOP + QUEUE_H}" font-size="10" fill="#6b7785">0</text>',
        f'<text x="0" y="{STRIP_Y + 11}" font-size="10" fill="#6b7785">在线</text>',
    ]
    online_hours = 0
    for i in range(DAYS * 24):
        hour = first_hour + i
        x = LEFT + i * BAR_W
        beats, qmax = by_hour.get(hour, (0, 0))
        if qmax:
            h = max(1.0, QUEUE_H * qmax / top)
            parts.append(
                f'<rect x="{x:.1f}" y="{QUEUE_TOP + QUEUE_H - h:.1f}" width="{BAR_W:.2f}" '
                f'height="{h:.1f}" fill="#1f4e79"><title>{_label(hour)} 排队 {qmax} 件</title></rect>'
            )
        online = beats > 0
        online_hours += online
        parts.append(
            f'<rect x="{x:.1f}" y="{STRIP_Y}" width="{BAR_W:.2f}" height="{STRIP_H}" '
            f'fill="{"#2e7d32" if online else "#c9d1d9"}"><title>{_label(hour)} '
            f"{'在线' if online else '无心跳'}</title></rect>"
        )
    for day in range(DAYS + 1):
        hour = first_hour + day * 24
        x = LEFT + day * 24 * BAR_W
        parts.append(
            f'<line x1="{x:.1f}" y1="{QUEUE_TOP}" x2="{x:.1f}" y2="{STRIP_Y + STRIP_H}" '
            f'stroke="#e1e6eb"/>'
        )
        if day < DAYS:
            label = dt.datetime.fromtimestamp(hour * 3600, CHINA).strftime("%m-%d %H时")
            parts.append(
                f'<text x="{x + 2:.1f}" y="{HEIGHT - 6}" font-size="10" fill="#6b7785">'
                f"{escape(label)}</text>"
            )
    parts.append(
        f'<text x="{WIDTH - 8}" y="12" font-size="11" fill="#4a5560" text-anchor="end">'
        f"近 7 天在线 {online_hours} 小时 / {DAYS * 24} 小时</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _label(hour: int) -> str:
    return dt.datetime.fromtimestamp(hour * 3600, CHINA).strftime("%m-%d %H:00")
