"""Journey step → screen: one screen per step, built once, refreshed on every change."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget

from kiosk.journey import Step
from ui.screens.base import Screen, ScreenContext
from ui.screens.booked_screen import BookedScreen
from ui.screens.booking_screen import BookingScreen
from ui.screens.consent_screen import ConsentScreen
from ui.screens.draft_offer_screen import DraftOfferScreen
from ui.screens.elicence_screen import ElicenceConsentScreen
from ui.screens.end_screen import EndScreen
from ui.screens.find_item_screen import FindItemScreen
from ui.screens.form_screen import FormScreen
from ui.screens.guide_screen import GuideScreen
from ui.screens.home_screen import HomeScreen
from ui.screens.identify_screen import IdentifyScreen
from ui.screens.lookup_screen import LookupScreen
from ui.screens.materials_screen import MaterialsScreen
from ui.screens.my_applications_screen import MyApplicationsScreen
from ui.screens.promise_screen import PromiseScreen
from ui.screens.rating_screen import RatingScreen
from ui.screens.request_done_screen import RequestDoneScreen
from ui.screens.request_screen import RequestScreen
from ui.screens.review_screen import ReviewScreen
from ui.screens.submitted_screen import SubmittedScreen
from ui.screens.type_id_screen import TypeIdScreen
from ui.screens.type_name_screen import TypeNameScreen

SCREENS: dict[Step, type[Screen]] = {
    screen.step: screen
    for screen in (
        HomeScreen,
        IdentifyScreen,
        TypeIdScreen,
        TypeNameScreen,
        DraftOfferScreen,
        FindItemScreen,
        GuideScreen,
        MaterialsScreen,
        PromiseScreen,
        ElicenceConsentScreen,
        BookingScreen,
        BookedScreen,
        FormScreen,
        ReviewScreen,
        ConsentScreen,
        SubmittedScreen,
        RatingScreen,
        LookupScreen,
        MyApplicationsScreen,
        RequestScreen,
        RequestDoneScreen,
        EndScreen,
    )
}
assert set(SCREENS) == set(Step), "every journey step needs a screen"


class Router:
    """Shows the screen of the journey's current step in ``stack`` and reads it aloud."""

    def __init__(self, ctx: ScreenContext, stack: QStackedWidget) -> None:
        self.ctx = ctx
        self.stack = stack
        self.screens: dict[Step, Screen] = {}
        self.build()
        ctx.journey.subscribe(self.show)

    def build(self) -> None:
        """(Re)create every screen: after a theme change sizes and spacings are new."""
        for screen in self.screens.values():
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.screens = {step: cls(self.ctx) for step, cls in SCREENS.items()}
        for screen in self.screens.values():
            self.stack.addWidget(screen)

    def show(self, step: Step) -> None:
        if step in (Step.HOME, Step.END):
            self.ctx.voice.forget()
            for each in self.screens.values():
                each.wipe()
        screen = self.screens[step]
        screen.refresh()
        changed = self.stack.currentWidget() is not screen
        self.stack.setCurrentWidget(screen)
        if changed or self.ctx.journey.session.error is not None:
            screen.read_aloud()

    @property
    def current(self) -> Screen:
        return self.screens[self.ctx.journey.step]
