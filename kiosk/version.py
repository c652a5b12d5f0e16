"""The kiosk software's version: one look-up for enrolment, sync and the diagnostics screen.

It is the installed distribution's version (``pyproject.toml``); a source tree
that was never installed reports ``dev``.
"""

from __future__ import annotations

from importlib import metadata

UNINSTALLED = "dev"


def kiosk_version() -> str:
    try:
        return metadata.version("kiosk")
    except metadata.PackageNotFoundError:
        return UNINSTALLED
