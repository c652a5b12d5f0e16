"""The resident's journey at the touchscreen, as one UI-agnostic state machine.

The UI shows one screen per :class:`Step` and calls the methods of
:class:`Journey` when the resident taps; the journey validates with the core's
rules, files through the use cases behind :class:`JourneyServices`, and asks
:class:`PrintPort` for paper. Nothing here knows about Qt, so every path of the
journey is tested without a screen (tests/ui/test_journey.py).

Everything the resident told us lives in one :class:`Session`, wiped in place
at the end of the visit (finish, idle timeout), so no personal data outlives
the visit in memory. Drafts on disk are saved only for card holders and offered
back only to the same card (a typed ID number proves nothing about who typed it).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from kiosk.application import Applicant, Application
from kiosk.cardholder import CardHolder
from kiosk.catalogue import FieldType, FormField, ServiceItem, search
from kiosk.errors import InvalidTransition, ValidationError
from kiosk.feedback import RatingLevel, RequestKind
from kiosk.forms import validate_field
from kiosk.identity import normalize_id_number
from kiosk.store import NewAttachment

log = logging.getLogger(__name__)


class Step(StrEnum):
    """Every screen of the resident's journey; the router maps each to one screen."""

    HOME = "home"
    IDENTIFY = "identify"  # put the ID card on the reader, or choose to type the number
    TYPE_ID = "type_id"  # type the ID number (number pad)
    TYPE_NAME = "type_name"  # type the name (only when filing with a typed ID number)
    DRAFT_OFFER = "draft_offer"  # "you left a half-filled form: continue it?"
    FIND_ITEM = "find_item"  # category tiles, most used first, search
    GUIDE = "guide"  # guide and one-time notice; print and leave, or continue
    FORM = "form"  # one question per screen
    REVIEW = "review"  # summary, read aloud, submit
    CONSENT = "consent"  # assisted filing: the resident's own tap consents to 代办
    SUBMITTED = "submitted"  # the application number, large
    RATING = "rating"  # 好差评, skippable
    LOOKUP = "lookup"  # type an application number (my applications, rating from home)
    MY_APPLICATIONS = "my_applications"  # statuses with "as of", reprint
    REQUEST = "request"  # 我要反映
    REQUEST_DONE = "request_done"
    END = "end"  # thank you; the session is already wiped


class Purpose(StrEnum):
    """What the resident chose on the home screen."""

    APPLY = "apply"  # 办事
    MY_APPLICATIONS = "my_applications"  # 查进度
    RATE = "rate"  # 好差评
    REQUEST = "request"  # 我要反映


class JourneyServices(Protocol):
    """What the journey needs from the core; kiosk.usecases.resident implements it."""

    def catalogue(self) -> list[ServiceItem]: ...

    def most_used(self, limit: int) -> list[str]:
        """Codes of the items filed most often on this terminal, most used first."""
        ...

    def today(self) -> dt.date: ...

    def submit(
        self,
        item_code: str,
        applicant: Applicant,
        answers: dict[str, str],
        *,
        staff_id: str | None = None,
        consent: bool = False,
        attachments: Sequence[NewAttachment] = (),
    ) -> Application:
        """Self-service without ``staff_id``; assisted (代办) with it, only after ``consent``."""
        ...

    def save_draft(self, id_number: str, item_code: str, answers: dict[str, str]) -> None: ...

    def draft_for(self, id_number: str) -> tuple[str, dict[str, str]] | None: ...

    def discard_draft(self, id_number: str) -> None: ...

    def applications_of(self, id_number: str) -> list[Application]: ...

    def application(self, number: str) -> Application | None: ...

    def rate(self, application_number: str, level: RatingLevel, reason: str) -> None: ...

    def already_rated(self, application_number: str) -> bool: ...

    def file_request(
        self, kind: RequestKind, content: str, name: str, phone: str, id_number: str
    ) -> str: ...


class PrintPort(Protocol):
    """Paper, asked for without waiting: the UI's adapter prints on a device thread."""

    def print_receipt(self, application: Application, *, reprint: bool) -> None: ...

    def print_notice(self, item: ServiceItem) -> None: ...

    def print_result(self, application: Application) -> None: ...


COUNTER_ONLY = (
    "这个事项需要提交材料照片，本机暂不能上传。请打印告知单，带齐材料到窗口办理，"
    "或请工作人员帮您代办。"
)


def can_file_here(item: ServiceItem, *, camera: bool = False) -> bool:
    """Without a document camera, items that require an attachment go to the counter."""
    return camera or not any(f.type is FieldType.ATTACHMENT and f.required for f in item.form)


def photo_prompt(form_field: FormField) -> str:
    """What the capture step asks for one attachment field."""
    return f"请把《{form_field.label}》放在高拍仪下，点“拍照”。"


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
    field_index: int = 0
    error: FieldError | None = None
    query: str = ""
    category: str | None = None
    draft: tuple[str, dict[str, str]] | None = None
    application: Application | None = None
    applications: list[Application] = field(default_factory=list)
    rated: set[str] = field(default_factory=set)
    rating_number: str = ""
    request_id: str = ""
    return_to_review: bool = False
    consent: bool = False  # the resident confirmed assisted filing in this visit
    self_filed: bool = False  # the resident declined assistance: file as self-service
    photos: dict[str, NewAttachment] = field(default_factory=dict)  # attachment field → photo

    def wipe(self) -> None:
        """Forget everything; dicts and lists are cleared, not just dropped."""
        self.answers.clear()
        self.photos.clear()
        self.applications.clear()
        self.rated.clear()
        if self.draft is not None:
            self.draft[1].clear()
        fresh = Session()
        for name in self.__dataclass_fields__:
            if name not in ("answers", "applications", "rated", "photos"):
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


Listener = Callable[[Step], None]


class Journey:
    """The resident's visit. Methods are the taps; :attr:`step` is the screen to show."""

    def __init__(
        self,
        services: JourneyServices,
        printer: PrintPort,
        most_used: int = 6,
        *,
        camera: bool = False,
    ) -> None:
        self.services = services
        self.printer = printer
        # A document camera is wired in: attachment fields become photo steps of the form.
        self.camera = camera
        self.session = Session()
        self.step = Step.HOME
        self.staff_number: str | None = None  # a signed-in staff member assists (代办)
        self._most_used = most_used
        self._listeners: list[Listener] = []

    # -- observation -------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(step)`` after every change (also when the step stays, e.g. an error)."""
        self._listeners.append(listener)

    def _go(self, step: Step) -> None:
        self.step = step
        for listener in list(self._listeners):
            listener(step)

    def _require(self, *steps: Step) -> None:
        if self.step not in steps:
            raise InvalidTransition(f"not allowed at {self.step.value}")

    # -- home and identification -------------------------------------------------------

    def start(self, purpose: Purpose) -> None:
        self._require(Step.HOME, Step.END)
        self.session.wipe()
        self.session.purpose = purpose
        if purpose is Purpose.RATE:
            self._go(Step.LOOKUP)
        elif purpose is Purpose.REQUEST:
            self._go(Step.REQUEST)
        else:
            self._go(Step.IDENTIFY)

    def card_inserted(self, holder: CardHolder) -> None:
        """A card was read. At home it starts filing; while identifying it identifies.

        Elsewhere it is ignored: the card of the person already identified coming
        back changes nothing, and another person's card never joins a session.
        """
        s = self.session
        if self.step in (Step.HOME, Step.END):
            s.wipe()
            s.purpose = Purpose.APPLY
        elif self.step not in (Step.IDENTIFY, Step.TYPE_ID, Step.TYPE_NAME, Step.LOOKUP):
            return
        if s.purpose is Purpose.RATE or s.purpose is None:
            return
        if s.purpose is Purpose.REQUEST:
            return
        s.holder = holder
        s.applicant = Applicant(
            name=holder.name, id_number=holder.id_number, address=holder.address or ""
        )
        s.error = None
        self._identified()

    def card_removed(self) -> None:
        """Nothing is lost: the session stays until the resident finishes or the idle timer ends it."""

    def choose_typing(self) -> None:
        """Type the ID number instead of reading the card (filing only).

        "My applications" never opens on a typed ID number: anyone who knows a
        neighbour's number could read which services they applied for. Without the
        card, the receipt's application number is the key.
        """
        self._require(Step.IDENTIFY, Step.LOOKUP)
        self.session.error = None
        if self.session.purpose is Purpose.MY_APPLICATIONS:
            self._go(Step.LOOKUP)
            return
        self._go(Step.TYPE_ID)

    def type_id_number(self, raw: str) -> None:
        self._require(Step.TYPE_ID)
        s = self.session
        try:
            s.typed_id_number = normalize_id_number(raw, self.services.today())
        except ValidationError as exc:
            s.error = FieldError("id_number", exc.message)
            self._go(Step.TYPE_ID)
            return
        s.error = None
        if s.purpose is Purpose.APPLY:
            self._go(Step.TYPE_NAME)
        else:
            self._identified()

    def type_name(self, raw: str) -> None:
        self._require(Step.TYPE_NAME)
        s = self.session
        name = raw.strip()
        if not name:
            s.error = FieldError("name", "请填写您的姓名。")
            self._go(Step.TYPE_NAME)
            return
        if len(name) > 40:
            s.error = FieldError("name", "姓名太长，请核对。")
            self._go(Step.TYPE_NAME)
            return
        s.error = None
        s.applicant = Applicant(name=name, id_number=s.typed_id_number)
        self._identified()

    def _identified(self) -> None:
        s = self.session
        if s.purpose is Purpose.MY_APPLICATIONS:
            s.applications[:] = self.services.applications_of(s.id_number)
            self._go(Step.MY_APPLICATIONS)
            return
        if s.by_card:
            draft = self.services.draft_for(s.id_number)
            if draft is not None and self._item(draft[0]) is not None:
                s.draft = draft
                self._go(Step.DRAFT_OFFER)
                return
        self._go(Step.FIND_ITEM)

    # -- drafts --------------------------------------------------------------------------

    def resume_draft(self) -> None:
        self._require(Step.DRAFT_OFFER)
        s = self.session
        assert s.draft is not None
        code, answers = s.draft
        item = self._item(code)
        assert item is not None
        s.item = item
        s.answers.clear()
        s.answers.update(self._prefill(item))
        s.answers.update(answers)
        s.draft = None
        s.field_index = self._first_unanswered(item)
        self._go(Step.FORM)

    def discard_draft(self) -> None:
        self._require(Step.DRAFT_OFFER)
        self.services.discard_draft(self.session.id_number)
        self.session.draft = None
        self._go(Step.FIND_ITEM)

    # -- finding the item -------------------------------------------------------------------

    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self._open_items():
            seen.setdefault(item.category, None)
        return list(seen)

    def set_query(self, query: str) -> None:
        self._require(Step.FIND_ITEM)
        self.session.query = query
        self.session.category = None
        self._go(Step.FIND_ITEM)

    def choose_category(self, category: str | None) -> None:
        self._require(Step.FIND_ITEM)
        self.session.category = category
        self.session.query = ""
        self._go(Step.FIND_ITEM)

    def visible_items(self) -> list[ServiceItem]:
        """What the item screen lists: search hits, a category, or the most used first."""
        s = self.session
        items = self._open_items()
        if s.query.strip():
            return search(items, s.query)
        if s.category is not None:
            return [i for i in items if i.category == s.category]
        by_code = {i.code: i for i in items}
        used = [by_code[c] for c in self.services.most_used(self._most_used) if c in by_code]
        rest = [i for i in items if i not in used]
        return (used + rest)[: self._most_used]

    def choose_item(self, code: str) -> None:
        self._require(Step.FIND_ITEM)
        item = self._item(code)
        if item is None or not item.accepts_new:
            self.session.error = FieldError(
                "service_code", "这个事项暂时不能在本机办理，请咨询工作人员。"
            )
            self._go(Step.FIND_ITEM)
            return
        s = self.session
        s.error = None
        if s.item is None or s.item.code != code:
            s.answers.clear()
        s.item = item
        self._go(Step.GUIDE)

    def print_notice(self) -> None:
        self._require(Step.GUIDE)
        assert self.session.item is not None
        self.printer.print_notice(self.session.item)

    # -- the form ---------------------------------------------------------------------------------

    def begin_form(self) -> None:
        self._require(Step.GUIDE)
        s = self.session
        assert s.item is not None
        if not can_file_here(s.item, camera=self.camera):
            s.error = FieldError("service_code", COUNTER_ONLY)
            self._go(Step.GUIDE)
            return
        for key, value in self._prefill(s.item).items():
            s.answers.setdefault(key, value)
        s.field_index = 0
        s.error = None
        if not self.questions():
            self._go(Step.REVIEW)
            return
        self._go(Step.FORM)

    def questions(self) -> list[FormField]:
        """The fields asked at the kiosk; attachments only with a camera (else at the counter)."""
        item = self.session.item
        if item is None:
            return []
        return [f for f in item.form if self.camera or f.type is not FieldType.ATTACHMENT]

    def current_field(self) -> FormField:
        return self.questions()[self.session.field_index]

    def answer(self, raw: str) -> None:
        """Validate one answer; on success move to the next question (or back to the review)."""
        self._require(Step.FORM)
        s = self.session
        assert s.item is not None
        current = self.current_field()
        if current.type is FieldType.ATTACHMENT:
            if current.required and current.key not in s.photos:
                s.error = FieldError(current.key, f"请先拍照《{current.label}》。")
                self._go(Step.FORM)
                return
            s.error = None
            self._next_question()
            return
        try:
            value = validate_field(current, raw, self.services.today())
        except ValidationError as exc:
            s.answers[current.key] = raw
            s.error = FieldError(current.key, exc.message)
            self._go(Step.FORM)
            return
        s.error = None
        s.answers[current.key] = value
        if s.by_card:
            self.services.save_draft(s.id_number, s.item.code, dict(s.answers))
        self._next_question()

    def _next_question(self) -> None:
        s = self.session
        if s.return_to_review or s.field_index + 1 >= len(self.questions()):
            s.return_to_review = False
            self._go(Step.REVIEW)
            return
        s.field_index += 1
        self._go(Step.FORM)

    # -- photos of papers (with a document camera) ------------------------------------------------

    def photo_taken(self, field_key: str, content: bytes, mime_type: str = "image/jpeg") -> None:
        """The camera's (already downscaled) photo for ``field_key``; shown, not yet confirmed.

        A photo arriving after the resident moved on (or the session was wiped) is dropped.
        """
        s = self.session
        if self.step is not Step.FORM or s.item is None:
            return
        current = self.current_field()
        if current.key != field_key or current.type is not FieldType.ATTACHMENT:
            return
        suffix = {"image/jpeg": ".jpg", "image/png": ".png"}.get(mime_type, "")
        s.photos[field_key] = NewAttachment(field_key, field_key + suffix, mime_type, content)
        s.error = None
        self._go(Step.FORM)

    def photo_failed(self, field_key: str, message: str) -> None:
        """The camera could not take the photo: ``message`` (Chinese) is shown under the question."""
        if self.step is not Step.FORM or self.current_field().key != field_key:
            return
        self.session.error = FieldError(field_key, message)
        self._go(Step.FORM)

    def retake(self) -> None:
        """重拍: forget the photo of the current field."""
        self._require(Step.FORM)
        self.session.photos.pop(self.current_field().key, None)
        self.session.error = None
        self._go(Step.FORM)

    def edit(self, key: str) -> None:
        """From the review, change one answer and come back to the review."""
        self._require(Step.REVIEW)
        keys = [f.key for f in self.questions()]
        self.session.field_index = keys.index(key)
        self.session.return_to_review = True
        self.session.error = None
        self._go(Step.FORM)

    def review_lines(self) -> list[tuple[str, str]]:
        """(label, answer) pairs shown and read aloud on the review screen."""
        s = self.session
        lines: list[tuple[str, str]] = []
        if s.applicant is not None:
            lines.append(("申请人", s.applicant.name))
        for form_field in self.questions():
            if form_field.type is FieldType.ATTACHMENT:
                taken = form_field.key in s.photos
                lines.append((form_field.label, "已拍照" if taken else "（未拍照）"))
                continue
            lines.append((form_field.label, s.answers.get(form_field.key, "") or "（未填写）"))
        return lines

    # -- assisted filing -----------------------------------------------------------------------

    def set_assisting(self, staff_number: str | None) -> None:
        """Staff signed in (their number) or out (None); spans visits, unlike the session."""
        self.staff_number = staff_number

    @property
    def assisted(self) -> bool:
        return self.staff_number is not None and not self.session.self_filed

    def consent(self, agreed: bool) -> None:
        """The resident's answer on the consent screen; declining files it as their own."""
        self._require(Step.CONSENT)
        if agreed:
            self.session.consent = True
            self.step = Step.REVIEW
            self.submit()
            return
        self.session.self_filed = True
        self.session.error = None
        self._go(Step.REVIEW)

    # -- submit, rate, finish ---------------------------------------------------------------------------

    def submit(self) -> None:
        self._require(Step.REVIEW)
        s = self.session
        assert s.item is not None and s.applicant is not None
        answers = {f.key: s.answers[f.key] for f in self.questions() if s.answers.get(f.key)}
        if self.assisted and not s.consent:
            self._go(Step.CONSENT)
            return
        staff = self.staff_number if self.assisted else None
        photos = [s.photos[f.key] for f in self.questions() if f.key in s.photos]
        try:
            application = self.services.submit(
                s.item.code,
                s.applicant,
                answers,
                staff_id=staff,
                consent=s.consent,
                attachments=photos,
            )
        except ValidationError as exc:
            keys = [f.key for f in self.questions()]
            s.error = FieldError(exc.field or "", exc.message)
            if exc.field in keys:
                s.field_index = keys.index(exc.field)
                s.return_to_review = True
                self._go(Step.FORM)
            else:
                self._go(Step.REVIEW)
            return
        s.error = None
        s.application = application
        if s.by_card:
            self.services.discard_draft(s.id_number)
        log.info("application filed")
        self.printer.print_receipt(application, reprint=False)
        self._go(Step.SUBMITTED)

    def to_rating(self) -> None:
        self._require(Step.SUBMITTED)
        s = self.session
        assert s.application is not None
        if s.application.number in s.rated:
            self.finish()
            return
        s.rating_number = s.application.number
        self._go(Step.RATING)

    def rate(self, level: RatingLevel, reason: str = "") -> None:
        self._require(Step.RATING)
        s = self.session
        try:
            self.services.rate(s.rating_number, level, reason)
        except ValidationError as exc:
            s.error = FieldError(exc.field or "reason", exc.message)
            self._go(Step.RATING)
            return
        s.rated.add(s.rating_number)
        self.finish()

    def skip_rating(self) -> None:
        self._require(Step.RATING)
        self.finish()

    def finish(self) -> None:
        """The resident is done: wipe the session and say goodbye."""
        self.session.wipe()
        self._go(Step.END)

    def timeout(self) -> None:
        """The idle countdown ran out: wipe and return home (drafts of card holders stay on disk)."""
        self.session.wipe()
        self._go(Step.HOME)

    def home(self) -> None:
        """Back to the home screen from the goodbye screen or by the resident's choice."""
        self.session.wipe()
        self._go(Step.HOME)

    # -- my applications and rating by number ---------------------------------------------------

    def lookup_number(self, raw: str) -> None:
        """A typed application number: its status (my applications) or its rating (好差评)."""
        self._require(Step.LOOKUP)
        s = self.session
        found = self.services.application(raw.strip())
        if found is None:
            s.error = FieldError("number", "没有找到这个办件编号，请核对回执上的编号。")
            self._go(Step.LOOKUP)
            return
        s.error = None
        if s.purpose is Purpose.RATE:
            if found.number in s.rated or self.services.already_rated(found.number):
                s.error = FieldError("number", "这件办件已经评价过了，谢谢您。")
                self._go(Step.LOOKUP)
                return
            s.rating_number = found.number
            self._go(Step.RATING)
            return
        s.applications[:] = [found]
        self._go(Step.MY_APPLICATIONS)

    def lookup_by_number_instead(self) -> None:
        self._require(Step.IDENTIFY)
        self.session.error = None
        self._go(Step.LOOKUP)

    def reprint(self, number: str) -> None:
        self._require(Step.MY_APPLICATIONS)
        for application in self.session.applications:
            if application.number == number:
                self.printer.print_receipt(application, reprint=True)
                return

    def print_result(self, number: str) -> None:
        """Print the result notice the platform sent down for one of the listed applications."""
        self._require(Step.MY_APPLICATIONS)
        for application in self.session.applications:
            if application.number == number and application.result_notice:
                self.printer.print_result(application)
                return

    # -- requests ----------------------------------------------------------------------------------

    def file_request(self, kind: RequestKind, content: str, phone: str = "") -> None:
        self._require(Step.REQUEST)
        s = self.session
        name = s.applicant.name if s.applicant is not None else ""
        try:
            s.request_id = self.services.file_request(kind, content, name, phone, s.id_number)
        except ValidationError as exc:
            s.error = FieldError(exc.field or "content", exc.message)
            self._go(Step.REQUEST)
            return
        s.error = None
        self._go(Step.REQUEST_DONE)

    # -- going back ---------------------------------------------------------------------------------

    def back(self) -> None:
        """One step back without losing anything typed; from the first step, home."""
        s = self.session
        s.error = None
        step = self.step
        if step is Step.FORM:
            if s.return_to_review:
                s.return_to_review = False
                self._go(Step.REVIEW)
            elif s.field_index > 0:
                s.field_index -= 1
                self._go(Step.FORM)
            else:
                self._go(Step.GUIDE)
        elif step is Step.CONSENT:
            self._go(Step.REVIEW)
        elif step is Step.REVIEW:
            s.field_index = max(0, len(self.questions()) - 1)
            self._go(Step.FORM if self.questions() else Step.GUIDE)
        elif step is Step.GUIDE:
            self._go(Step.FIND_ITEM)
        elif step is Step.TYPE_NAME:
            self._go(Step.TYPE_ID)
        elif step is Step.TYPE_ID:
            self._go(Step.IDENTIFY if s.purpose is not Purpose.RATE else Step.LOOKUP)
        elif step is Step.LOOKUP and s.purpose is Purpose.MY_APPLICATIONS:
            self._go(Step.IDENTIFY)
        elif step in (Step.SUBMITTED, Step.RATING, Step.REQUEST_DONE, Step.MY_APPLICATIONS):
            self.finish()
        else:
            self.home()

    # -- helpers ------------------------------------------------------------------------------------

    def _open_items(self) -> list[ServiceItem]:
        return [i for i in self.services.catalogue() if i.accepts_new]

    def _item(self, code: str) -> ServiceItem | None:
        for item in self.services.catalogue():
            if item.code == code:
                return item
        return None

    def _prefill(self, item: ServiceItem) -> dict[str, str]:
        s = self.session
        values: dict[str, str] = {}
        if s.holder is not None:
            h = s.holder
            values = {
                "name": h.name,
                "id_number": h.id_number,
                "address": h.address or "",
                "gender": h.gender or "",
                "birth_date": h.birth_date.isoformat() if h.birth_date else "",
                "nation": h.nation or "",
            }
        elif s.applicant is not None:
            values = {"name": s.applicant.name, "id_number": s.applicant.id_number}
        out: dict[str, str] = {}
        for form_field in item.form:
            if form_field.prefill in CARD_PREFILL and values.get(form_field.prefill or ""):
                out[form_field.key] = values[form_field.prefill or ""]
        return out

    def _first_unanswered(self, item: ServiceItem) -> int:
        for index, form_field in enumerate(self.questions()):
            if form_field.type is FieldType.ATTACHMENT:
                if form_field.required and form_field.key not in self.session.photos:
                    return index
            elif not self.session.answers.get(form_field.key):
                return index
        return 0


def answers_in_order(fields: Sequence[FormField], answers: dict[str, str]) -> list[str]:
    """Answers listed in form order (helper for read-aloud and tests)."""
    return [answers.get(f.key, "") for f in fields]
