"""Pages, not scrolling (issue 15 item 4): one pager for every resident list and long text.

Elderly residents do not discover that a list scrolls, and a finger drags a list
as often as it taps it. So whatever a resident chooses from or reads (item lists,
categories, search results, the guide, my applications, the review) is cut into
pages that fit the space the screen has, with large ‹ 上一页 / 下一页 › buttons
and "第 n/m 页" between them, read aloud when the page changes.

The rule that decides what goes on which page is plain Python (no Qt), so it is
tested directly: :func:`pack_pages` fills pages greedily with rows of measured
height, :func:`clamp_page` keeps a page index valid when the content changes.
:class:`PagedList` is the widget: it measures its rows in the current mode (row
heights differ in 长辈模式), re-packs on every resize, and shows one page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.widgets import button, label

PREVIOUS_TEXT = "‹ 上一页"
NEXT_TEXT = "下一页 ›"


# -- the rule (no Qt) ---------------------------------------------------------------------


def pack_pages(heights: Sequence[int], available: int, spacing: int) -> list[range]:
    """Rows (by index) on each page: as many whole rows as fit in ``available`` pixels.

    Rows keep their order; ``spacing`` sits between two rows of a page. A row taller
    than the page gets a page of its own (it is never split or dropped). No rows: one
    empty page, so "第 1/1 页" is always true.
    """
    pages: list[range] = []
    start = 0
    used = 0
    for index, height in enumerate(heights):
        needed = height if index == start else used + spacing + height
        if index > start and needed > available:
            pages.append(range(start, index))
            start, used = index, height
        else:
            used = needed
    pages.append(range(start, len(heights)))
    return pages


def clamp_page(page: int, count: int) -> int:
    """A valid page index for ``count`` pages (the last one when the list got shorter)."""
    return max(0, min(page, max(count, 1) - 1))


def page_text(page: int, count: int) -> str:
    """What the pager shows and says: "第 2/3 页" for index 1 of 3."""
    return f"第 {page + 1}/{max(count, 1)} 页"


# -- the widgets --------------------------------------------------------------------------


class Pager(QWidget):
    """‹ 上一页 · 第 n/m 页 · 下一页 › — disabled at the ends, each button a large target."""

    previous_tapped = Signal()
    next_tapped = Signal()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(f"{name}_pager")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        self.previous = button(PREVIOUS_TEXT, f"{name}_previous", "pager")
        self.previous.clicked.connect(self.previous_tapped)
        self.label = label(page_text(0, 1), "pager", f"{name}_page")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(False)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.next = button(NEXT_TEXT, f"{name}_next", "pager")
        self.next.clicked.connect(self.next_tapped)
        row.addWidget(self.previous, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.next, 2)

    def show_page(self, page: int, count: int) -> None:
        self.label.setText(page_text(page, count))
        self.label.setAccessibleName(self.label.text())
        self.previous.setEnabled(page > 0)
        self.next.setEnabled(page < count - 1)


class PagedList(QWidget):
    """Rows (any widgets) shown one page at a time, the page sized to this widget's height.

    Give it the stretch of its screen's layout: it takes the height the other parts
    leave, and shows as many rows as fit there (at least one). ``on_page`` is called
    with what to read aloud when the resident turns a page.
    """

    page_changed = Signal(int, int)  # page index, page count

    def __init__(
        self,
        name: str,
        *,
        spacing: int,
        read: Callable[[str], None] | None = None,
        prefer_all: bool = False,
    ) -> None:
        super().__init__()
        self._prefer_all = prefer_all
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._spacing = spacing
        self._read = read
        self._rows: list[QWidget] = []
        self._pages: list[range] = [range(0)]
        self._heights: list[int] = []  # of the rows, at this widget's width
        self.page = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(spacing)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._content = QWidget()
        self._content.setProperty("screen", True)
        self._column = QVBoxLayout(self._content)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(spacing)
        self._column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._column.addStretch(1)
        outer.addWidget(self._content, 1)
        self.pager = Pager(name)
        self.pager.previous_tapped.connect(lambda: self.turn(-1))
        self.pager.next_tapped.connect(lambda: self.turn(1))
        self.pager.hide()
        outer.addWidget(self.pager)

    # -- content --------------------------------------------------------------------------

    @property
    def rows(self) -> list[QWidget]:
        return list(self._rows)

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def set_rows(self, rows: Sequence[QWidget], *, keep_page: bool = False) -> None:
        """Replace the content (the old rows are deleted); back to page 1 unless ``keep_page``."""
        for old in self._rows:
            old.hide()
            old.setParent(None)
            old.deleteLater()
        self._rows = list(rows)
        for row in self._rows:
            row.hide()
            self._column.insertWidget(self._column.count() - 1, row)
        if not keep_page:
            self.page = 0
        self.updateGeometry()
        self._repack()

    def clear(self) -> None:
        self.set_rows([])

    def visible_rows(self) -> list[QWidget]:
        """The rows of the current page."""
        return [self._rows[i] for i in self._pages[self.page] if i < len(self._rows)]

    def turn(self, step: int) -> None:
        page = clamp_page(self.page + step, len(self._pages))
        if page == self.page:
            return
        self.page = page
        self._show_page()
        if self._read is not None:
            self._read(self.speech_text())

    def go_to(self, page: int) -> None:
        self.page = clamp_page(page, len(self._pages))
        self._show_page()

    def speech_text(self) -> str:
        """The page label, then every label and button text on this page, in order."""
        parts = [page_text(self.page, len(self._pages))] if len(self._pages) > 1 else []
        for row in self.visible_rows():
            widgets = [row, *row.findChildren(QWidget)]
            for widget in widgets:
                if isinstance(widget, QLabel) and widget.text():
                    parts.append(widget.text())
                elif isinstance(widget, QPushButton) and widget.accessibleName():
                    parts.append(widget.accessibleName())
        return "。".join(p.replace("\n", "，").strip("。 ") for p in parts if p.strip())

    # -- layout ---------------------------------------------------------------------------

    def _row_height(self, row: QWidget, width: int) -> int:
        row.ensurePolished()
        layout = row.layout()
        if row.hasHeightForWidth():
            return max(row.heightForWidth(width), row.minimumSizeHint().height())
        if layout is not None and layout.hasHeightForWidth():
            return max(layout.totalHeightForWidth(width), layout.totalMinimumSize().height())
        return max(row.sizeHint().height(), row.minimumSizeHint().height())

    def _repack(self) -> None:
        width = max(self.width(), 1)
        heights = [self._row_height(row, width) for row in self._rows]
        if heights != self._heights:  # the screen's layout needs the new minimum
            self._heights = heights
            self.updateGeometry()
        available = self.height()
        total = sum(heights) + self._spacing * max(len(heights) - 1, 0)
        if total <= available:
            pages = [range(len(heights))]
        else:
            pager = self.pager.sizeHint().height()
            pages = pack_pages(heights, available - pager - self._spacing, self._spacing)
        first = self._pages[self.page][0] if self._pages[self.page] else 0
        changed = [list(p) for p in pages] != [list(p) for p in self._pages]
        self._pages = pages
        if changed:  # stay on the page that holds the first row the resident was looking at
            self.page = next((i for i, p in enumerate(pages) if first in p), 0)
        self.page = clamp_page(self.page, len(self._pages))
        self._show_page()

    def _show_page(self) -> None:
        shown = set(self._pages[self.page])
        for index, row in enumerate(self._rows):
            row.setVisible(index in shown)
        many = len(self._pages) > 1
        self.pager.setVisible(many)
        self.pager.show_page(self.page, len(self._pages))
        self.page_changed.emit(self.page, len(self._pages))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size() != event.oldSize():
            self._repack()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        """No: the rows wrap, but the page's height must come from the screen, never from
        the rows shown (else the scroll area grows to fit them and everything is one page)."""
        return False

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return -1

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """One page's minimum, or (``prefer_all``: a short list such as the categories,
        laid out without stretch) every row, so it is paged only when space runs out."""
        hint = self.minimumSizeHint()
        if self._prefer_all and self._heights:
            heights = self._heights
            hint.setHeight(sum(heights) + self._spacing * (len(heights) - 1))
        return hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """One row (the tallest) and the pager: what the page needs at the least.

        Constant while the rows stay the same, so turning pages never changes the
        screen's layout, and the screen's other parts keep the rest of the height.
        """
        width = max((r.minimumSizeHint().width() for r in self._rows), default=0)
        width = max(width, self.pager.minimumSizeHint().width())
        tallest = max(self._heights, default=0)
        if len(self._heights) > 1:  # room for the pager under a one-row page
            tallest += self._spacing + self.pager.sizeHint().height()
        return QSize(width, tallest)


def rows_of(widgets: Sequence[QWidget], columns: int, spacing: int) -> list[QWidget]:
    """Group ``widgets`` into rows of ``columns`` equal cells (the last row padded)."""
    rows: list[QWidget] = []
    for start in range(0, len(widgets), columns):
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(spacing)
        cells = list(widgets[start : start + columns])
        for cell in cells:
            box.addWidget(cell, 1)
        for _ in range(columns - len(cells)):
            filler = QWidget()
            filler.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            box.addWidget(filler, 1)
        rows.append(row)
    return rows
