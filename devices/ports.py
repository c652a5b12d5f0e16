"""What a refused device port means, for every serial device (card reader, receipt printer).

pyserial raises ``SerialException(errno, text)`` for an ``open()`` the system refused.
EACCES / EPERM mean the device node is there but the kiosk's user may not use it (not in
the ``dialout`` group, or a udev rule): no re-plugging or new cable will fix it, so the
devices report it apart from a port that is gone, and the doctor says what will.
"""

from __future__ import annotations

import errno

_DENIED = frozenset({errno.EACCES, errno.EPERM})


def permission_refused(exc: BaseException) -> bool:
    """True when opening a port failed because this user may not open it."""
    return isinstance(exc, PermissionError) or getattr(exc, "errno", None) in _DENIED
