"""A process's memory as ``/proc/PID/status`` gives it: the benches' one reader.

``VmRSS`` is what goal 2 compares; its parts say what kind of memory it is: ``RssAnon`` the
heap (Python objects, Qt's widgets and caches), ``RssFile`` pages mapped from disk
(libraries, fonts, dictionaries), shared with other processes and dropped by the kernel
under memory pressure. Plain ``open``: measured child processes import it, and it must add
nothing worth measuring to what they measure.
"""

from __future__ import annotations

_FIELDS = {"VmRSS": "rss_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """``rss_mb``, ``anon_mb`` and ``file_mb`` of process ``pid`` (this one by default)."""
    found: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in _FIELDS:
                found[_FIELDS[key]] = int(value.split()[0]) / 1024
    return found
