"""Read-aloud's cost to the screens: the GUI thread held when the voice starts, and memory.

Each row is a fresh interpreter with a window shown (as the kiosk after its first frame),
which then starts a voice and hands it the home screen's text:

- **none**: no voice at all: the floor;
- **speech-dispatcher (SSIP)**: the kiosk's voice since issue 16's seventh pass
  (``ui.speech.Voice``, ``devices/voice``): a thread speaking speech-dispatcher's protocol;
- **QtTextToSpeech speechd**: the engine the kiosk used before, built the way it was.

"GUI thread held" is the wall time from starting the voice to the return of its first
``say`` (what a tap arriving then would wait). RSS is read once speech-dispatcher has
queued the text (the SSIP speaker idle; the Qt engine: after 2 s of event loop).
speech-dispatcher runs on its own, started before the runs, its sound going to ALSA's null
device (:mod:`bench.speech_dispatcher`: this machine has no sound card).

    .venv/bin/python -m bench.bench_voice [--runs 5] [--cores 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile

from bench import cores
from bench.production_venv import dev_only_modules, run_child
from bench.speech_dispatcher import null_audio_dispatcher

_CHILD = r"""
import time, os, json, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, ROOT)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
window = QLabel("欢迎使用自助服务终端"); window.resize(1920, 1080); window.show()
MODE = "MODE_NAME"
out = {}
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
def start():
    held = time.perf_counter()
    voice = None
    if MODE == "ssip":
        from ui.speech import Voice
        voice = Voice()
        voice.start()
        voice.say("欢迎使用自助服务终端，请插入身份证")
    elif MODE == "qt":
        from PySide6.QtCore import QLocale
        from PySide6.QtTextToSpeech import QTextToSpeech
        voice = QTextToSpeech("speechd")
        china = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if china in voice.availableLocales():
            voice.setLocale(china)
        voice.setRate(-0.2)
        voice.say("欢迎使用自助服务终端，请插入身份证")
    out["held_ms"] = (time.perf_counter() - held) * 1000
    app.voice = voice
    QTimer.singleShot(0 if MODE != "qt" else 2000, settled)
def settled():
    if MODE == "ssip":
        speaker = app.voice._speaker
        if not speaker.idle.is_set():
            QTimer.singleShot(10, settled)
            return
        out["problem"] = speaker.problem
    out["rss_mb"] = rss()
    app.quit()
QTimer.singleShot(300, start)  # the first frame is painted by then
app.exec()
print(json.dumps(out))
os._exit(0)
"""

MODES = (
    ("none", "none (floor)"),
    ("ssip", "speech-dispatcher (SSIP), the kiosk's voice"),
    ("qt", "QtTextToSpeech speechd, the previous voice"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)
    with null_audio_dispatcher() as sock:
        if sock is None:
            print("speech-dispatcher is not installed")
            return 1
        return measure(args.runs)


def measure(runs: int) -> int:
    from devices.voice.ssip import answers

    problem = answers()  # started as the kiosk would start it, before any run
    if problem:
        print(f"speech-dispatcher cannot be used: {problem}")
        return 1
    hidden = dev_only_modules()
    home = tempfile.mkdtemp(prefix="kiosk-bench-voice-")
    rows: dict[str, list[dict[str, float]]] = {mode: [] for mode, _ in MODES}
    for _ in range(runs):  # interleaved: a busy moment slows every row alike
        for mode, _label in MODES:
            figures = run_child(_CHILD.replace("MODE_NAME", mode), home, hidden, timeout=120)
            if figures.get("problem"):
                print(f"{mode}: {figures['problem']}")
                return 1
            rows[mode].append(figures)
    floor_rss = statistics.median(r["rss_mb"] for r in rows["none"])
    floor_held = statistics.median(r["held_ms"] for r in rows["none"])
    print(
        f"| voice (median of {runs}) | GUI thread held (ms) | RSS (MB) | RSS over the floor (MB) |"
    )
    print("| --- | ---: | ---: | ---: |")
    for mode, label in MODES:
        held = statistics.median(r["held_ms"] for r in rows[mode])
        rss = statistics.median(r["rss_mb"] for r in rows[mode])
        print(f"| {label} | {held:.1f} | {rss:.1f} | {rss - floor_rss:+.1f} |")
    print(f"(floor: a window and no voice, {floor_held:.2f} ms, {floor_rss:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
