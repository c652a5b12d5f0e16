"""Pinyin input: the engine Protocol and the twin (one syllable, common characters first).

The keyboard keeps the letters typed so far and asks the engine for candidates;
when the resident picks one, :meth:`PinyinEngine.pick` says what goes into the
field and which letters are still waiting (picking 张 for ``zhangsan`` leaves
``san``). The real engine is librime (:mod:`devices.input.rime`): whole words
and place names, fuzzy zh/z, ch/c, sh/s. The twin here, over pypinyin's
character readings, offers single characters only; it is what runs where
librime is not installed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Pick:
    """The text to insert now and the letters still being composed."""

    text: str
    rest: str = ""


class PinyinUnavailable(RuntimeError):
    """The engine cannot give candidates (librime's deployment failed): use the twin."""


@runtime_checkable
class PinyinEngine(Protocol):
    """Letters to candidates, best first. Keeps nothing between calls that a resident typed."""

    @property
    def name(self) -> str: ...

    @property
    def ready(self) -> bool:
        """``candidates`` answers at once (librime deploys in the background first: a
        keyboard shows the letters typed meanwhile and their candidates once ready)."""
        ...

    def candidates(self, letters: str, limit: int = 10) -> list[str]:
        """Candidates for ``letters`` (a-z only), best first; [] for no letters."""
        ...

    def pick(self, letters: str, index: int) -> Pick:
        """Choose candidate ``index`` of ``candidates(letters)``."""
        ...


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


def syllable_candidates(letters: str, limit: int = 8) -> list[str]:
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


class SyllableEngine:
    """The twin: one syllable at a time; picking a character ends the composition."""

    name = "syllable"
    ready = True

    def candidates(self, letters: str, limit: int = 10) -> list[str]:
        return syllable_candidates(letters, limit)

    def pick(self, letters: str, index: int) -> Pick:
        found = syllable_candidates(letters, max(index + 1, 10))
        return Pick(found[index] if 0 <= index < len(found) else "", "")
