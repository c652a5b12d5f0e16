"""Errors of the printouts package."""

from __future__ import annotations

from kiosk.errors import KioskError


class PrintoutError(KioskError):
    """A printout cannot be produced."""


class FontMissingError(PrintoutError):
    """No usable CJK font is installed; the message names the Debian package to install."""
