"""Elder-friendly look: sizes, colours and the one style sheet every screen uses.

Targets (docs/ui.md, brief "适老化"): body text ≥ 24 px at 1080p and ≥ 32 px in
the larger-text mode, the largest text ≥ 48 px, touch targets ≥ 60 px with
spacing, contrast ≥ 4.5 : 1 (≥ 7 : 1 in high contrast). The colours are declared
here once, so tests/ui/test_accessibility.py can check every pair that is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei")


@dataclass(frozen=True, slots=True)
class Palette:
    background: str
    text: str
    muted: str  # secondary text; still ≥ 4.5 : 1 on background
    primary: str  # main buttons
    primary_text: str
    secondary: str  # other buttons
    secondary_text: str
    error: str  # error text (always with a ✕ sign: colour is never the only signal)
    error_background: str
    ok: str
    banner: str  # idle warning banner
    banner_text: str
    border: str
    field: str  # text field background
    field_text: str
    status: str  # staff status bar
    status_text: str


NORMAL = Palette(
    background="#F7F4EC",
    text="#1A1A1A",
    muted="#4A4A4A",
    primary="#0B5394",
    primary_text="#FFFFFF",
    secondary="#FFFFFF",
    secondary_text="#0B3A66",
    error="#A1120B",
    error_background="#FDECEA",
    ok="#1E5E2A",
    banner="#7A4A00",
    banner_text="#FFFFFF",
    border="#5C5C5C",
    field="#FFFFFF",
    field_text="#1A1A1A",
    status="#E6E1D5",
    status_text="#333333",
)

HIGH_CONTRAST = Palette(
    background="#000000",
    text="#FFFFFF",
    muted="#E0E0E0",
    primary="#FFE600",
    primary_text="#000000",
    secondary="#000000",
    secondary_text="#FFFFFF",
    error="#FF9E9E",
    error_background="#000000",
    ok="#9CFF9C",
    banner="#FFE600",
    banner_text="#000000",
    border="#FFFFFF",
    field="#000000",
    field_text="#FFFFFF",
    status="#000000",
    status_text="#FFFFFF",
)


@dataclass(frozen=True, slots=True)
class Theme:
    """Sizes in pixels at 1080p; ``large`` is the 长辈 (larger-text) mode."""

    large: bool = False
    high_contrast: bool = False

    @property
    def palette(self) -> Palette:
        return HIGH_CONTRAST if self.high_contrast else NORMAL

    @property
    def body_px(self) -> int:
        return 34 if self.large else 26

    @property
    def title_px(self) -> int:
        return 52 if self.large else 42

    @property
    def huge_px(self) -> int:
        """The application number on the receipt screen."""
        return 72 if self.large else 60

    @property
    def small_px(self) -> int:
        """Staff status bar and hints: still ≥ 20 px."""
        return 24 if self.large else 20

    @property
    def button_px(self) -> int:
        return 36 if self.large else 30

    @property
    def target_px(self) -> int:
        """Minimum height (and width) of anything tappable."""
        return 96 if self.large else 80

    @property
    def spacing_px(self) -> int:
        return 24 if self.large else 18

    @property
    def min_contrast(self) -> float:
        return 7.0 if self.high_contrast else 4.5

    def with_large(self, large: bool) -> Theme:
        return Theme(large=large, high_contrast=self.high_contrast)

    def with_high_contrast(self, high: bool) -> Theme:
        return Theme(large=self.large, high_contrast=high)

    def colour_pairs(self) -> list[tuple[str, str, str]]:
        """(name, foreground, background) of every text colour on its background."""
        p = self.palette
        return [
            ("text", p.text, p.background),
            ("muted", p.muted, p.background),
            ("primary button", p.primary_text, p.primary),
            ("secondary button", p.secondary_text, p.secondary),
            ("error", p.error, p.error_background),
            ("error on page", p.error, p.background),
            ("ok", p.ok, p.background),
            ("banner", p.banner_text, p.banner),
            ("field", p.field_text, p.field),
            ("status bar", p.status_text, p.status),
        ]

    def stylesheet(self) -> str:
        p = self.palette
        return f"""
QWidget#KioskRoot, QStackedWidget, QWidget[screen="true"], QScrollArea, QScrollArea > QWidget > QWidget {{
    background: {p.background}; color: {p.text};
}}
QLabel {{ color: {p.text}; font-size: {self.body_px}px; background: transparent; }}
QLabel[role="title"] {{ font-size: {self.title_px}px; font-weight: bold; }}
QLabel[role="huge"] {{ font-size: {self.huge_px}px; font-weight: bold; }}
QLabel[role="muted"] {{ color: {p.muted}; }}
QLabel[role="ok"] {{ color: {p.ok}; font-weight: bold; }}
QLabel[role="error"] {{
    color: {p.error}; background: {p.error_background}; font-weight: bold;
    border: 3px solid {p.error}; border-radius: 8px; padding: 8px;
}}
QPushButton {{
    font-size: {self.button_px}px; min-height: {self.target_px}px; min-width: {self.target_px}px;
    padding: 8px 24px; border-radius: 12px;
    color: {p.secondary_text}; background: {p.secondary}; border: 3px solid {p.border};
}}
QPushButton[role="primary"] {{
    color: {p.primary_text}; background: {p.primary}; border: 3px solid {p.primary};
    font-weight: bold;
}}
QPushButton[role="tile"] {{
    color: {p.primary_text}; background: {p.primary}; border: 3px solid {p.primary};
    font-size: {self.title_px}px; font-weight: bold; min-height: {self.target_px * 2}px;
}}
QPushButton[role="key"] {{ font-size: {self.title_px}px; padding: 4px; }}
QPushButton:checked {{ color: {p.primary_text}; background: {p.primary}; }}
QPushButton[role="pager"] {{ font-weight: bold; min-height: {self.target_px}px; }}
QPushButton[role="pager"]:disabled {{ color: {p.muted}; border: 3px dashed {p.muted}; }}
QLabel[role="heading"] {{ font-size: {self.button_px}px; font-weight: bold; }}
QLabel[role="pager"] {{ font-size: {self.button_px}px; font-weight: bold; }}
QLineEdit, QPlainTextEdit {{
    font-size: {self.title_px}px; min-height: {self.target_px}px;
    color: {p.field_text}; background: {p.field}; border: 3px solid {p.border};
    border-radius: 8px; padding: 4px 12px;
}}
QWidget#IdleBanner {{ background: {p.banner}; }}
QWidget#IdleBanner QLabel {{ color: {p.banner_text}; font-size: {self.title_px}px; font-weight: bold; }}
QWidget#StatusBar {{ background: {p.status}; }}
QWidget#StatusBar QLabel {{ color: {p.status_text}; font-size: {self.small_px}px; }}
QWidget#StatusBar QPushButton {{
    font-size: {self.small_px}px; min-height: 64px; min-width: 120px; padding: 2px 16px;
}}
QLabel#AssistedBar {{
    color: {p.banner_text}; background: {p.banner}; font-size: {self.body_px}px;
    font-weight: bold; padding: 8px 48px;
}}
QWidget#DevDock {{ background: {p.status}; }}
QWidget#DevDock QLabel {{ color: {p.status_text}; font-size: {self.small_px}px; }}
QWidget#DevDock QPushButton {{ font-size: {self.small_px}px; padding: 4px 8px; min-width: 60px; }}
"""


def install_fonts(app: QApplication, theme: Theme) -> str:
    """Pick the first installed Noto/Source Han CJK family; returns the family used."""
    families = set(QFontDatabase.families())
    chosen = next((f for f in FONT_FAMILIES if f in families), "")
    font = QFont(chosen) if chosen else QFont()
    font.setPixelSize(theme.body_px)
    app.setFont(font)
    return chosen


def apply_theme(app: QApplication, theme: Theme) -> None:
    install_fonts(app, theme)
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(theme.palette.muted))
    app.setPalette(palette)
    app.setStyleSheet(theme.stylesheet())


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of ``#RRGGBB``."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)
