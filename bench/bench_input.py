"""Input engine figures: handwriting recognition, pinyin lookup, the keyboard's first show.

    .venv/bin/python -m bench.bench_input

1. zinnia (Tegaki simplified-Chinese model) on the hand-made stroke set
   tests/input/strokes/set.json (47 characters × 3 synthetic samples, see
   make_strokes.py): latency per character p50/p95 and top-1/top-5 accuracy,
   with and without the stroke normalisation.
2. librime (luna_pinyin_simp, learning off): deployment time in this process, then
   lookup latency p50/p95 over a list of syllables, words and abbreviations, and
   the latency of a pick (which swaps in a fresh session, made ahead on a thread).
3. The keyboard's first show: building a Keyboard with its engines already
   warm, showing it and the first event-loop turn; then the first switch to 手写.

Qt runs on the offscreen platform; figures are for this machine only.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

from bench import cores

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
STROKES = ROOT / "tests" / "input" / "strokes" / "set.json"
LETTERS = [
    "li",
    "wang",
    "zhang",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "wu",
    "zhou",
    "xu",
    "sun",
    "ma",
    "zhu",
    "hu",
    "guo",
    "he",
    "lin",
    "beijing",
    "hangzhou",
    "cunweihui",
    "xiangzhen",
    "yanglaobaoxian",
    "shenfenzheng",
    "sfz",
    "ylbx",
    "zongguo",
    "sanghai",
    "zhangsan",
    "wangxiaoming",
    "dibao",
    "canjiren",
    "hukou",
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_handwriting() -> dict[str, object]:
    import devices.input.zinnia as zinnia_module
    from devices.input.handwriting import Ink

    data = json.loads(STROKES.read_text(encoding="utf-8"))["characters"]
    started = time.perf_counter()
    recogniser = zinnia_module.ZinniaRecogniser()
    open_s = time.perf_counter() - started
    out: dict[str, object] = {"samples": len(data), "open_ms": round(open_s * 1000, 1)}
    from devices.input.handwriting import normalise as real_normalise

    # The recogniser calls the module-level name ``normalise`` it imported: swap it there.
    for label, normalise in (("normalised", real_normalise), ("raw", lambda ink: ink)):
        setattr(zinnia_module, "normalise", normalise)  # noqa: B010 - patching the bound name
        latencies, top1, top5 = [], 0, 0
        for entry in data:
            ink = Ink.from_lists(entry["width"], entry["height"], entry["strokes"])
            t0 = time.perf_counter()
            found = recogniser.recognise(ink, 10)
            latencies.append(time.perf_counter() - t0)
            top1 += found[:1] == [entry["label"]]
            top5 += entry["label"] in found[:5]
        out[label] = {
            "p50_ms": round(_pct(latencies, 0.5) * 1000, 2),
            "p95_ms": round(_pct(latencies, 0.95) * 1000, 2),
            "top1": round(top1 / len(data), 3),
            "top5": round(top5 / len(data), 3),
        }
    recogniser.close()
    return out


def bench_pinyin() -> dict[str, object]:
    from devices.input.rime import shared_engine

    started = time.perf_counter()
    engine = shared_engine()
    engine.wait_ready()
    deploy_s = time.perf_counter() - started
    lookups, picks = [], []
    for _ in range(5):
        for letters in LETTERS:
            t0 = time.perf_counter()
            engine.candidates(letters, 8)
            lookups.append(time.perf_counter() - t0)
    for letters in LETTERS:
        t0 = time.perf_counter()
        engine.pick(letters, 0)
        picks.append(time.perf_counter() - t0)
    return {
        "deploy_s": round(deploy_s, 2),
        "lookup_p50_ms": round(_pct(lookups, 0.5) * 1000, 2),
        "lookup_p95_ms": round(_pct(lookups, 0.95) * 1000, 2),
        "pick_p50_ms": round(_pct(picks, 0.5) * 1000, 1),
        "pick_p95_ms": round(_pct(picks, 0.95) * 1000, 1),
    }


def bench_keyboard() -> dict[str, object]:
    from PySide6.QtWidgets import QApplication, QLineEdit

    app = QApplication.instance() or QApplication([])
    from ui.theme import Theme, apply_theme
    from ui.widgets import Keyboard

    apply_theme(app, Theme())  # type: ignore[arg-type]
    shows, hands = [], []
    for _ in range(5):
        field = QLineEdit()
        t0 = time.perf_counter()
        keyboard = Keyboard(field)
        keyboard.resize(1800, 900)
        keyboard.show()
        app.processEvents()
        shows.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        keyboard.hand.click()
        app.processEvents()
        hands.append(time.perf_counter() - t0)
        keyboard.close()
        keyboard.deleteLater()
        app.processEvents()
    return {
        "first_show_ms": round(shows[0] * 1000, 1),
        "show_median_ms": round(statistics.median(shows) * 1000, 1),
        "first_handwriting_ms": round(hands[0] * 1000, 1),
    }


def main() -> int:
    cores.pin_from_argv()
    result = {
        "handwriting": bench_handwriting(),
        "pinyin": bench_pinyin(),
        "keyboard": bench_keyboard(),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
