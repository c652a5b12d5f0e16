"""What one visit at the touchscreen knows about the resident, shared by every sub-flow.

The journey's sub-flows (filing, my applications, rating, requests, the assisted
consent) are declared in :mod:`kiosk.journey_flow`; they all read and write this
one :class:`Session`, so a card read while identifying is the same card the form
is pre-filled from, and wiping it at the end of the visit forgets everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.application import Applicant, Application, LicenceRef
from kiosk.booking import Booking
from kiosk.cardholder import CardHolder
from kiosk.catalogue import FieldType, FormField, ServiceItem
from kiosk.materials import MaterialChoice
from kiosk.request_progress import RequestProgress
from kiosk.store import NewAttachment
from kiosk.usecases.elicence import LicenceConsent


class Purpose(StrEnum):
    """What the resident chose on the home screen; each has its own sub-flow."""

    APPLY = "apply"  # 办事
    MY_APPLICATIONS = "my_applications"  # 查进度
    RATE = "rate"  # 好差评
    REQUEST = "request"  # 我要反映


CARD_PREFILL = ("name", "id_number", "address", "gender", "birth_date", "nation")
"""Card fields a form field may name in ``prefill``."""


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class Session:
    """All that one visit knows about the resident; :meth:`wipe` forgets it in place."""

    purpose: Purpose | None = None
    holder: CardHolder | None = None
    applicant: Applicant | None = None
    typed_id_number: str = ""
    item: ServiceItem | None = None
    answers: dict[str, str] = field(default_factory=dict)
    field_index: int = 0  # the question shown; the back stack remembers earlier ones
    error: FieldError | None = None
    query: str = ""
    category: str | None = None
    draft: tuple[str, dict[str, str]] | None = None
    application: Application | None = None
    applications: list[Application] = field(default_factory=list)
    rated: set[str] = field(default_factory=set)
    rating_number: str = ""
    request_id: str = ""
    consent: bool = False  # the resident confirmed assisted filing in this visit
    self_filed: bool = False  # the resident declined assistance: file as self-service
    photos: dict[str, NewAttachment] = field(default_factory=dict)  # attachment field → photo
    # No camera: what the resident chose for each material needed at filing (material name →
    # promise / seen by staff), and the 告知承诺书 shown for the promised ones ("" until then).
    choices: dict[str, MaterialChoice] = field(default_factory=dict)
    commitment: str = ""
    promised: bool = False  # 我承诺 tapped on the commitment shown
    # 电子证照 (issue 13 item 2): whether the card read in this visit is on the reader now,
    # the holder's consent tap, the id the application will be filed under (the lookup's
    # business reference, minted before filing) and the references fetched per material.
    card_present: bool = False
    licence_consent: LicenceConsent | None = None
    application_id: str = ""
    licences: dict[str, LicenceRef] = field(default_factory=dict)
    # 预约 / 上门服务 (issue 13 item 4): the booking filed in this visit, and whether the
    # resident said they hold a 残疾人证 (the home visit is then offered first).
    booking: Booking | None = None
    says_disabled: bool = False
    bookings: list[Booking] = field(default_factory=list)  # 我的办件: the holder's bookings
    requests: list[RequestProgress] = field(default_factory=list)  # 我的办件: 诉求 and replies

    def wipe(self) -> None:
        """Forget everything; dicts and lists are cleared, not just dropped."""
        self.answers.clear()
        self.photos.clear()
        self.choices.clear()
        self.licences.clear()
        self.applications.clear()
        self.bookings.clear()
        self.requests.clear()
        self.rated.clear()
        if self.draft is not None:
            self.draft[1].clear()
        fresh = Session()
        for name in self.__dataclass_fields__:
            if name not in (
                "answers",
                "applications",
                "bookings",
                "requests",
                "rated",
                "photos",
                "choices",
                "licences",
            ):
                setattr(self, name, getattr(fresh, name))

    @property
    def id_number(self) -> str:
        if self.holder is not None:
            return self.holder.id_number
        if self.applicant is not None:
            return self.applicant.id_number
        return self.typed_id_number

    @property
    def identified(self) -> bool:
        return bool(self.id_number)

    @property
    def by_card(self) -> bool:
        return self.holder is not None


def prefill(session: Session, item: ServiceItem) -> dict[str, str]:
    """Answers the card (or the typed name and number) already gives for ``item``'s form."""
    values: dict[str, str] = {}
    if session.holder is not None:
        h = session.holder
        values = {
            "name": h.name,
            "id_number": h.id_number,
            "address": h.address or "",
            "gender": h.gender or "",
            "birth_date": h.birth_date.isoformat() if h.birth_date else "",
            "nation": h.nation or "",
        }
    elif session.applicant is not None:
        values = {"name": session.applicant.name, "id_number": session.applicant.id_number}
    out: dict[str, str] = {}
    for form_field in item.form:
        key = form_field.prefill or ""
        if key in CARD_PREFILL and values.get(key):
            out[form_field.key] = values[key]
    return out


def first_unanswered(session: Session, questions: list[FormField]) -> int:
    """Where a resumed draft continues: the first question still without an answer."""
    for index, form_field in enumerate(questions):
        if form_field.type is FieldType.ATTACHMENT:
            if form_field.required and form_field.key not in session.photos:
                return index
        elif not session.answers.get(form_field.key):
            return index
    return 0
