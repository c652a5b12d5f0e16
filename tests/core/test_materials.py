"""Materials know their routes; the promise rules (issue 13, items 1 and 3)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.catalogue import (
    CatalogueError,
    Route,
    TrustLevel,
    item_from_dict,
    item_to_dict,
    load_sample_catalogue,
)
from kiosk.materials import (
    ItemRoute,
    MaterialState,
    MaterialStatus,
    PromiseStatus,
    promise_due,
    routes_without_camera,
)
from kiosk.workdays import shipped_calendar

ROOT = Path(__file__).resolve().parents[2]


def _item(**material: object) -> dict[str, object]:
    return {
        "code": "T-1",
        "name": "测试事项",
        "department": "县民政局",
        "category": "社会救助",
        "guide": "说明",
        "materials": [{"name": "居民户口簿", **material}],
        "form": [{"key": "hukou", "label": "户口簿照片", "type": "attachment"}],
        "time_limit_days": 3,
    }


def test_materials_without_routes_default_to_counter_for_originals_and_scan_for_copies():
    item = item_from_dict(
        {**_item(), "materials": [{"name": "身份证", "original": True}, {"name": "复印件"}]}
    )
    assert [m.routes for m in item.materials] == [(Route.COUNTER,), (Route.SCAN,)]
    assert all(m.main and not m.promisable for m in item.materials)  # never assumed


def test_routes_round_trip_and_give_trust_levels():
    data = _item(
        routes=["scan", "e_licence", "promise", "counter"],
        main=False,
        field="hukou",
        licence_type="居民户口簿",
        promise_days=5,
    )
    item = item_from_dict(data)
    assert item_from_dict(item_to_dict(item)) == item
    material = item.materials[0]
    assert material.promisable and material.licence_type == "居民户口簿"
    assert [r.trust for r in material.routes] == [
        TrustLevel.C,
        TrustLevel.A,
        TrustLevel.D,
        TrustLevel.B,
    ]


@pytest.mark.parametrize(
    ("material", "why"),
    [
        ({"routes": ["promise"], "promise_days": 5}, "secondary"),  # main by default
        ({"routes": ["promise"], "main": False}, "promise_days"),
        ({"routes": ["e_licence"]}, "licence_type"),
        ({"routes": ["counter"], "field": "hukou"}, "route scan"),
        ({"routes": ["scan"], "field": "nope"}, "no form field"),
        ({"routes": []}, "no route"),
    ],
)
def test_inconsistent_routes_are_refused(material, why):
    with pytest.raises(CatalogueError, match=why):
        item_from_dict(_item(**material))


def test_every_sample_item_has_a_way_without_a_camera():
    for item in load_sample_catalogue():
        routes = routes_without_camera(item)
        assert routes, item.code
        needs_scan = any(f.type.value == "attachment" and f.required for f in item.form)
        assert (routes == (ItemRoute.FILE,)) is (not needs_scan), item.code


def test_catalogue_json_lists_routes_without_camera_and_each_materials_routes(tmp_path):
    env = {**os.environ, "KIOSK_HOME": str(tmp_path)}
    out = subprocess.run(
        [str(Path(sys.executable).parent / "kiosk"), "catalogue", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    ).stdout
    items = {entry["code"]: entry for entry in json.loads(out)}
    assert len(items) == 34
    assert all(entry["routes_without_camera"] for entry in items.values())
    assert items["RS-YL-001"]["routes_without_camera"] == ["file"]
    assert items["MZ-GL-001"]["routes_without_camera"] == [
        "e_licence",
        "promise",
        "book_window",
        "home_visit",
    ]
    hukou = next(m for m in items["MZ-GL-001"]["materials"] if m["name"] == "居民户口簿")
    assert hukou == {
        "name": "居民户口簿",
        "routes": ["scan", "e_licence", "promise", "counter"],
        "main": False,
        "trust": {"scan": "C", "e_licence": "A", "promise": "D", "counter": "B"},
        "field": "hukou_photo",
        "licence_type": "居民户口簿",
        "promise_days": 10,
    }


def test_promise_due_is_working_days_from_acceptance_and_never_beyond_the_time_limit():
    calendar = shipped_calendar()
    items = {i.code: i for i in load_sample_catalogue()}
    pension = items["MZ-GL-001"]  # 20 working days; the 户口簿 may be promised for 10
    hukou = pension.material("居民户口簿")
    friday = dt.date(2026, 12, 4)
    assert promise_due(calendar, pension, hukou, friday) == calendar.add_workdays(friday, 10)
    saturday = dt.date(2026, 12, 5)  # estimated from the next working day
    monday = dt.date(2026, 12, 7)
    assert promise_due(calendar, pension, hukou, saturday) == calendar.add_workdays(monday, 10)
    accepted = dt.date(2026, 12, 9)  # after acceptance: from the 受理日
    assert promise_due(calendar, pension, hukou, friday, accepted) == calendar.add_workdays(
        accepted, 10
    )
    short = item_from_dict(
        {
            **item_to_dict(pension),
            "time_limit_days": 3,  # the item's own limit is shorter than the promise
        }
    )
    assert promise_due(calendar, short, hukou, friday) == calendar.add_workdays(friday, 3)


def test_a_promise_reminds_before_its_due_date_and_lapses_after_it():
    calendar = shipped_calendar()
    due = dt.date(2026, 12, 18)  # a Friday
    state = MaterialState("居民户口簿", MaterialStatus.PROMISED, TrustLevel.D, due)
    assert state.promise_status(dt.date(2026, 12, 10), calendar) is PromiseStatus.OUTSTANDING
    assert state.promise_status(dt.date(2026, 12, 16), calendar) is PromiseStatus.DUE_SOON
    assert state.promise_status(due, calendar) is PromiseStatus.DUE_SOON
    assert state.promise_status(dt.date(2026, 12, 19), calendar) is PromiseStatus.LAPSED
    assert MaterialState.from_dict(state.to_dict()) == state
    assert "承诺后补，2026年12月18日前" in state.line()
