"""Promised materials reach the platform (issue 13, item 3): a kiosk filing under a commitment,
synced to the reference platform on 127.0.0.1, and the platform's operator view lists them."""

from __future__ import annotations

from pathlib import Path

from kiosk.core import KioskCore
from kiosk.paths import DataDir
from tests.core.test_promise_queue import HUKOU, _file_with_promise
from tests.sync.synchelpers import Platform


def test_promised_materials_and_the_commitment_reach_the_platform(
    platform: Platform, kiosk_store, make_engine, tmp_path: Path
) -> None:
    core = KioskCore.open(DataDir(tmp_path / "kiosk"))
    try:
        filed = _file_with_promise(core)
    finally:
        core.close()
    engine = make_engine()
    engine.run_until_idle()
    (row,) = platform.db.applications()
    assert row["id"] == filed.id and row["status"] == "received"
    promised = [m for m in row["materials"] if m["status"] == "promised"]
    assert promised == [
        {"name": HUKOU, "status": "promised", "trust": "D", "due_on": promised[0]["due_on"]}
    ]
    assert row["commitment"]["text"].startswith("本人申请办理“高龄津贴申领”")
    stored = kiosk_store.application(filed.id)
    assert stored.state.value == "acknowledged" or stored.state.is_delivered
