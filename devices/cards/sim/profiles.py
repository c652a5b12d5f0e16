"""Card profiles for the simulators: JSON files of fictitious people in ``config/cards``.

A profile holds what is printed on the card (names, 男/女, 汉, ISO dates, 长期);
:meth:`SamProfile.text_block` turns it into the chip's raw fields and bytes, so the
simulator exercises the same decoder a real card does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from devices.cards.codes import gender_code, nation_code
from devices.cards.text_layout import (
    FOREIGN_2023,
    FOREIGN_OLD,
    HMT_RESIDENCE,
    RESIDENT,
    TextLayout,
    encode_text_block,
)
from kiosk.cardholder import LONG_TERM, CardHolder

LAYOUTS_BY_NAME: dict[str, TextLayout] = {
    "resident": RESIDENT,
    "hmt": HMT_RESIDENCE,
    "foreign_old": FOREIGN_OLD,
    "foreign_2023": FOREIGN_2023,
}
_DATE_FIELDS = ("birth_date", "valid_from", "valid_to")


class ProfileError(ValueError):
    """A profile file is malformed."""


@dataclass(frozen=True, slots=True)
class SamProfile:
    """One simulated ID card; ``values`` are the printed values keyed by layout field names."""

    name: str
    layout: TextLayout
    values: Mapping[str, str]
    photo: bytes

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> SamProfile:
        layout_name = data.get("layout")
        if layout_name not in LAYOUTS_BY_NAME:
            raise ProfileError(f"profile {name}: unknown layout {layout_name!r}")
        values = {k: str(v) for k, v in data.get("fields", {}).items()}
        photo = hashlib.shake_256(f"fictitious WLT of {name}".encode()).digest(1024)
        return cls(name, LAYOUTS_BY_NAME[str(layout_name)], values, photo)

    def raw_fields(self) -> dict[str, str]:
        """The chip's representation: gender and nation codes, ``YYYYMMDD`` dates."""
        raw = dict(self.values)
        if "gender" in raw:
            raw["gender"] = gender_code(raw["gender"])
        if "nation" in raw:
            raw["nation"] = nation_code(raw["nation"])
        for key in _DATE_FIELDS:
            if key in raw and raw[key] != LONG_TERM:
                raw[key] = raw[key].replace("-", "")
        if self.layout is FOREIGN_2023 and "name_en" in raw:
            full = raw.pop("name_en")
            raw["name_en"], raw["name_en_more"] = full[:35], full[35:46]
        return raw

    def text_block(self) -> bytes:
        return encode_text_block(self.layout, self.raw_fields())

    def expected_holder(self) -> CardHolder:
        """What a correct reader must produce from this profile (used by tests and the docs)."""
        v = self.values

        def date(key: str) -> dt.date | None:
            return dt.date.fromisoformat(v[key]) if v.get(key) else None

        valid_to: dt.date | str | None = (
            LONG_TERM if v.get("valid_to") == LONG_TERM else date("valid_to")
        )
        return CardHolder(
            card_type=self.layout.card_type,
            name=v.get("name") or v.get("name_en", ""),
            id_number=v["id_number"],
            gender=v.get("gender"),
            nation=v.get("nation"),
            birth_date=date("birth_date"),
            address=v.get("address"),
            issuer=v.get("issuer"),
            valid_from=date("valid_from"),
            valid_to=valid_to,
            name_en=v.get("name_en"),
            nationality=v.get("nationality"),
            photo_wlt=self.photo,
        )


def profile_dir() -> Path:
    """``config/cards`` inside the installed package."""
    return Path(str(resources.files("config") / "cards"))


def load_profiles(directory: Path | None = None) -> dict[str, SamProfile]:
    """Every SAM profile (``"kind": "sam"``) in ``directory``, keyed by file stem."""
    profiles: dict[str, SamProfile] = {}
    for path in sorted((directory or profile_dir()).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kind") == "sam":
            profiles[path.stem] = SamProfile.from_json(path.stem, data)
    return profiles
