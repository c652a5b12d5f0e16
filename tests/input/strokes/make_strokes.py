"""Draw the handwriting stroke set: hand-made stroke skeletons, written out as a finger would.

    .venv/bin/python tests/input/strokes/make_strokes.py   # rewrites set.json beside it

Each character below is a skeleton typed in by hand for this project: its strokes
in the standard stroke order (笔顺), each stroke a polyline in a 100 × 100 box,
y pointing down. Nothing was taken from a handwriting database. The script
"writes" every skeleton SAMPLES times on a 400 × 400 pad the way a finger does:
the whole character placed at a random size (45–95 % of the pad) and position,
slightly rotated and slanted, each stroke's ends wandering a little, points
sampled every few pixels along the path with jitter, as touch events arrive.
The random generator is seeded, so the file is reproducible.

This is a synthetic set: straight clean strokes, no joined-up (连笔) writing, no
strokes out of order. Figures measured on it show the engine and the
normalisation working, not what residents' real handwriting will score.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path

PAD = 400
SAMPLES = 3
SEED = 20261203

P = list[tuple[float, float]]


def box(x0: float, y0: float, x1: float, y1: float) -> list[P]:
    """口-shaped box in three strokes: 竖, 横折, 横."""
    return [[(x0, y0), (x0, y1)], [(x0, y0), (x1, y0), (x1, y1)], [(x0, y1), (x1, y1)]]


def fit(strokes: list[P], x0: float, y0: float, x1: float, y1: float) -> list[P]:
    """A component drawn in 0..100 squeezed into the given part of the box."""
    return [[(x0 + x * (x1 - x0) / 100, y0 + y * (y1 - y0) / 100) for x, y in s] for s in strokes]


MU = [
    [(15, 35), (85, 35)],
    [(50, 10), (50, 92)],
    [(50, 35), (32, 62), (12, 78)],
    [(50, 38), (68, 60), (90, 75)],
]
WANG = [[(20, 22), (80, 22)], [(25, 50), (75, 50)], [(50, 22), (50, 82)], [(15, 82), (85, 82)]]
RI = [*box(28, 15, 72, 88)[:2], [(28, 50), (72, 50)], [(28, 85), (72, 85)]]
YUE = [
    [(30, 12), (30, 60), (25, 80), (15, 92)],
    [(30, 12), (72, 12), (72, 88), (64, 84)],
    [(30, 38), (72, 38)],
    [(30, 62), (72, 62)],
]
KOU = box(25, 25, 75, 75)
NU = [[(45, 10), (28, 50), (72, 88)], [(66, 28), (55, 65), (20, 92)], [(12, 50), (88, 50)]]
ZI = [[(25, 18), (72, 18), (52, 35)], [(50, 35), (50, 88), (40, 82)], [(12, 52), (88, 52)]]
GONG = [[(22, 22), (78, 22)], [(50, 22), (50, 80)], [(12, 80), (88, 80)]]
WEN = [
    [(50, 8), (55, 20)],
    [(15, 30), (85, 30)],
    [(72, 30), (45, 65), (15, 90)],
    [(30, 40), (55, 70), (88, 90)],
]
SHI = [[(15, 45), (85, 45)], [(50, 15), (50, 90)]]

SKELETONS: dict[str, list[P]] = {
    "一": [[(15, 50), (85, 50)]],
    "二": [[(25, 35), (75, 35)], [(15, 70), (85, 70)]],
    "三": [[(25, 25), (75, 25)], [(30, 50), (70, 50)], [(15, 78), (85, 78)]],
    "十": SHI,
    "王": WANG,
    "口": KOU,
    "日": RI,
    "田": [
        *box(20, 20, 80, 80)[:2],
        [(20, 50), (80, 50)],
        [(50, 20), (50, 80)],
        [(20, 80), (80, 80)],
    ],
    "中": [
        [(22, 30), (22, 65)],
        [(22, 30), (78, 30), (78, 65)],
        [(22, 62), (78, 62)],
        [(50, 10), (50, 92)],
    ],
    "人": [[(50, 12), (48, 40), (35, 70), (15, 88)], [(48, 40), (65, 68), (88, 88)]],
    "大": [
        [(15, 38), (85, 38)],
        [(50, 12), (48, 45), (35, 70), (15, 88)],
        [(50, 45), (65, 68), (88, 88)],
    ],
    "天": [
        [(22, 20), (78, 20)],
        [(12, 45), (88, 45)],
        [(50, 20), (45, 60), (12, 90)],
        [(50, 52), (88, 90)],
    ],
    "夫": [
        [(22, 28), (78, 28)],
        [(12, 52), (88, 52)],
        [(50, 8), (45, 60), (12, 90)],
        [(52, 55), (88, 90)],
    ],
    "小": [[(50, 10), (50, 85), (44, 80)], [(30, 40), (18, 70)], [(70, 40), (82, 68)]],
    "山": [[(50, 12), (50, 80)], [(20, 40), (20, 80), (80, 80)], [(80, 40), (80, 85)]],
    "土": [[(25, 40), (75, 40)], [(50, 15), (50, 82)], [(15, 82), (85, 82)]],
    "工": GONG,
    "木": MU,
    "林": fit(MU, 2, 5, 50, 95) + fit(MU, 50, 5, 98, 95),
    "月": YUE,
    "明": fit(RI, 0, 20, 45, 80) + fit(YUE, 40, 5, 100, 95),
    "女": NU,
    "子": ZI,
    "李": fit(MU, 5, 0, 95, 50) + fit(ZI, 10, 45, 90, 100),
    "安": [
        [(50, 5), (54, 15)],
        [(15, 22), (18, 35)],
        [(15, 22), (85, 22), (80, 32)],
        *fit(NU, 10, 30, 90, 100),
    ],
    "江": [
        [(12, 15), (22, 24)],
        [(8, 40), (18, 48)],
        [(6, 82), (25, 60)],
        *fit(GONG, 35, 10, 100, 95),
    ],
    "村": [
        *fit(MU, 0, 5, 45, 95),
        [(45, 35), (92, 35)],
        [(75, 12), (75, 88), (67, 82)],
        [(55, 52), (62, 64)],
    ],
    "文": WEN,
    "刘": [*fit(WEN, 0, 10, 60, 90), [(68, 25), (68, 65)], [(86, 8), (86, 90), (78, 85)]],
    "方": [
        [(50, 8), (55, 18)],
        [(12, 28), (88, 28)],
        [(35, 50), (72, 50), (70, 82), (60, 88)],
        [(42, 28), (38, 65), (15, 90)],
    ],
    "石": [[(12, 18), (88, 18)], [(50, 18), (30, 55), (10, 75)], *box(32, 48, 80, 88)],
    "白": [
        [(52, 5), (42, 22)],
        *box(25, 22, 75, 90)[:2],
        [(25, 56), (75, 56)],
        [(25, 88), (75, 88)],
    ],
    "古": [*SHI[:1], [(50, 8), (50, 50)], *box(25, 50, 75, 90)],
    "丁": [[(12, 20), (88, 20)], [(55, 20), (55, 88), (42, 80)]],
    "上": [[(45, 10), (45, 85)], [(45, 45), (78, 45)], [(10, 85), (90, 85)]],
    "下": [[(10, 18), (90, 18)], [(45, 18), (45, 92)], [(52, 45), (68, 60)]],
    "正": [
        [(20, 15), (80, 15)],
        [(50, 15), (50, 85)],
        [(50, 48), (75, 48)],
        [(28, 40), (28, 85)],
        [(10, 85), (90, 85)],
    ],
    "生": [
        [(30, 10), (15, 40)],
        [(20, 30), (80, 30)],
        [(25, 58), (75, 58)],
        [(50, 8), (50, 85)],
        [(10, 85), (90, 85)],
    ],
    "平": [
        [(20, 15), (80, 15)],
        [(32, 28), (40, 40)],
        [(68, 28), (60, 42)],
        [(10, 55), (90, 55)],
        [(50, 15), (50, 92)],
    ],
    "门": [[(22, 8), (30, 18)], [(18, 25), (18, 92)], [(35, 12), (82, 12), (82, 88), (72, 82)]],
    "力": [[(15, 30), (80, 30), (75, 85), (62, 90)], [(48, 8), (42, 55), (12, 90)]],
    "元": [
        [(28, 15), (72, 15)],
        [(10, 42), (90, 42)],
        [(40, 42), (35, 70), (12, 90)],
        [(60, 42), (60, 85), (90, 85), (90, 75)],
    ],
    "开": [
        [(18, 20), (82, 20)],
        [(10, 50), (90, 50)],
        [(38, 20), (35, 65), (15, 90)],
        [(65, 20), (65, 92)],
    ],
    "东": [
        [(20, 20), (80, 20)],
        [(45, 5), (25, 55), (70, 55)],
        [(50, 30), (50, 90), (40, 85)],
        [(30, 65), (18, 80)],
        [(70, 65), (80, 78)],
    ],
    "乡": [
        [(45, 8), (25, 30), (55, 32)],
        [(65, 25), (25, 62), (70, 60)],
        [(80, 50), (50, 80), (15, 95)],
    ],
    "号": [
        *box(28, 8, 72, 42),
        [(10, 52), (90, 52)],
        [(35, 52), (28, 68), (72, 68), (68, 90), (55, 85)],
    ],
    "玉": [*WANG, [(62, 62), (70, 70)]],
}


def _draw_stroke(rng: random.Random, stroke: P, transform, step: float) -> list[list[int]]:
    """Points along ``stroke`` every ~``step`` pad pixels, with the jitter of a finger."""
    wobble = [(x + rng.gauss(0, 1.2), y + rng.gauss(0, 1.2)) for x, y in stroke]
    pad_points = [transform(x, y) for x, y in wobble]
    out: list[list[int]] = []
    for (ax, ay), (bx, by) in itertools.pairwise(pad_points):
        n = max(1, int(math.dist((ax, ay), (bx, by)) / step))
        for i in range(n):
            t = i / n
            out.append(
                [
                    round(ax + (bx - ax) * t + rng.gauss(0, 0.8)),
                    round(ay + (by - ay) * t + rng.gauss(0, 0.8)),
                ]
            )
    last = pad_points[-1]
    out.append([round(last[0]), round(last[1])])
    return out


def write_character(rng: random.Random, strokes: list[P]) -> dict[str, object]:
    size = rng.uniform(0.45, 0.95) * PAD
    left = rng.uniform(0, PAD - size)
    top = rng.uniform(0, PAD - size)
    angle = math.radians(rng.uniform(-5, 5))
    slant = rng.uniform(-0.08, 0.08)
    sx, sy = rng.uniform(0.9, 1.1), rng.uniform(0.9, 1.1)

    def transform(x: float, y: float) -> tuple[float, float]:
        u, v = (x - 50) * sx + (y - 50) * slant, (y - 50) * sy
        u, v = u * math.cos(angle) - v * math.sin(angle), u * math.sin(angle) + v * math.cos(angle)
        return left + size / 2 + u * size / 100, top + size / 2 + v * size / 100

    step = rng.uniform(3, 8)
    return {
        "width": PAD,
        "height": PAD,
        "strokes": [_draw_stroke(rng, s, transform, step) for s in strokes],
    }


def main() -> None:
    rng = random.Random(SEED)
    characters = []
    for label, strokes in SKELETONS.items():
        for _ in range(SAMPLES):
            entry = write_character(rng, strokes)
            entry["label"] = label
            characters.append(entry)
    out = Path(__file__).with_name("set.json")
    out.write_text(
        json.dumps({"characters": characters}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(characters)} samples of {len(SKELETONS)} characters in {out}")


if __name__ == "__main__":
    main()
