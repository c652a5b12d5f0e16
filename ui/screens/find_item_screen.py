"""选择事项: most used first, category tiles, search by hanzi or pinyin initials.

The items are shown page by page (‹ 上一页 / 下一页 ›), never in a scrolling list.
In landscape the list is on the left and the categories (or, while typing, the
letter keyboard) on the right; in portrait they are stacked.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.journey import Step
from ui.paging import rows_of
from ui.screens.base import Screen
from ui.widgets import Keyboard, button, label

TILES_AT_ONCE = 40
"""Item tiles built at a time. A broad search over a 5,000-item catalogue finds thousands;
building a tile for each took ~0.35 s before the first page showed (issue 16, goal 5), so the
list ends with a 再显示 tile that builds the next ones."""


class FindItemScreen(Screen):
    step = Step.FIND_ITEM
    title_text = "您要办理什么事？"

    def build(self) -> None:
        spacing = self.ctx.theme.spacing_px
        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.setSpacing(spacing * 2)
        self._splits.append(self.split)
        left = QVBoxLayout()
        left.setSpacing(spacing)
        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("名称或拼音首字母，如 ylbx")
        self.search.textChanged.connect(self._query_changed)
        search_row.addWidget(self.search, 1)
        self.keyboard_button = button("⌨ 打字搜索", "show_keyboard")
        self.keyboard_button.setCheckable(True)
        self.keyboard_button.clicked.connect(self._toggle_keyboard)
        search_row.addWidget(self.keyboard_button)
        left.addLayout(search_row)
        self.heading = label("", "", "list_heading")
        left.addWidget(self.heading)
        self.items = self.paged("items")
        left.addWidget(self.items, 1)
        self.split.addLayout(left, 3)
        # The right-hand (lower, in portrait) part: the categories, or the keyboard.
        self.category_box = QWidget()
        box = QVBoxLayout(self.category_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(spacing)
        box.addWidget(label("按类别查找：", "", "category_heading"))
        self.categories = self.paged("categories", prefer_all=True)
        box.addWidget(self.categories, 1)
        self.split.addWidget(self.category_box, 2)
        self.keyboard = Keyboard(self.search, pinyin=False)
        self.keyboard.hide()
        self.split.addWidget(self.keyboard, 2)
        self.body.addLayout(self.split, 1)
        self._shown_items: list[str] = []
        self._built = 0  # how many of the shown items have a tile
        self._limit = TILES_AT_ONCE
        self._shown_categories: list[str] = []
        self._columns = 0

    def _show_more(self) -> None:
        self._limit += TILES_AT_ONCE
        self.refresh()

    def _toggle_keyboard(self) -> None:
        typing = self.keyboard.isHidden()
        self.keyboard.setVisible(typing)
        self.category_box.setVisible(not typing)
        self.keyboard_button.setChecked(typing)

    def _query_changed(self, text: str) -> None:
        if text != self.journey.session.query:
            self.journey.set_query(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        # Side by side the categories get a column; stacked, the list gets the spare height.
        side = 2 if self.landscape else 0
        self.split.setStretch(1, side)
        self.split.setStretch(2, side)
        if self._category_columns() != self._columns:
            self._shown_categories = []  # re-flow the category tiles for the new width
            self.refresh()

    def _category_columns(self) -> int:
        return 2 if self.landscape else 3

    def refresh(self) -> None:
        session = self.journey.session
        if self.search.text() != session.query:
            self.search.blockSignals(True)
            self.search.setText(session.query)
            self.search.blockSignals(False)
        items = self.journey.visible_items()
        if session.query.strip():
            self.heading.setText(
                f"找到 {len(items)} 项：" if items else "没有找到，请换个说法，或按类别查找。"
            )
        elif session.category:
            self.heading.setText(f"“{session.category}”类事项：")
        else:
            self.heading.setText("大家常办的事项：")
        spacing = self.ctx.theme.spacing_px
        codes = [item.code for item in items]
        same_list = codes == self._shown_items
        if not same_list:
            self._limit = TILES_AT_ONCE
        if not same_list or self._built != min(self._limit, len(items)):
            tiles = []
            for item in items[: self._limit]:
                widget = button(f"{item.name}\n{item.department}", f"item_{item.code}", "primary")
                widget.setAccessibleName(f"{item.name}，{item.department}")
                widget.clicked.connect(lambda _=False, c=item.code: self.journey.choose_item(c))
                tiles.append(widget)
            rest = len(items) - len(tiles)
            if rest > 0:
                more = button(
                    f"再显示 {min(rest, TILES_AT_ONCE)} 项（还有 {rest} 项）", "more_items"
                )
                more.clicked.connect(self._show_more)
                tiles.append(more)
            # a new list starts on its first page; more of the same list keeps the page
            self.items.set_rows(rows_of(tiles, 1, spacing), keep_page=same_list)
            self._shown_items = codes
            self._built = min(self._limit, len(items))
        categories = self.journey.categories()
        self._columns = self._category_columns()
        if categories != self._shown_categories:
            tiles = []
            for index, category in enumerate(categories):
                widget = button(category, f"category_{index}")
                widget.setCheckable(True)
                widget.clicked.connect(lambda _=False, c=category: self.journey.choose_category(c))
                tiles.append(widget)
            self.categories.set_rows(rows_of(tiles, self._columns, spacing), keep_page=True)
            self._shown_categories = categories
        for index, category in enumerate(categories):
            tile = self.categories.findChild(QWidget, f"category_{index}")
            if tile is not None and hasattr(tile, "setChecked"):
                tile.setChecked(category == session.category)
        self.show_error()

    def wipe_personal(self) -> None:
        # isHidden, not isVisible: the wipe runs while another screen is shown, when
        # isVisible() is False even for a keyboard left open (the next resident found it open).
        if not self.keyboard.isHidden():
            self._toggle_keyboard()
