"""Render every layout to PNG under docs/printouts/ so a person can look at them.

58 and 80 mm slips go through the real path: ESC/POS bytes → the printer
simulator's parser → its PNG renderer. A4 pages are the reportlab PDF
rasterised with pypdfium2. Run from the repository root::

    .venv/bin/python scripts/render_printout_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devices.printers.simulator.render import render_job  # noqa: E402
from printouts.escpos.decode import decode  # noqa: E402
from printouts.escpos.profile import PrinterProfile, TextEncoding  # noqa: E402
from printouts.escpos.render import render_escpos  # noqa: E402
from printouts.pdf.render import PageKind, render_pdf  # noqa: E402
from tests.printouts.conftest import sample_documents  # noqa: E402

OUT = ROOT / "docs" / "printouts"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    docs = sample_documents()
    for name, doc in docs.items():
        for width in (58, 80):
            profile = PrinterProfile(width_mm=width)
            job = decode(render_escpos(doc, profile))
            render_job(list(job.events), profile.dots).save(
                OUT / f"{name}-{width}mm.png", optimize=True
            )
        pdf = pypdfium2.PdfDocument(render_pdf(doc, PageKind.A4))
        try:
            page = pdf[0]
            image = page.render(scale=100 / 72).to_pil().convert("L")
            image.save(OUT / f"{name}-a4.png", optimize=True)
        finally:
            pdf.close()
    # The fallbacks, side by side: a GBK printer with 𠮷 (raster line), no native QR (raster QR).
    fallback = PrinterProfile(width_mm=58, encoding=TextEncoding.GBK, native_qr=False)
    job = decode(render_escpos(docs["test-page"], fallback), fallback.encoding)
    render_job(list(job.events), fallback.dots).save(
        OUT / "test-page-58mm-gbk-raster-qr.png", optimize=True
    )
    print(f"wrote {len(list(OUT.glob('*.png')))} PNGs to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
