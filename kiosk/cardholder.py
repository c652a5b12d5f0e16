"""What an identity card tells us about its holder, whatever reader produced it.

Readers (``devices.cards``) build a :class:`CardHolder`; the core and the UI only
ever see this type. The fields follow the JSON contract of ``kiosk card read
--json`` (issue 3), so one object serves the CLI, the form pre-fill and the
"my applications" lookup.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class CardType(StrEnum):
    """Card kinds; the values are the ``card_type`` strings of the CLI contract."""

    RESIDENT = "resident"  # 居民身份证
    FOREIGN_PERMANENT = "foreign_permanent"  # 外国人永久居留身份证 (old I layout and 2023 layout)
    HMT_RESIDENCE = "hmt_residence"  # 港澳台居民居住证 (J)
    SOCIAL_SECURITY = "social_security"  # 社会保障卡 (PC/SC)
    BANK = "bank"  # PBOC bank card: never an identity on its own


LONG_TERM = "长期"
"""Valid-to value of a card that does not expire."""


@dataclass(frozen=True, slots=True)
class CardHolder:
    """One card read. ``photo_wlt`` is the raw, still-encoded WLT photo (decoding needs a licensed plug-in)."""

    card_type: CardType
    name: str
    id_number: str
    gender: str | None = None  # 男 / 女
    nation: str | None = None  # Chinese name of the ethnic group, e.g. 汉
    birth_date: dt.date | None = None
    address: str | None = None
    issuer: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | str | None = None  # a date, or LONG_TERM
    name_en: str | None = None
    nationality: str | None = None  # ISO 3166 alpha-3 code on foreigner cards, or Chinese name
    photo_wlt: bytes | None = None
    card_number: str | None = None  # social-security / bank card number

    def to_json_dict(self) -> dict[str, str | None]:
        """The exact key set of ``kiosk card read --json`` (issue 3); technicians script against it."""

        def iso(value: dt.date | str | None) -> str | None:
            if value is None or isinstance(value, str):
                return value
            return value.isoformat()

        return {
            "card_type": self.card_type.value,
            "name": self.name,
            "name_en": self.name_en,
            "gender": self.gender,
            "nation": self.nation,
            "birth_date": iso(self.birth_date),
            "address": self.address,
            "id_number": self.id_number,
            "issuer": self.issuer,
            "valid_from": iso(self.valid_from),
            "valid_to": iso(self.valid_to),
            "nationality": self.nationality,
            "photo_wlt_base64": (
                base64.b64encode(self.photo_wlt).decode("ascii") if self.photo_wlt else None
            ),
        }

    def __repr__(self) -> str:
        # Personal data must never reach a log through an accidental repr().
        return f"CardHolder(card_type={self.card_type.value!r}, <personal data hidden>)"
