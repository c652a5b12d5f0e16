"""Rating a visit (好差评) and filing a request (诉求)."""

from __future__ import annotations

from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.feedback import (
    CitizenRequest,
    Rating,
    RatingLevel,
    RequestKind,
    check_rating,
    check_request_content,
)
from kiosk.identity import normalize_id_number, normalize_mobile
from kiosk.ids import uuid7
from kiosk.text_rules import check_text


def rate_application(
    core: KioskCore, application_number: str, level: RatingLevel, reason: str = ""
) -> Rating:
    """One rating per application (national rule: one rating per visit, tied to the number)."""
    application = core.store.application(application_number)
    if application is None:
        raise ValidationError("找不到这个办件编号。", field="application_number")
    # The receipt may carry the provisional number it had before enrolment: rate the
    # application under its current number, so the one-rating rule sees both.
    if core.store.rating_for(application.number) is not None:
        raise ValidationError("这件事项已经评价过了，感谢您的评价。", field="level")
    rating = Rating(
        id=str(uuid7()),
        application_number=application.number,
        level=level,
        reason=check_rating(level, reason),
        created_at=core.clock(),
    )
    core.store.add_rating(rating)
    return rating


def file_request(
    core: KioskCore,
    kind: RequestKind,
    content: str,
    *,
    name: str = "",
    phone: str = "",
    id_number: str = "",
) -> CitizenRequest:
    """A complaint, suggestion or request for help. Contact details are optional but checked if given."""
    check_text(name.strip(), "姓名", "name")
    check_text(phone.strip(), "联系电话", "phone")
    check_text(id_number.strip(), "身份证号码", "id_number")
    if phone:
        try:
            phone = normalize_mobile(phone)
        except ValidationError as exc:
            raise ValidationError(exc.message, field="phone") from None
    if id_number:
        try:
            id_number = normalize_id_number(id_number)
        except ValidationError as exc:
            raise ValidationError(exc.message, field="id_number") from None
    request = CitizenRequest(
        id=str(uuid7()),
        kind=kind,
        content=check_request_content(content),
        name=name.strip(),
        phone=phone,
        id_number=id_number,
        created_at=core.clock(),
    )
    core.store.add_request(request)
    return request
