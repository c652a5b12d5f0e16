"""The soak (bench/soak.py) in miniature: every kind of fault once or twice in 18 s, and the
reckoning still finds nothing lost and nothing duplicated. The 10-minute run is in
docs/benchmarks.md; this keeps the harness itself from rotting."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _count(table: str, label: str) -> int:
    match = re.search(rf"^\| {re.escape(label)}\s*\|\s*(\d+) \|$", table, re.MULTILINE)
    assert match, f"no row {label!r} in\n{table}"
    return int(match.group(1))


@pytest.mark.slow
def test_soak_smoke_loses_and_duplicates_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--minutes", "0.3", "--seed", "3"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert _count(table, "lost (must be 0)") == 0
    assert _count(table, "duplicated on the platform (must be 0)") == 0
    filed = _count(table, "filed (submit returned a number)")
    assert filed > 0
    assert _count(table, "delivered exactly once") + _count(table, "quarantined") == filed
