"""The hand-made stroke set (tests/input/strokes/) and skips for engines not installed here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

STROKES = Path(__file__).with_name("strokes") / "set.json"


@pytest.fixture(scope="session")
def stroke_set() -> list[dict]:
    return json.loads(STROKES.read_text(encoding="utf-8"))["characters"]


@pytest.fixture(scope="session")
def zinnia():
    from devices.input.handwriting import HandwritingUnavailable
    from devices.input.zinnia import ZinniaRecogniser

    try:
        recogniser = ZinniaRecogniser()
    except HandwritingUnavailable as exc:
        pytest.skip(f"zinnia not installed here (scripts/setup installs it): {exc}")
    yield recogniser
    recogniser.close()


@pytest.fixture(scope="session")
def rime():
    from devices.input import rime as rime_module

    if not rime_module.available():
        pytest.skip(
            "librime / rime-data-luna-pinyin not installed here (scripts/setup installs them)"
        )
    engine = rime_module.shared_engine()
    engine.wait_ready()
    return engine
