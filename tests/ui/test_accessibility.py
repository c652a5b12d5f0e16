"""Every screen, in every mode, at both kiosk resolutions: text size, touch targets, contrast.

The check walks the real widget tree after layout: font pixel sizes as Qt will
draw them, button geometry as a finger meets it, WCAG contrast between the
colour a widget draws its text in and the first opaque background behind it,
and whether each button's and label's text fits the widget that shows it
(:func:`cut_off_text`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from kiosk.journey import Step
from ui.theme import Theme, contrast_ratio
from ui.tour import keep_mode, reach

from .taps import find, tap, tap_keys

BODY_MIN_PX = 24  # resident-facing text at 1080p
STAFF_MIN_PX = 20  # the staff status bar and the demo dock ("small print")
TARGET_MIN_PX = 60
GAP_MIN_PX = 8
PAGED_QUERY = "申"  # 申请, 申领, 申报: more results than one page holds in every mode


def fits_without_scrolling(screen: QWidget) -> list[str]:
    """Pages, not scrolling (issue 15.4): a resident screen's content fits its space.

    The body still sits in a scroll area as a last resort; on every screen of the tour
    it must have nothing to scroll, and nothing wider than the screen (cut off).
    """
    QApplication.processEvents()
    area = screen.findChild(QScrollArea)
    assert area is not None and area.widget() is not None
    problems = []
    overflow = area.verticalScrollBar().maximum()
    if overflow > 0:
        problems.append(f"content reachable only by scrolling ({overflow}px below)")
    needed, has = area.widget().minimumSizeHint().width(), area.viewport().width()
    if needed > has:
        problems.append(f"content needs {needed}px of width, has {has}px (cut off)")
    return problems


def _hex(colour: QColor) -> str:
    return colour.name(QColor.NameFormat.HexRgb)


def _background(widget: QWidget) -> QColor:
    """The first opaque background painted behind (or by) ``widget``'s text."""
    current: QWidget | None = widget
    while current is not None:
        colour = current.palette().color(current.backgroundRole())
        if colour.alpha() == 255 and _paints_background(current, widget):
            return colour
        current = current.parentWidget()
    return QColor("#FFFFFF")


def _paints_background(current: QWidget, widget: QWidget) -> bool:
    from PySide6.QtCore import Qt

    if current is widget:
        if isinstance(widget, QPushButton | QLineEdit | QPlainTextEdit):
            return True
        return widget.property("role") == "error"
    return (
        current.testAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        or current.autoFillBackground()
    )


def _staff(widget: QWidget) -> bool:
    current: QWidget | None = widget
    while current is not None:
        if current.objectName() in ("StatusBar", "DevDock", "dock_toggle"):
            return True
        current = current.parentWidget()
    return False


def _visible(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.isVisible()


def cut_off_text(window: QWidget) -> list[str]:
    """Text a resident cannot read whole: wider (or taller) than the widget drawing it.

    Qt clips a button's or label's text at its edges without a sign (a centred button
    loses both ends). The rule uses each widget's own size hint, which is its text's
    advance (every line) plus the padding, border and margins of its style sheet:

    - a visible QPushButton: ``sizeHint()`` fits in ``size()``, width and height;
    - a visible QLabel without word wrap: ``sizeHint().width() <= width()`` (a label
      never elides its text: what does not fit is cut off);
    - a visible word-wrapped QLabel: ``heightForWidth(width()) <= height()`` (wrapped
      lines below the label's bottom edge are cut off).

    No widget in the kiosk elides on purpose; one that did would have to show its full
    text elsewhere and be named here as an exception.
    """
    problems: list[str] = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, QLabel | QPushButton) or not _visible(widget, window):
            continue
        if not widget.text() or (
            isinstance(widget, QLabel)
            and widget.pixmap() is not None
            and not widget.pixmap().isNull()
        ):
            continue
        name = f"{widget.__class__.__name__} {widget.objectName()!r} {widget.text()!r}"
        hint, size = widget.sizeHint(), widget.size()
        if isinstance(widget, QLabel) and widget.wordWrap():
            needed = widget.heightForWidth(size.width())
            if needed > size.height():
                problems.append(f"{name}: text needs {needed}px of height, has {size.height()}px")
            continue
        if hint.width() > size.width():
            problems.append(f"{name}: text needs {hint.width()}px of width, has {size.width()}px")
        if isinstance(widget, QPushButton) and hint.height() > size.height():
            problems.append(
                f"{name}: text needs {hint.height()}px of height, has {size.height()}px"
            )
    return problems


def check_screen(window: QWidget, theme: Theme) -> list[str]:
    problems: list[str] = []
    QApplication.processEvents()
    texts = [
        w
        for w in window.findChildren(QWidget)
        if isinstance(w, QLabel | QPushButton | QLineEdit | QPlainTextEdit) and _visible(w, window)
    ]
    for widget in texts:
        name = f"{widget.__class__.__name__} {widget.objectName()!r}"
        text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
        if isinstance(widget, QLabel) and not text:
            continue
        px = widget.font().pixelSize()
        minimum = STAFF_MIN_PX if _staff(widget) else BODY_MIN_PX
        if px < minimum:
            problems.append(f"{name}: text {px}px < {minimum}px")
        fg = _hex(widget.palette().color(widget.foregroundRole()))
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            fg = _hex(widget.palette().color(QPalette.ColorRole.Text))
        bg = _hex(_background(widget))
        ratio = contrast_ratio(fg, bg)
        if ratio < theme.min_contrast:
            problems.append(f"{name}: contrast {ratio:.2f} ({fg} on {bg}) < {theme.min_contrast}")
    # Buttons scrolled out of view cannot be tapped; partly visible ones are measured whole.
    buttons = [
        w
        for w in window.findChildren(QPushButton)
        if _visible(w, window) and not w.visibleRegion().isEmpty()
    ]
    for widget in buttons:
        if widget.height() < TARGET_MIN_PX or widget.width() < TARGET_MIN_PX:
            problems.append(
                f"button {widget.objectName()!r}: {widget.width()}x{widget.height()} < 60"
            )
    rects = [
        (w, w.visibleRegion().boundingRect().translated(w.mapTo(window, w.rect().topLeft())))
        for w in buttons
    ]
    for (a, ra), (b, rb) in itertools.combinations(rects, 2):
        grown = ra.adjusted(-GAP_MIN_PX + 1, -GAP_MIN_PX + 1, GAP_MIN_PX - 1, GAP_MIN_PX - 1)
        if grown.intersects(rb):
            problems.append(
                f"buttons {a.objectName()!r} and {b.objectName()!r} closer than {GAP_MIN_PX}px"
            )
    return problems + cut_off_text(window)


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
@pytest.mark.parametrize(
    "theme",
    [Theme(), Theme(large=True), Theme(high_contrast=True), Theme(large=True, high_contrast=True)],
    ids=["normal", "large", "contrast", "large-contrast"],
)
def test_every_screen_meets_the_elder_friendly_targets(qtbot, rig, theme, size):
    window = rig.window
    window.resize(*size)
    # Not apply_theme alone: each reach() starts a new visit, which ended the mode.
    keep_mode(window, theme)
    problems: dict[str, list[str]] = {}
    states: list[tuple[str, Step, str | None]] = [(step.value, step, None) for step in Step]
    states.append(("find_item (paged, page 2)", Step.FIND_ITEM, "paged"))  # the pager's buttons
    # The booking screen's two halves are shown by a tap, not by a journey step.
    states.append(("booking (window slots)", Step.BOOKING, "choose_window"))
    states.append(("booking (home visit)", Step.BOOKING, "choose_visit"))
    for name, step, then in states:
        reach(rig.journey, step)
        assert rig.journey.step is step
        if then == "paged":
            rig.journey.set_query(PAGED_QUERY)
            QApplication.processEvents()
            window.router.current.items.turn(1)
            assert window.router.current.items.pager.isVisible(), "the results are one page"
        elif then is not None:
            window.router.current.findChild(QPushButton, then).click()
        assert window.router.current.title.font().pixelSize() == theme.title_px
        window.banner.show_remaining(30)
        window.banner.show()  # the countdown banner is checked on every screen too
        found = check_screen(window, theme)
        needed = window.minimumSizeHint().width()
        if needed > size[0]:
            # A full-screen window wider than the screen is cut off at its right edge (the
            # screen body scrolls vertically, so height is not checked here).
            found.append(f"window needs {needed}px of width, screen has {size[0]}")
        window.banner.hide()
        found += fits_without_scrolling(window.router.current)
        if found:
            problems[name] = found
    assert not problems, problems


def test_the_palettes_meet_their_contrast_targets():
    for theme in (Theme(), Theme(high_contrast=True)):
        for name, fg, bg in theme.colour_pairs():
            assert contrast_ratio(fg, bg) >= theme.min_contrast, (name, fg, bg)


def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def _console_pages(qtbot, rig) -> Iterator[str]:
    """Open each page of the staff and technician consoles in the kiosk window, by taps.

    Yields the page's name once it is on the screen; the caller checks it.
    """
    from kiosk.staff import Role
    from kiosk.usecases import staff_auth

    staff_auth.add_staff(rig.core, "1001", "李小梅", Role.STAFF, "246813")
    staff_auth.add_staff(rig.core, "9001", "陈技术", Role.TECHNICIAN, "135790")
    window = rig.window
    tap(qtbot, rig, "open_staff")
    yield "staff sign-in"
    qtbot.mouseClick(find(rig, QLineEdit, "staff_number"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "1001")
    qtbot.mouseClick(find(rig, QLineEdit, "staff_pin"), Qt.MouseButton.LeftButton)
    tap_keys(qtbot, rig, "246813")
    tap(qtbot, rig, "sign_in")
    qtbot.waitUntil(lambda: window.staff_session is not None, timeout=10_000)
    yield "staff queue"
    tap(qtbot, rig, "filter_home_visits")
    yield "staff queue (上门服务)"
    window.staff_console.sign_out()
    tap(qtbot, rig, "open_technician")
    yield "technician unlock"
    console = window.technician_console
    for digit in "135790":
        qtbot.mouseClick(
            console.unlock.pad.findChild(QWidget, f"key_{digit}"), Qt.MouseButton.LeftButton
        )
    qtbot.mouseClick(console.unlock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.currentWidget() is console.menu, timeout=10_000)
    yield "technician menu"
    with qtbot.waitSignal(console.diagnostics.report_ready, timeout=20_000):
        qtbot.mouseClick(
            console.menu.findChild(QWidget, "open_diagnostics"), Qt.MouseButton.LeftButton
        )
    yield "technician diagnostics"


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
@pytest.mark.parametrize("theme", [Theme(), Theme(large=True)], ids=["normal", "large"])
def test_console_text_is_not_cut_off(qtbot, rig, theme, size):
    """The staff and technician consoles are read by staff on the same screen: their buttons
    and labels show their whole text too (sizes and contrast are the resident screens' rules,
    not checked here: the consoles have their own, smaller status-bar type)."""
    window = rig.window
    window.resize(*size)
    keep_mode(window, theme)
    problems: dict[str, list[str]] = {}
    for page in _console_pages(qtbot, rig):
        QApplication.processEvents()
        found = cut_off_text(window)
        needed = window.minimumSizeHint().width()
        if needed > size[0]:
            found.append(f"window needs {needed}px of width, screen has {size[0]}")
        if found:
            problems[page] = found
    assert not problems, problems
