"""The core's exception types.

Every error a resident or staff member can cause carries a message in
Simplified Chinese that says what is wrong and what to do; the UI shows it as is.
"""


class KioskError(Exception):
    """Base of all errors raised by the core."""


class ValidationError(KioskError):
    """A value entered by a person is not acceptable; ``field`` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class InvalidTransition(KioskError):
    """A state machine was asked for a move it does not allow: a bug, never user input."""


class StoreError(KioskError):
    """The local database cannot be used (corrupt, unreadable key, full disk)."""
