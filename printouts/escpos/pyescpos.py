"""The commands taken from python-escpos: QR codes, raster images and the cut.

Its ``Dummy`` printer collects the exact bytes a call would send, so we use it
as a byte builder and keep the sending to our own adapter. python-escpos is
imported on first use: it parses its capability database on import (about
0.3 s), which the kiosk's start-up should not wait for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import qrcode
from PIL import Image

if TYPE_CHECKING:
    from escpos.printer import Dummy


def _dummy() -> Dummy:
    from escpos.printer import Dummy

    return Dummy()


def qr_native(payload: str, module: int) -> bytes:
    """``GS ( k``: model 2 (fn 65), module size (fn 67), EC level M (fn 69), store (fn 80),
    print (fn 81).

    Spec: https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/gs_lparen_lk_fn180.html
    """
    from escpos.constants import QR_ECLEVEL_M

    d = _dummy()
    d.qr(payload, ec=QR_ECLEVEL_M, size=module, native=True)
    return bytes(d.output)


#: Quiet zone around a QR code, in modules: ISO/IEC 18004 asks for 4. With less,
#: a phone camera may take the printed text beside the code for modules and fail.
QR_QUIET_ZONE = 4


def qr_image(payload: str, module: int, width_dots: int) -> Image.Image:
    """A QR code as a 1-bit image, centred in the paper width (for printers without ``GS ( k``).

    The image includes the 4-module quiet zone (white on paper: blank dots). The
    module shrinks, down to 1 dot, when the code would not fit the paper at ``module``.
    """
    code = qrcode.QRCode(
        version=None,
        box_size=module,
        border=QR_QUIET_ZONE,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    side = code.modules_count + 2 * QR_QUIET_ZONE
    code.box_size = max(1, min(module, width_dots // side))
    img = code.make_image().get_image().convert("1")
    canvas = Image.new("1", (width_dots, img.height), 1)
    canvas.paste(img, ((width_dots - img.width) // 2, 0))
    return canvas


def raster(image: Image.Image) -> bytes:
    """``GS v 0``: a raster bit image, 8 pixels a byte, black = 1.

    Spec: https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/gs_lv_0.html
    """
    d = _dummy()
    # Tell python-escpos the width so it checks it instead of printing a notice on stdout.
    d.profile.profile_data = dict(d.profile.profile_data, media={"width": {"pixels": image.width}})
    d.image(image, impl="bitImageRaster", center=False)
    return bytes(d.output)


def cut() -> bytes:
    """``ESC d 6`` then ``GS V 0``: feed past the tear bar and cut fully.

    Spec: https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/gs_cv.html
    (models with a partial cutter only treat it as a partial cut).
    """
    d = _dummy()
    d.cut()
    return bytes(d.output)
