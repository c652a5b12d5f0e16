"""The Qt binding must not corrupt Python's reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to ``True`` on every ``Signal.emit()``
from Python: after a few thousand emits (a morning of touches at a kiosk) the
interpreter aborts with ``Fatal Python error: bool_dealloc``. pyproject.toml keeps
PySide6 below 6.12; this test fails fast if a binding with that fault is installed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    bare = Signal()
    text = Signal(str)


def test_signal_emit_leaves_the_refcounts_of_true_false_and_none_alone(qapp):
    emitter = _Emitter()
    received: list[object] = []
    emitter.bare.connect(lambda: received.append(None))
    emitter.text.connect(received.append)
    before = {name: sys.getrefcount(value) for name, value in _SINGLETONS.items()}
    for _ in range(200):  # well below the ~900 that abort a fresh interpreter
        emitter.bare.emit()
        emitter.text.emit("x")
    received.clear()
    after = {name: sys.getrefcount(value) for name, value in _SINGLETONS.items()}
    dropped = {name: before[name] - after[name] for name in before if after[name] < before[name]}
    assert not dropped, f"the Qt binding drops references: {dropped}"
    assert len(emitter.children()) == 0


_SINGLETONS = {"True": True, "False": False, "None": None}
