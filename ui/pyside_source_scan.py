"""PySide6's scan of every imported module, without keeping every module's source in memory.

PySide6 (PYSIDE-2029, ``shibokensupport/feature.py``) hooks ``import``: for each module
imported after it, ``_mod_uses_pyside`` calls ``inspect.getsource(module)`` to look for the
word ``PySide6`` (a module that uses PySide may switch ``__feature__`` options). ``inspect``
reads the file through :mod:`linecache`, which keeps every line of every file it read for
the life of the process: in the kiosk, ~260 files, 3.9 MB of source text and ~5 MB of heap
that nothing ever reads again (issue 16, goal 2), and each import tokenizes its file first.

:func:`scan_without_caching` asks the same question of the file's bytes. Anything else
(a module without a ``.py`` file, a PySide6 without this hook) goes to PySide6's own check.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

_MARK = "_kiosk_reads_bytes"


def scan_without_caching() -> None:
    """Replace PySide6's source scan (once) and drop the sources it already cached."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or upstream is None or getattr(upstream, _MARK, False):
        return

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(upstream(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(upstream(module))

    setattr(mod_uses_pyside, _MARK, True)
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
    linecache.clearcache()
