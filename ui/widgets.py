"""Building blocks shared by the screens: big buttons, error labels, number pad, pinyin keyboard."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def button(text: str, name: str, role: str = "secondary") -> QPushButton:
    """A tappable button; ``name`` is its objectName (tests and read-aloud find it by that)."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setProperty("role", role)
    widget.setAccessibleName(text)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # taps must not steal the text field's focus
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return widget


def label(text: str = "", role: str = "", name: str = "") -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    if name:
        widget.setObjectName(name)
    return widget


class ErrorLabel(QLabel):
    """A message right next to the field it is about; a ✕ sign so colour is never the only signal."""

    def __init__(self, name: str = "error") -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "error")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_message(self, message: str) -> None:
        if message:
            self.setText(f"✕ {message}")
            self.show()
        else:
            self.clear()
            self.hide()


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and sub-layout of ``layout``."""
    while layout.count():
        child = layout.takeAt(0)
        if child is None:
            break
        widget = child.widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        sub = child.layout()
        if sub is not None:
            clear_layout(sub)


Editable = QLineEdit | QPlainTextEdit


def _insert(target: Editable, text: str) -> None:
    if isinstance(target, QLineEdit):
        target.insert(text)
    else:
        target.insertPlainText(text)


def _backspace(target: Editable) -> None:
    if isinstance(target, QLineEdit):
        target.backspace()
    else:
        cursor = target.textCursor()
        cursor.deletePreviousChar()
        target.setTextCursor(cursor)


class NumberPad(QWidget):
    """Large digit keys for numbers, phone and ID numbers (with an X key for the check digit)."""

    def __init__(
        self, target: Editable | None = None, *, with_x: bool = False, with_dash: bool = False
    ) -> None:
        super().__init__()
        self.target = target
        grid = QGridLayout(self)
        grid.setSpacing(16)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        last_row = ["X" if with_x else ("-" if with_dash else ""), "0", "删除"]
        for index, key in enumerate(keys + last_row):
            if not key:
                continue
            name = "key_backspace" if key == "删除" else f"key_{key}"
            widget = button(key, name, "key")
            widget.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(widget, index // 3, index % 3)

    def _press(self, key: str) -> None:
        if self.target is None:
            return
        if key == "删除":
            _backspace(self.target)
        else:
            _insert(self.target, key)


_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")

# Characters residents type most (names, places, this kiosk's words), offered first;
# the rest follow in GB2312 level-1 then level-2 order.
_COMMON = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她"
    "里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从"
    "动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等"
    "几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山"
    "五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更"
    "反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度"
    "统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近"
    "留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令"
    "黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯"
    "专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切图罗养险医证户籍补贴残疾困助救临登居村镇乡县省街"
    "号楼室刘陈杨赵吴周徐孙胡朱高林何郭罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余"
    "潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
    "芳娟敏静丽强磊军洋勇艳杰娜涛明超秀霞平刚桂英华兰梅珍凤玉云莲红燕萍"
)


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _pinyin_index() -> dict[str, list[str]]:
    """Toneless syllable → common characters, most common first (built once, on first use)."""
    from pypinyin.pinyin_dict import pinyin_dict

    rank = {ch: i for i, ch in enumerate(dict.fromkeys(_COMMON))}
    index: dict[str, list[tuple[int, str]]] = {}
    for code, readings in pinyin_dict.items():
        char = chr(code)
        try:
            encoded = char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(encoded) != 2 or encoded[0] < 0xB0:
            continue
        level = 0 if char in rank else (1 if encoded[0] <= 0xD7 else 2)
        order = rank.get(char, 0) + level * 100_000 + code / 1_000_000
        for reading in readings.split(","):
            index.setdefault(_toneless(reading), []).append((int(order * 1000), char))
    return {key: list(dict.fromkeys(c for _, c in sorted(chars))) for key, chars in index.items()}


def pinyin_candidates(letters: str, limit: int = 8) -> list[str]:
    """Characters read ``letters`` (one syllable, or the start of one), most common first."""
    if not letters:
        return []
    index = _pinyin_index()
    exact = index.get(letters, [])
    if len(exact) >= limit:
        return exact[:limit]
    more = [
        c
        for key, chars in sorted(index.items())
        if key.startswith(letters) and key != letters
        for c in chars[:3]
    ]
    return list(dict.fromkeys(exact + more))[:limit]


class Keyboard(QWidget):
    """On-screen letters with a pinyin mode: type a syllable, tap the character.

    In letter mode (``pinyin=False``) letters go straight into the field, which is
    how residents search by pinyin initials (``ylbx`` → 养老保险).
    """

    composing_changed = Signal(str)

    def __init__(self, target: Editable | None = None, *, pinyin: bool = True) -> None:
        super().__init__()
        self.target = target
        self.pinyin = pinyin
        self.buffer = ""
        outer = QVBoxLayout(self)
        outer.setSpacing(12)
        bar = QHBoxLayout()
        self.composing = label("", "muted", "composing")
        bar.addWidget(self.composing, 1)
        self.mode = button("拼音", "key_mode", "secondary")
        self.mode.setCheckable(True)
        self.mode.setChecked(pinyin)
        self.mode.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.mode.clicked.connect(self._toggle_mode)
        bar.addWidget(self.mode)
        outer.addLayout(bar)
        self.candidates = QHBoxLayout()
        self.candidates.setSpacing(12)
        outer.addLayout(self.candidates)
        for row_keys in ("1234567890", *_QWERTY):
            row = QHBoxLayout()
            row.setSpacing(10)
            for key in row_keys:
                widget = button(key.upper() if key.isalpha() else key, f"key_{key}", "key")
                widget.clicked.connect(lambda _=False, k=key: self._press(k))
                row.addWidget(widget)
            outer.addLayout(row)
        last = QHBoxLayout()
        last.setSpacing(10)
        for text, name, handler in (
            ("空格", "key_space", lambda: self._commit(" ")),
            ("删除", "key_backspace", self._backspace),
        ):
            widget = button(text, name, "key")
            widget.clicked.connect(handler)
            last.addWidget(widget)
        outer.addLayout(last)
        self._show_candidates()

    def _toggle_mode(self) -> None:
        self.pinyin = self.mode.isChecked()
        self.mode.setText("拼音" if self.pinyin else "字母")
        self.buffer = ""
        self._show_candidates()

    def _press(self, key: str) -> None:
        if self.pinyin and key.isalpha():
            self.buffer += key
            self._show_candidates()
        else:
            self._commit(key)

    def _commit(self, text: str) -> None:
        if self.target is not None:
            _insert(self.target, text)
        self.buffer = ""
        self._show_candidates()

    def _backspace(self) -> None:
        if self.buffer:
            self.buffer = self.buffer[:-1]
            self._show_candidates()
        elif self.target is not None:
            _backspace(self.target)

    def _show_candidates(self) -> None:
        clear_layout(self.candidates)
        self.composing.setText(f"拼音：{self.buffer}" if self.buffer else "")
        self.composing_changed.emit(self.buffer)
        for index, char in enumerate(pinyin_candidates(self.buffer)):
            widget = button(char, f"candidate_{index}", "key")
            widget.clicked.connect(lambda _=False, c=char: self._commit(c))
            self.candidates.addWidget(widget)
