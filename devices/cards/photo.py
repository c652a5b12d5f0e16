"""The card photo: 1,024 bytes of the proprietary WLT format, kept raw.

Decoding WLT needs the card-reader vendor's licensed library (``libwlt2bmp`` and
similar). We never ship or imitate one: a terminal that owns a licence passes a
:class:`WltDecoder` to whoever shows the photo (chosen by the wiring code); without
one the UI shows a placeholder.
"""

from __future__ import annotations

from typing import Protocol

WLT_SIZE = 1024


class WltDecoder(Protocol):
    """A licensed WLT decoder supplied by the terminal's integrator."""

    def decode(self, wlt: bytes) -> bytes:
        """Return the photo as an image file (BMP or PNG bytes)."""
        ...


def decode_photo(wlt: bytes | None, decoder: WltDecoder | None) -> bytes | None:
    """The decoded image, or None when there is no photo or no decoder (show a placeholder)."""
    if decoder is None or not wlt:
        return None
    return decoder.decode(wlt)
