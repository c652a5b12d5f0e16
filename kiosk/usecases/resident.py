"""The core's side of the resident journey: :class:`kiosk.journey.JourneyServices` on a KioskCore.

A thin adapter over the use cases (submit, feedback, my applications) and the
store, so the journey itself stays a pure state machine with a fake in tests.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence

from kiosk.application import Applicant, Application, Channel, LicenceRef
from kiosk.catalogue import Material, ServiceItem
from kiosk.chinatime import china_date
from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.feedback import RatingLevel, RequestKind
from kiosk.identity import normalize_id_number
from kiosk.materials import MaterialChoice, promise_due
from kiosk.request_progress import RequestProgress
from kiosk.store import NewAttachment, request_queries
from kiosk.store.ui_queries import most_used_codes
from kiosk.usecases.feedback import file_request, rate_application
from kiosk.usecases.my_applications import application_by_number, applications_of_card_holder
from kiosk.usecases.submit import submit_application


class CoreServices:
    """Everything the journey asks of the core, each call a few milliseconds of SQLite."""

    def __init__(self, core: KioskCore) -> None:
        self.core = core
        self._catalogue: list[ServiceItem] | None = None
        self._revision = 0  # the catalogue revision self._catalogue was read at
        # The search warm-up asks for the catalogue on its own thread: the list and the
        # revision it was read at must change together.
        self._catalogue_lock = threading.Lock()

    def catalogue(self) -> list[ServiceItem]:
        """The catalogue, checked at every call for a newer one: a sync, in this process or
        in ``kiosk sync``, may have saved one, and the next tap should show it. (It was
        checked at most every 30 s; the catalogue is now loaded at start, on the search
        warm-up's thread, and a 30 s grace would have kept a catalogue saved in between from
        the first visits.)

        The check is one small read (``Store.catalogue_revision``); only the items saved
        since are read and parsed. Re-reading the whole catalogue each time cost ~0.5 s of
        the GUI thread with 5,000 items, every 30 s (issue 16, goal 5).
        """
        with self._catalogue_lock:
            store = self.core.store
            revision = store.catalogue_revision()  # first: a save after it is read again later
            if self._catalogue is None:
                self._catalogue = store.catalogue()
            elif revision != self._revision:
                changed = store.catalogue_changes(self._revision)
                self._catalogue = _merged(self._catalogue, changed)
            self._revision = revision
            return self._catalogue

    def most_used(self, limit: int) -> list[str]:
        return most_used_codes(self.core.store, limit)

    def today(self) -> dt.date:
        return china_date(self.core.clock())

    def submit(
        self,
        item_code: str,
        applicant: Applicant,
        answers: dict[str, str],
        *,
        staff_id: str | None = None,
        consent: bool = False,
        attachments: Sequence[NewAttachment] = (),
        material_choices: Mapping[str, MaterialChoice] | None = None,
        commitment: str | None = None,
        licences: Sequence[LicenceRef] = (),
        application_id: str | None = None,
    ) -> Application:
        channel = Channel.ASSISTED if staff_id else Channel.SELF_SERVICE
        return submit_application(
            self.core,
            item_code,
            applicant,
            answers,
            attachments,
            channel=channel,
            staff_id=staff_id,
            consent=consent,
            material_choices=material_choices,
            commitment=commitment,
            licences=licences,
            application_id=application_id,
        )

    def promise_due(self, item: ServiceItem, material: Material) -> dt.date:
        return promise_due(self.core.calendar, item, material, self.today())

    def save_draft(self, id_number: str, item_code: str, answers: dict[str, str]) -> None:
        self.core.store.save_draft(id_number, item_code, answers)

    def draft_for(self, id_number: str) -> tuple[str, dict[str, str]] | None:
        return self.core.store.draft_for(id_number)

    def discard_draft(self, id_number: str) -> None:
        self.core.store.discard_draft(id_number)

    def applications_of(self, id_number: str) -> list[Application]:
        return applications_of_card_holder(self.core, id_number)

    def application(self, number: str) -> Application | None:
        try:
            return application_by_number(self.core, number)
        except ValidationError:
            return None

    def rate(self, application_number: str, level: RatingLevel, reason: str) -> None:
        rate_application(self.core, application_number, level, reason)

    def already_rated(self, application_number: str) -> bool:
        return self.core.store.rating_for(application_number) is not None

    def file_request(
        self, kind: RequestKind, content: str, name: str, phone: str, id_number: str
    ) -> str:
        return file_request(
            self.core, kind, content, name=name, phone=phone, id_number=id_number
        ).id

    def requests_of(self, id_number: str) -> list[RequestProgress]:
        try:
            key = normalize_id_number(id_number)
        except ValidationError:
            return []  # filed without a card: found by its number instead
        return request_queries.requests_of(self.core.store, key)

    def request_progress(self, key: str) -> RequestProgress | None:
        return request_queries.request_progress(self.core.store, key)


def _merged(held: list[ServiceItem], changed: list[ServiceItem]) -> list[ServiceItem]:
    """``held`` with ``changed`` items replacing or joining it, in catalogue order (category,
    then code, as ``Store.catalogue``).

    Unchanged items stay the same objects: the search index (kiosk.catalogue) keeps every
    item it has seen, so fresh copies would keep every copy alive (~7 KB an item), a day's
    leak (issue 16, goal 6). A changed item equal to the one held keeps the held one too.
    """
    by_code = {item.code: item for item in held}
    for item in changed:
        if by_code.get(item.code) != item:
            by_code[item.code] = item
    return sorted(by_code.values(), key=lambda item: (item.category, item.code))
