"""Code tables printed on the card as names but stored in the chip as numbers.

Nation (民族) codes: GB 3304-1991 "中国各民族名称的罗马字母拼写法和代码"; the card shows
the name without 族 (e.g. 汉), as here. Gender: GB/T 2261.1-2003.
"""

from __future__ import annotations

NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺",
}  # fmt: skip
"""The 56 nationalities of GB 3304, keyed by their two-digit code."""

OTHER_NATIONS: dict[str, str] = {"97": "其他", "98": "外国血统中国籍人士"}
"""GB 3304's two catch-all codes; they do occur on cards."""

GENDERS: dict[str, str] = {"1": "男", "2": "女"}
"""GB/T 2261.1 codes 1 and 2; 0 (未知) and 9 (未说明) are not printed on ID cards."""


def nation_name(code: str) -> str | None:
    """The Chinese name for a nation code such as ``01`` (or ``1``); None when unknown."""
    key = code.strip().zfill(2)
    return NATIONS.get(key) or OTHER_NATIONS.get(key)


def nation_code(name: str) -> str:
    """The inverse of :func:`nation_name`, used by the simulator; KeyError when unknown."""
    for table in (NATIONS, OTHER_NATIONS):
        for code, known in table.items():
            if known == name:
                return code
    raise KeyError(name)


def gender_name(code: str) -> str | None:
    """男/女 for ``1``/``2``; None for anything else."""
    return GENDERS.get(code.strip())


def gender_code(name: str) -> str:
    """The inverse of :func:`gender_name`; KeyError when unknown."""
    for code, known in GENDERS.items():
        if known == name:
            return code
    raise KeyError(name)
