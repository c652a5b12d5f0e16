"""What painting one of the kiosk's screens costs, part by part (issue 16, goal 3).

Goal 3 asks a tap to paint the next screen within 2× a bare widget switch: a page of one
label and one button. ``bench_ui`` finds the kiosk's steps at 5–9× that floor and within 2×
of a switch between two pages of the kiosk's styled buttons. Earlier notes blamed the style
sheet. This takes one screen's worth of the kiosk's widgets (a title, twelve items as
buttons, a paragraph, 下一页: the item list's page) and repaints it, synchronously, with the
parts taken away one at a time:

- **styled page**: the kiosk's widgets and style sheet (``ui.widgets``, ``ui.theme``);
- **buttons painted by QPainter**: the same look drawn in ``paintEvent`` (a rounded,
  bordered rectangle and the caption), the style sheet never asked for the buttons;
- **rounded rectangles only**, **captions only**, **empty buttons** (the page's
  background, layout and the two labels);
- the floor: the **one-label page**, with and without the style sheet.

Each row is the p50 / p95 of ``repaint()`` on a 1920 × 1080 window, offscreen.

    .venv/bin/python -m bench.bench_paint [--repaints 300] [--cores 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

from bench import cores

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repaints", type=int, default=300)
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)

    from PySide6.QtCore import QRectF, QSize, Qt
    from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
    from PySide6.QtWidgets import (
        QAbstractButton,
        QApplication,
        QGridLayout,
        QLabel,
        QPushButton,
        QSizePolicy,
        QVBoxLayout,
        QWidget,
    )

    from ui import widgets
    from ui.theme import NORMAL, Theme, apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])

    class Painted(QAbstractButton):
        """The kiosk's button look drawn directly; ``parts`` picks what is drawn."""

        def __init__(self, text: str, role: str, parts: str) -> None:
            super().__init__()
            self.setText(text)
            self.filled = role in ("tile", "primary")
            self.parts = parts
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
            return QSize(300, 80)

        def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
            painter = QPainter(self)
            if "frame" in self.parts:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setPen(QPen(QColor(NORMAL.primary if self.filled else NORMAL.border), 3))
                painter.setBrush(QColor(NORMAL.primary if self.filled else NORMAL.secondary))
                painter.drawRoundedRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5), 12, 12)
            if "text" in self.parts:
                painter.setPen(
                    QColor(NORMAL.primary_text if self.filled else NORMAL.secondary_text)
                )
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text())
            painter.end()

    def screen(make: Callable[[str, str], QWidget]) -> QWidget:
        page = QWidget()
        page.setProperty("screen", True)
        box = QVBoxLayout(page)
        box.addWidget(widgets.label("第 1 页：请选择要办理的事项", "title"))
        grid = QGridLayout()
        box.addLayout(grid)
        for k in range(12):
            grid.addWidget(
                make(f"城乡居民养老保险参保登记 {k}", "tile" if k % 2 else "secondary"),
                k // 3,
                k % 3,
            )
        box.addWidget(widgets.label("需要带齐：身份证原件、户口簿、一寸照片两张。" * 3))
        box.addWidget(make("下一页", "primary"))
        return page

    def one_label() -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(QLabel("第 1 页"))
        box.addWidget(QPushButton("下一页"))
        return page

    def repaint_ms(page: QWidget) -> tuple[float, float]:
        page.resize(1920, 1080)
        page.show()
        app.processEvents()
        for _ in range(20):
            page.repaint()
        samples = []
        for _ in range(args.repaints):
            started = time.perf_counter()
            page.repaint()
            samples.append((time.perf_counter() - started) * 1000)
        page.close()
        samples.sort()
        return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]

    def painted(parts: str) -> Callable[[str, str], QWidget]:
        return lambda text, role: Painted(text, role, parts)

    print(
        "| page (1920 × 1080, repaint) | mode | p50 (ms) | p95 (ms) | "
        "p95 / one-label page without style sheet |"
    )
    print("| --- | --- | ---: | ---: | ---: |")
    for large in (False, True):
        mode = "large" if large else "normal"
        apply_theme(app, Theme(large=large, high_contrast=False))
        rows = [
            ("one-label page, with the style sheet", one_label()),
            ("the kiosk's styled page", screen(lambda text, role: widgets.button(text, "b", role))),
            ("… buttons painted by QPainter", screen(painted("frame text"))),
            ("… rounded rectangles only", screen(painted("frame"))),
            ("… captions only", screen(painted("text"))),
            ("… empty buttons (background, layout, two labels)", screen(painted(""))),
        ]
        figures = [(name, *repaint_ms(page)) for name, page in rows]
        app.setStyleSheet("")
        floor_p50, floor_p95 = repaint_ms(one_label())
        figures.insert(0, ("one-label page, no style sheet (the floor)", floor_p50, floor_p95))
        for name, p50, p95 in figures:
            print(f"| {name} | {mode} | {p50:.2f} | {p95:.2f} | {p95 / floor_p95:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
