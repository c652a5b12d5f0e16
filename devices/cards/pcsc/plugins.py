"""Plug-in points for what public specifications do not give us.

* :class:`PinPrompt`: some regions' social-security cards want the holder's PIN
  before EF06 can be read (status ``69 82``). The UI implements it with a keypad
  screen; tests with a scripted fake.
* :class:`PsamDriver`: official terminals authenticate the card through a PSAM
  (the ``iReadCardBas`` family of the MOHRSS terminal interface). Its keys and
  commands are not public, so the integrator of a licensed terminal supplies it.
"""

from __future__ import annotations

from typing import Protocol

from devices.cards.pcsc.apdu import RawTransmit


class PinPrompt(Protocol):
    """Ask the card holder for their PIN; None when they cancel."""

    def ask_pin(self, attempts_left: int | None) -> str | None: ...


class PsamDriver(Protocol):
    """Authenticate the inserted card with a PSAM before its files are read."""

    def authenticate(self, card: RawTransmit) -> None:
        """Raise an exception when the card is not genuine."""
        ...
