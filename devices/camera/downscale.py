"""Photos of papers, made small enough to store and send, and stripped of camera metadata.

A 高拍仪 takes 5–16 megapixel photos; 2,000 px on the long side still reads
every character of a 户口簿 page. Re-encoding as JPEG drops EXIF (GPS,
device serial) as well.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.errors import KioskError

MAX_IMAGE_SIDE = 2000
"""Long side in pixels of a photo or scan after downscaling (enough to read a document)."""

JPEG_QUALITY = 85


def downscale_image(content: bytes, max_side: int = MAX_IMAGE_SIDE) -> bytes:
    """``content`` (any image Pillow reads) as a JPEG no longer than ``max_side`` on either side.

    Raises :class:`~kiosk.errors.KioskError` (in Chinese) when the bytes are not an image.
    """
    try:
        with Image.open(io.BytesIO(content)) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise KioskError("无法读取照片，请重拍。") from exc
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
