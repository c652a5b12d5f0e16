"""The walker: every catalogue item, a card, no camera, online and offline (issue 13, Must show)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kiosk.catalogue import load_sample_catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_no_item_ends_at_the_counter_with_nothing_booked():
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "walk_items.py"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    rows = {row["code"]: row for row in json.loads(run.stdout)}
    open_items = [i.code for i in load_sample_catalogue() if i.accepts_new]
    assert sorted(rows) == sorted(open_items)
    assert not [code for code, row in rows.items() if row["dead_end"]]
    ends = {row["online"] for row in rows.values()} | {row["offline"] for row in rows.values()}
    # every route really ends the visit: filed (directly, promise, e-licence) or booked
    assert ends == {
        "filed",
        "filed with promise",
        "filed with e-licence",
        "window booked",
        "home visit requested",
    }
    promised = {code for code, row in rows.items() if row["offline"] == "filed with promise"}
    assert promised == {"MZ-DB-001", "MZ-TK-001", "MZ-DS-001", "MZ-GL-001", "ZJ-WF-001"}
    fetched = {code for code, row in rows.items() if row["online"] == "filed with e-licence"}
    assert {"MZ-CJ-001", "XZ-ZJ-001", "MZ-DB-001"} <= fetched
    assert not any(row["offline"] == "filed with e-licence" for row in rows.values())
    # Nothing waits for a route that is not built; what is not filed is booked.
    for column, booked in (("online", "home visit requested"), ("offline", "window booked")):
        not_filed = {code for code, row in rows.items() if not row[column].startswith("filed")}
        assert not_filed, column
        assert {rows[code][column] for code in not_filed} == {booked}
        for code in not_filed:
            assert {"book_window", "home_visit"} <= set(rows[code]["routes"]), code
    assert not any(row["pending"] for row in rows.values())
    assert rows["MZ-CJ-001"]["online"] == "filed with e-licence"
    assert rows["MZ-CJ-001"]["offline"] == "window booked"
    assert rows["CL-ZZ-001"]["online"] == "home visit requested"


def test_docs_ui_holds_the_walkers_table():
    table = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "walk_items.py")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout.strip()
    assert table in (ROOT / "docs" / "ui.md").read_text(encoding="utf-8")
