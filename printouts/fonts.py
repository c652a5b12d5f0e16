"""Where the CJK fonts are, for raster fallbacks (Pillow) and PDFs (reportlab).

Two different needs, two different fonts:

* Pillow (FreeType) reads any OpenType font, so raster lines and simulator PNGs
  use Noto Sans CJK SC (Debian ``fonts-noto-cjk``), which also has rare name
  characters such as 𠮷.
* reportlab's ``TTFont`` only embeds TrueType (``glyf``) outlines and refuses
  Noto Sans CJK's CFF outlines ("postscript outlines are not supported"), so
  PDFs embed Droid Sans Fallback (Debian ``fonts-droid-fallback``, TrueType,
  28 602 glyphs covering GBK), with WenQuanYi Zen Hei / Micro Hei or AR PL
  UMing used when present instead. See docs/printouts.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from printouts.errors import FontMissingError


@dataclass(frozen=True, slots=True)
class FontFile:
    """A font file and the face index inside a collection (``.ttc``)."""

    path: Path
    index: int = 0


# Noto Sans CJK collections hold JP, KR, SC, TC, HK in this order; 2 is SC.
_RASTER_REGULAR = (
    FontFile(Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    FontFile(Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")),
    FontFile(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")),
)
_RASTER_BOLD = (
    FontFile(Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"), 2),
    *_RASTER_REGULAR,
)
_PDF_TRUETYPE = (
    FontFile(Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")),
    FontFile(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")),
    FontFile(Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")),
    FontFile(Path("/usr/share/fonts/truetype/arphic/uming.ttc")),
)


def _first(candidates: tuple[FontFile, ...], package: str) -> FontFile:
    for candidate in candidates:
        if candidate.path.exists():
            return candidate
    tried = ", ".join(str(c.path) for c in candidates)
    raise FontMissingError(f"打印所需中文字体缺失（请安装 {package}）；已查找：{tried}")


@cache
def raster_font(bold: bool = False) -> FontFile:
    """The OpenType CJK font used to draw text as pixels."""
    return _first(_RASTER_BOLD if bold else _RASTER_REGULAR, "fonts-noto-cjk")


@cache
def pdf_font() -> FontFile:
    """The TrueType CJK font embedded (subset) in PDFs."""
    return _first(_PDF_TRUETYPE, "fonts-droid-fallback")
