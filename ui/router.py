"""Journey step → screen: one screen per step, built the first time it is shown, refreshed on
every change.

Only the home screen is built at start (issue 16, goals 1–2): building all 22 screens cost
about 0.1 s and 60 MB (the name screen's pinyin keyboard and handwriting pad alone ~40 MB),
mostly for screens a visit never reaches. A screen's module is imported, and the screen
built, on its first :meth:`Router.show`; after a theme change only the shown screen is
rebuilt at once, the others when next shown.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QStackedWidget

from kiosk.journey import Step
from ui.screens.base import Screen, ScreenContext

SCREENS: dict[Step, str] = {
    Step.HOME: "home_screen:HomeScreen",
    Step.IDENTIFY: "identify_screen:IdentifyScreen",
    Step.TYPE_ID: "type_id_screen:TypeIdScreen",
    Step.TYPE_NAME: "type_name_screen:TypeNameScreen",
    Step.DRAFT_OFFER: "draft_offer_screen:DraftOfferScreen",
    Step.FIND_ITEM: "find_item_screen:FindItemScreen",
    Step.GUIDE: "guide_screen:GuideScreen",
    Step.MATERIALS: "materials_screen:MaterialsScreen",
    Step.PROMISE: "promise_screen:PromiseScreen",
    Step.ELICENCE_CONSENT: "elicence_screen:ElicenceConsentScreen",
    Step.BOOKING: "booking_screen:BookingScreen",
    Step.BOOKED: "booked_screen:BookedScreen",
    Step.FORM: "form_screen:FormScreen",
    Step.REVIEW: "review_screen:ReviewScreen",
    Step.CONSENT: "consent_screen:ConsentScreen",
    Step.SUBMITTED: "submitted_screen:SubmittedScreen",
    Step.RATING: "rating_screen:RatingScreen",
    Step.LOOKUP: "lookup_screen:LookupScreen",
    Step.MY_APPLICATIONS: "my_applications_screen:MyApplicationsScreen",
    Step.REQUEST: "request_screen:RequestScreen",
    Step.REQUEST_DONE: "request_done_screen:RequestDoneScreen",
    Step.END: "end_screen:EndScreen",
}
"""Each step's screen as ``module:Class`` under ``ui.screens`` (imported on first use)."""
assert set(SCREENS) == set(Step), "every journey step needs a screen"


HEARS_BEFORE_SHOWN: tuple[Step, ...] = (
    Step.SUBMITTED,
    Step.GUIDE,
    Step.MY_APPLICATIONS,
    Step.IDENTIFY,
    Step.FORM,
)
"""Screens that listen to the device bridges (printer answers, card reader errors, camera
status), built in the first idle moment after a visit leaves the home screen instead of on
first show. The receipt is sent to the printer while the application is filed, before the
journey moves to 提交成功: a paper-out answer could come back before that screen was built,
and a screen built later never heard it (tests/ui/test_touch_journey.py's paper-out test
failed about one run in two, and the run sometimes crashed). Connecting early also keeps
these connections from being made while a device thread is emitting. About 1 MB, only
once a visit has started."""


def screen_class(step: Step) -> type[Screen]:
    """The screen class of ``step``, importing its module now if it was not yet."""
    module, name = SCREENS[step].split(":")
    cls = getattr(importlib.import_module(f"ui.screens.{module}"), name)
    assert isinstance(cls, type) and issubclass(cls, Screen) and cls.step is step
    return cls


class LazyScreens(Mapping[Step, Screen]):
    """Every step's screen, each created the first time it is looked up (then kept).

    A mapping over all steps, as the router's screens always were: ``screens[step]``
    builds that screen if needed and adds it to the stack. :meth:`built` is what exists
    now — what must be wiped at the end of a visit (a screen never built shows nothing).
    """

    def __init__(self, ctx: ScreenContext, stack: QStackedWidget) -> None:
        self.ctx = ctx
        self.stack = stack
        self._built: dict[Step, Screen] = {}

    def __getitem__(self, step: Step) -> Screen:
        return self.build(step)

    def build(self, step: Step) -> Screen:
        """The screen of ``step``, created (and added to the stack) if it was not yet."""
        screen = self._built.get(step)
        if screen is None:
            screen = screen_class(step)(self.ctx)
            self._built[step] = screen
            self.stack.addWidget(screen)
        return screen

    def __iter__(self) -> Iterator[Step]:
        return iter(SCREENS)

    def __len__(self) -> int:
        return len(SCREENS)

    def built(self) -> list[Screen]:
        """The screens created so far (no new ones are built)."""
        return list(self._built.values())

    def built_steps(self) -> set[Step]:
        return set(self._built)

    def drop_all(self) -> None:
        """Remove every built screen; each is built again, with the current theme, when shown.

        Called before a new style sheet is applied, which re-polishes every widget that
        exists: after a visit ~600 of them, 130 ms of a 长辈模式 tap spent on screens about
        to go. So each is deleted now — except the one shown, whose button may be the tap
        being handled: that one goes once control is back in the event loop.
        """
        shown = self.stack.currentWidget()
        for screen in self._built.values():
            self.stack.removeWidget(screen)
            if screen is shown:
                screen.deleteLater()
            else:
                shiboken6.delete(screen)
        self._built.clear()


class Router:
    """Shows the screen of the journey's current step in ``stack`` and reads it aloud."""

    def __init__(self, ctx: ScreenContext, stack: QStackedWidget) -> None:
        self.ctx = ctx
        self.stack = stack
        self.screens = LazyScreens(ctx, stack)
        self._building = False  # a chain of background screen builds is under way
        ctx.journey.subscribe(self.show)

    def build(self) -> None:
        """Drop every screen built so far: after a theme change sizes and spacings are new.

        The caller shows the current step next, which builds its screen again.
        """
        self.screens.drop_all()

    def show(self, step: Step) -> None:
        if step in (Step.HOME, Step.END):
            self.ctx.voice.forget()
            for each in self.screens.built():
                each.wipe()
        screen = self.screens[step]
        screen.refresh()
        changed = self.stack.currentWidget() is not screen
        self.stack.setCurrentWidget(screen)
        if changed or self.ctx.journey.session.error is not None:
            screen.read_aloud()
        if step is not Step.HOME and not self._building:
            self._build_next_listener()

    def _build_next_listener(self) -> None:
        """Build one missing screen of :data:`HEARS_BEFORE_SHOWN` per idle moment.

        One at a time: building them all in one go blocked the event loop for tens of ms
        on a loaded machine, long enough for a short idle timeout to fire mid-visit.
        """
        missing = [s for s in HEARS_BEFORE_SHOWN if s not in self.screens.built_steps()]
        self._building = bool(missing)
        if missing:
            QTimer.singleShot(0, self.stack, lambda: self._build_one(missing[0]))

    def _build_one(self, step: Step) -> None:
        self.screens.build(step)
        self._build_next_listener()

    @property
    def current(self) -> Screen:
        return self.screens[self.ctx.journey.step]
