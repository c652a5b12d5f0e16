"""Ending a speech-dispatcher that stopped answering, so the next text can start a new one.

speech-dispatcher 0.11.4 deadlocks when its audio output goes away (seen here: "Audio event
but server audio not set up"; its espeak-ng module blocks writing to it): it keeps the
socket and never answers again, and ignores SIGTERM. On a terminal that is a USB speaker
pulled out or a sound server restarted, and read-aloud would stay silent until someone
came to reboot it. The voice ends such a dispatcher at most once per
:data:`RESTART_EVERY_S` (:mod:`devices.voice.speaker`) and the next text starts a new one,
the way libspeechd starts one where nothing listens.

Only a process that is plainly that dispatcher is ended: the one holding the socket (its
peer credentials), running as this user, named ``speech-dispatcher``, and never this
process.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

RESTART_EVERY_S = 600.0
"""A dispatcher that hangs again at once (no audio at all) is not ended over and over."""

_COMM = "speech-dispatch"  # /proc/PID/comm holds the first 15 bytes of the name


def end_silent_dispatcher(pid: int, *, grace_s: float = 2.0) -> str:
    """End ``pid`` if it is this user's speech-dispatcher: "" if it ended, else why not."""
    why_not = _not_ours(pid)
    if why_not is not None:
        return why_not
    for sig in (signal.SIGTERM, signal.SIGKILL):  # the deadlocked one ignores SIGTERM
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return ""
        except PermissionError:
            return "not allowed to end the silent speech-dispatcher"
        if _ended(pid, grace_s):
            return ""
    return "the silent speech-dispatcher did not end"


def _not_ours(pid: int) -> str | None:
    """Why ``pid`` is not to be ended ("" if it is gone already), or None if it may be."""
    if pid == os.getpid():
        return "the silent socket is this process's own"
    proc = Path(f"/proc/{pid}")
    try:
        comm = (proc / "comm").read_text().strip()
        owner = proc.stat().st_uid
    except OSError:
        return ""
    if comm != _COMM:
        return f"the silent socket belongs to {comm!r}, not speech-dispatcher"
    if owner != os.getuid():
        return "the silent speech-dispatcher belongs to another user"
    return None


def _ended(pid: int, within_s: float) -> bool:
    """Waits for every thread of ``pid`` to end: only then are its files, the listening
    socket among them, closed (the main thread alone can be a zombie while others still
    hold them, and a connection made then is reset)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if all(state in ("Z", "X", "") for state in _thread_states(pid)):
            return True
        time.sleep(0.02)
    return False


def _thread_states(pid: int) -> list[str]:
    """The state letter of each thread of ``pid``; empty once it is gone."""
    states = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    for task in tasks:
        try:
            states.append((task / "stat").read_text().rsplit(")", 1)[1].split()[0])
        except (OSError, IndexError):
            states.append("")
    return states
