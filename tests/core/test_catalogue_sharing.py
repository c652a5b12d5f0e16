"""Equal questions and materials of different items are held once (issue 16, goal 2).

The journey holds the whole catalogue for the life of the process; a county's repeats the
same questions (姓名, 公民身份号码) and materials (居民身份证) in thousands of items. Sharing
them must never change what an item says: each item still reads, and stores back, exactly
its own document.
"""

from __future__ import annotations

import copy
import gc
import json
from typing import Any

from kiosk import catalogue
from kiosk.catalogue import item_from_dict, item_to_dict, load_sample_catalogue


def _documents() -> list[dict[str, Any]]:
    return [item_to_dict(item) for item in load_sample_catalogue()]


def _with_name_field(code: str, minimum: float | int | None = None) -> dict[str, Any]:
    document = copy.deepcopy(_documents()[0])
    document["code"] = code
    field: dict[str, Any] = {"key": "age", "label": "年龄", "type": "number"}
    if minimum is not None:
        field["min"] = minimum
    document["form"] = [*document["form"], field]
    return document


def test_equal_questions_and_materials_of_two_items_are_one_object() -> None:
    first = item_from_dict(_with_name_field("T-1"))
    second = item_from_dict(_with_name_field("T-2"))
    assert first is not second
    for a, b in zip(first.form, second.form, strict=True):
        assert a is b
    for a, b in zip(first.materials, second.materials, strict=True):
        assert a is b
    assert first.department is second.department


def test_a_different_question_is_not_shared() -> None:
    first = item_from_dict(_with_name_field("T-1"))
    changed = _with_name_field("T-2")
    changed["form"][-1]["label"] = "周岁"
    second = item_from_dict(changed)
    assert first.field("age") is not second.field("age")
    assert second.field("age").label == "周岁"


def test_each_item_stores_back_exactly_its_own_document() -> None:
    """1 and 1.0 are equal in Python; an item whose document said 1.0 must still say 1.0."""
    whole = item_from_dict(_with_name_field("T-1", minimum=1))
    fractional = item_from_dict(_with_name_field("T-2", minimum=1.0))
    assert json.dumps(item_to_dict(whole)["form"][-1]["min"]) == "1"
    assert json.dumps(item_to_dict(fractional)["form"][-1]["min"]) == "1.0"
    for document in _documents():
        assert item_to_dict(item_from_dict(document)) == document


def test_questions_no_item_holds_any_more_are_forgotten() -> None:
    gc.collect()
    before = len(catalogue._FIELDS)
    items = [item_from_dict(_with_name_field("T-1"))]
    changed = _with_name_field("T-2")
    changed["form"][-1]["label"] = "只在这一项里的问题"
    items.append(item_from_dict(changed))
    assert len(catalogue._FIELDS) > before
    del items
    gc.collect()
    assert len(catalogue._FIELDS) == before
