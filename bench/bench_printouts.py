"""Render time per receipt: ESC/POS bytes and PDF, cold and warm, against bare libraries.

Run: ``.venv/bin/python -m bench.bench_printouts``. Floors measured in the same run:

* PDF: the same receipt content drawn with bare reportlab (``drawString`` of
  pre-wrapped lines with the same embedded TrueType CJK font) and a QR code
  made by ``qrcode`` as a PIL image placed with ``drawImage``; no layout, no
  wrapping by measure, no fallbacks.
* ESC/POS: python-escpos's ``Dummy`` with the same pre-wrapped lines encoded
  to GB18030 by hand, its native QR and cut.

"cold" is the first render in a fresh interpreter after imports (fonts not
yet loaded, caches empty), median of several processes; "warm" is the median
of repeated renders in one process.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from bench import cores

WARM_RUNS = 200
COLD_RUNS = 9

_SETUP = """
from printouts import samples
from printouts.layouts import layout_receipt
from printouts.escpos.profile import PrinterProfile
"""


def _content_lines() -> tuple[list[str], str]:
    from printouts import samples
    from printouts.layouts._format import fmt_date, fmt_datetime

    c = samples.receipt()
    assert c.promised_by is not None
    lines = [
        c.station_name,
        "受理回执",
        "办件编号",
        c.application_number,
        f"办理事项：{c.service_item}",
        f"申请人：{c.applicant_name_masked}",
        f"证件号码：{c.applicant_id_masked}",
        f"办理方式：{c.channel.value}（代办人：{c.staff_name}）",
        f"提交时间：{fmt_datetime(c.filed_at)}",
        f"预计办结：{fmt_date(c.promised_by)}前",
        "请补交以下材料：",
        *[f"{i}. {m}" for i, m in enumerate(c.materials_to_bring, 1)],
        "扫码查询办理进度",
        f"终端编号：{c.terminal_code}",
        f"咨询电话：{c.helpline}",
    ]
    return lines, c.qr_payload


def ours_escpos() -> bytes:
    from printouts import samples
    from printouts.escpos.profile import PrinterProfile
    from printouts.escpos.render import render_escpos
    from printouts.layouts import layout_receipt

    return render_escpos(layout_receipt(samples.receipt()), PrinterProfile(width_mm=80))


def ours_pdf() -> bytes:
    from printouts import samples
    from printouts.layouts import layout_receipt
    from printouts.pdf.render import PageKind, render_pdf

    return render_pdf(layout_receipt(samples.receipt()), PageKind.THERMAL_80)


def ours_pdf_a4() -> bytes:
    from printouts import samples
    from printouts.layouts import layout_receipt
    from printouts.pdf.render import PageKind, render_pdf

    return render_pdf(layout_receipt(samples.receipt()), PageKind.A4)


def bare_pdf() -> bytes:
    import qrcode
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from printouts.fonts import pdf_font

    if "BareCJK" not in pdfmetrics.getRegisteredFontNames():
        f = pdf_font()
        pdfmetrics.registerFont(TTFont("BareCJK", str(f.path), subfontIndex=f.index))
    lines, payload = _content_lines()
    buf = io.BytesIO()
    height = 200 * mm
    c = Canvas(buf, pagesize=(80 * mm, height), invariant=1)
    c.setFont("BareCJK", 8.5)
    y = height - 6 * mm
    for line in lines:
        c.drawString(4 * mm, y, line)
        y -= 12
    img = qrcode.make(payload).get_image()
    c.drawImage(ImageReader(img), 23 * mm, y - 34 * mm, 34 * mm, 34 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()


def bare_escpos() -> bytes:
    from escpos.printer import Dummy

    lines, payload = _content_lines()
    d = Dummy()
    d._raw(b"\x1b@\x1c&")
    for line in lines:
        d._raw(line.encode("gb18030") + b"\n")
    d.qr(payload, size=6, native=True)
    d.cut()
    return bytes(d.output)


CASES: dict[str, tuple[Callable[[], bytes], Callable[[], bytes]]] = {
    "ESC/POS 80 mm": (ours_escpos, bare_escpos),
    "PDF 80 mm strip": (ours_pdf, bare_pdf),
    "PDF A4": (ours_pdf_a4, bare_pdf),
}


def _warm(fn: Callable[[], bytes]) -> float:
    fn()
    times = []
    for _ in range(WARM_RUNS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _cold(name: str) -> float:
    """Median over fresh interpreters of the first call of ``name`` (imports done beforehand)."""
    code = (
        "import time, json, bench.bench_printouts as b\n"
        "import printouts.layouts, printouts.escpos.render, printouts.pdf.render, escpos.printer\n"
        "import reportlab.pdfgen.canvas, qrcode\n"
        f"fn = getattr(b, {name!r})\n"
        "t = time.perf_counter(); fn(); print(json.dumps((time.perf_counter() - t) * 1000))\n"
    )
    times = []
    for _ in range(COLD_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def main() -> int:
    cores.pin_from_argv()  # the cold runs' subprocesses inherit it
    rows = []
    for label, (ours, bare) in CASES.items():
        ours_cold, bare_cold = _cold(ours.__name__), _cold(bare.__name__)
        ours_warm, bare_warm = _warm(ours), _warm(bare)
        rows.append((label, "cold", ours_cold, bare_cold))
        rows.append((label, "warm", ours_warm, bare_warm))
    print(
        f"receipt render time, ms (warm: median of {WARM_RUNS}; cold: median of {COLD_RUNS} processes)"
    )
    print()
    print("| output | run | ours (ms) | bare floor (ms) | ratio |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label, run, ours_ms, bare_ms in rows:
        print(f"| {label} | {run} | {ours_ms:.2f} | {bare_ms:.2f} | {ours_ms / bare_ms:.2f} |")
    print()
    sizes = {label: (len(o()), len(b())) for label, (o, b) in CASES.items()}
    print("output size, bytes (ours / bare): " + json.dumps(sizes, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
