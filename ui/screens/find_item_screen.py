"""选择事项: most used first, category tiles, search by hanzi or pinyin initials."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit

from kiosk.journey import Step
from ui.screens.base import Screen
from ui.widgets import Keyboard, button, clear_layout, label


class FindItemScreen(Screen):
    step = Step.FIND_ITEM
    title_text = "您要办理什么事？"

    def build(self) -> None:
        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("输入事项名称或拼音首字母，如 ylbx")
        self.search.textChanged.connect(self._query_changed)
        search_row.addWidget(self.search, 1)
        self.keyboard_button = button("⌨ 打字搜索", "show_keyboard")
        self.keyboard_button.clicked.connect(self._toggle_keyboard)
        search_row.addWidget(self.keyboard_button)
        self.body.addLayout(search_row)
        self.keyboard = Keyboard(self.search, pinyin=False)
        self.keyboard.hide()
        self.body.addWidget(self.keyboard)
        self.heading = label("", "", "list_heading")
        self.body.addWidget(self.heading)
        self.items = QGridLayout()
        self.items.setSpacing(self.ctx.theme.spacing_px)
        self.body.addLayout(self.items)
        self.body.addWidget(label("按类别查找：", "", "category_heading"))
        self.categories = QGridLayout()
        self.categories.setSpacing(self.ctx.theme.spacing_px)
        self.body.addLayout(self.categories)
        self.body.addStretch(1)

    def _toggle_keyboard(self) -> None:
        self.keyboard.setVisible(not self.keyboard.isVisible())

    def _query_changed(self, text: str) -> None:
        if text != self.journey.session.query:
            self.journey.set_query(text)

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
        clear_layout(self.items)
        columns = 2 if self.landscape else 1
        for index, item in enumerate(items):
            widget = button(f"{item.name}\n{item.department}", f"item_{item.code}", "primary")
            widget.clicked.connect(lambda _=False, c=item.code: self.journey.choose_item(c))
            self.items.addWidget(widget, index // columns, index % columns)
        clear_layout(self.categories)
        for index, category in enumerate(self.journey.categories()):
            widget = button(category, f"category_{index}")
            widget.setCheckable(True)
            widget.setChecked(category == session.category)
            widget.clicked.connect(lambda _=False, c=category: self.journey.choose_category(c))
            self.categories.addWidget(widget, index // 3, index % 3)
        self.show_error()
