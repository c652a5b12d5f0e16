"""PySide6's import hook no longer keeps the source of every imported module (issue 16, goal 2).

Checked in a fresh interpreter, where PySide6's hook sees every import as the kiosk's does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import json, linecache, sys
sys.path.insert(0, ROOT)
sys.path.insert(0, MODULES)
import PySide6.QtCore
import kiosk.settings          # imported after PySide6, before the kiosk's UI: cached by the hook
before = len(linecache.cache)
import ui                      # replaces the scan and drops what it cached
import importer                # imports one module that uses PySide6 and one that does not
feature = sys.modules["shibokensupport.feature"].pyside_feature_dict
print(json.dumps({
    "cached_before": before,
    "cached_after": sorted(linecache.cache),
    "uses_qt": feature.get("uses_qt"),
    "plain": feature.get("plain"),
}))
"""


def _run(modules: Path) -> dict[str, object]:
    (modules / "uses_qt.py").write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    (modules / "plain.py").write_text("import json\n", encoding="utf-8")
    (modules / "importer.py").write_text("import plain\nimport uses_qt\n", encoding="utf-8")
    code = _CHILD.replace("ROOT", repr(str(ROOT))).replace("MODULES", repr(str(modules)))
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    found: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return found


def test_imported_modules_are_scanned_without_their_sources_kept(tmp_path: Path) -> None:
    found = _run(tmp_path)
    assert isinstance(found["cached_before"], int) and found["cached_before"] > 0  # the fault
    assert found["cached_after"] == []
    # The hook's answer is unchanged: 0 for a module that uses PySide6, -1 for one that does not.
    assert found["uses_qt"] == 0
    assert found["plain"] == -1
