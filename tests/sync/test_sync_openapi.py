"""docs/openapi.json is generated from the same models the code uses, and is current."""

from __future__ import annotations

import json
from pathlib import Path

from sync.openapi import build_openapi, render

ROOT = Path(__file__).resolve().parents[2]


def test_committed_openapi_is_current():
    committed = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == render(), "run: python scripts/gen_openapi.py"


def test_openapi_references_resolve():
    doc = build_openapi()
    text = json.dumps(doc)
    schemas = doc["components"]["schemas"]
    for name in (
        "BatchRequest",
        "BatchAck",
        "ApplicationUpload",
        "AttachmentState",
        "StatusPage",
        "Heartbeat",
    ):
        assert name in schemas
    import re

    for ref in set(re.findall(r'"#/components/schemas/([A-Za-z0-9_]+)"', text)):
        assert ref in schemas, ref
