"""同意调取本人电子证照: the consent, in large text and read aloud, before any lookup.

The text is the core's (``kiosk.usecases.elicence.consent_text``): which licences, for which
item, and that the lookup is logged. Only the holder's tap on 同意调取 records the consent and
starts the lookup (through the platform); 不同意 returns to the choices, where promising or
the counter remain. Why a screen of its own: a using unit may fetch a person's licences only
with that person's authorisation for that matter (docs/protocol.md, "E-licences").

The lookup runs off the GUI thread (:class:`LicenceLookups`): on a dead link the platform
client waits up to 8 s, and a frozen touchscreen looks broken. Meanwhile the screen says
正在查询电子证照… in large text (read aloud) and offers 取消查询; the journey decides whether
the answer still belongs to the visit on screen.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref

from PySide6.QtCore import QObject, Signal

from kiosk.journey import Journey, Step
from kiosk.usecases.elicence import (
    CONSENT_TITLE,
    LicenceOutcome,
    LicenceProblem,
    PendingLookup,
)
from ui.screens.base import Screen
from ui.widgets import button, label

log = logging.getLogger(__name__)

WAITING = "正在查询电子证照…"
WAITING_HINT = (
    "请稍等，并保持您的身份证放在读卡器上。不想等了，可以点“取消查询”，改选其他办理方式。"
)


class LicenceLookups(QObject):
    """Runs a journey's e-licence lookups on a worker thread; answers come back as a signal.

    The pattern of the handwriting recogniser (``ui.handwriting.HandwritingPanel.recognise``):
    a daemon thread per request (a lookup blocked on a dead link never holds up the exit),
    its answer emitted as a Qt signal and so queued to this object's (the GUI) thread, stale
    answers dropped — here by the journey (``Journey.licence_lookup_done``), which alone knows
    whether the visit that asked is still on screen.

    One per journey (:func:`lookups_for`), not per screen: screens are rebuilt when the
    resident switches 长辈模式, and an answer must not be lost with the old screen.
    """

    answered = Signal(object, object)  # (PendingLookup, LicenceOutcome), from the worker thread

    def __init__(self, journey: Journey) -> None:
        super().__init__()
        self._journey = weakref.ref(journey)
        self.dropped = 0  # late answers discarded (tests and logs)
        self.answered.connect(self._hand_back)

    def start(self) -> None:
        """同意调取: record the consent and start the lookup; returns at once."""
        journey = self._journey()
        if journey is None:
            return
        lookup = journey.start_licence_lookup()
        if lookup is None:
            return  # answered at once (card already off the reader) or one already running
        emit = self.answered.emit

        def worker() -> None:
            try:
                outcome = lookup.run()
            except Exception as exc:  # never lose the answer: the resident is waiting
                log.error("e-licence lookup failed unexpectedly: %s", type(exc).__name__)
                outcome = lookup.refused(LicenceProblem.OFFLINE)
            with contextlib.suppress(RuntimeError):  # the window was closed meanwhile
                emit(lookup, outcome)

        threading.Thread(target=worker, name="elicence", daemon=True).start()

    def _hand_back(self, lookup: PendingLookup, outcome: LicenceOutcome) -> None:
        journey = self._journey()
        if journey is None or not journey.licence_lookup_done(lookup, outcome):
            self.dropped += 1
            log.info("a late e-licence answer was dropped (its visit had moved on)")


_LOOKUPS: weakref.WeakKeyDictionary[Journey, LicenceLookups] = weakref.WeakKeyDictionary()


def lookups_for(journey: Journey) -> LicenceLookups:
    """The journey's one :class:`LicenceLookups` (created on first use, on the GUI thread)."""
    lookups = _LOOKUPS.get(journey)
    if lookups is None:
        lookups = _LOOKUPS[journey] = LicenceLookups(journey)
    return lookups


class ElicenceConsentScreen(Screen):
    step = Step.ELICENCE_CONSENT
    title_text = CONSENT_TITLE

    def build(self) -> None:
        self.text = label("", "heading", "elicence_consent_text")
        self.body.addWidget(self.text)
        self.card = label(
            "请保持您的身份证放在读卡器上。不同意也可以继续办理：改选承诺后补，或带原件到窗口。",
            "muted",
            "elicence_card_hint",
        )
        self.body.addWidget(self.card)
        self.waiting = label(WAITING, "huge", "elicence_waiting")
        self.body.addWidget(self.waiting)
        self.waiting_hint = label(WAITING_HINT, "heading", "elicence_waiting_hint")
        self.body.addWidget(self.waiting_hint)
        self.body.addStretch(1)
        self.decline = button("不同意", "elicence_decline")
        self.decline.clicked.connect(self.journey.decline_licences)
        self.action_bar.addWidget(self.decline)
        self.cancel = button("取消查询", "elicence_cancel")
        self.cancel.clicked.connect(self.journey.decline_licences)
        self.action_bar.addWidget(self.cancel)
        self.agree = button("同意调取", "elicence_agree", "primary")
        self.agree.clicked.connect(self._agree)
        self.action_bar.addWidget(self.agree)

    def _agree(self) -> None:
        lookups_for(self.journey).start()
        if self.journey.step is Step.ELICENCE_CONSENT and self.journey.licence_lookup_pending:
            self.read_aloud()  # the same screen: the router reads only new screens

    def refresh(self) -> None:
        waiting = self.journey.licence_lookup_pending
        self.text.setText(self.journey.licence_consent_text())
        for widget in (self.text, self.card, self.decline, self.agree):
            widget.setVisible(not waiting)
        for widget in (self.waiting, self.waiting_hint, self.cancel):
            widget.setVisible(waiting)
        self.show_error()

    def wipe_personal(self) -> None:
        self.text.clear()
