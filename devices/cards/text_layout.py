"""Decode (and, for the simulator, encode) the 256-byte text block of the read answer.

The block is UCS-2 little-endian, each field padded with spaces. Which layout
applies is given by the type marker at bytes 248–249: blank for the resident ID
card (居民身份证), ``J`` for the Hong Kong/Macao/Taiwan residence permit
(港澳台居民居住证), ``I`` for the foreigner's permanent residence card up to the 2017
edition (外国人永久居留身份证) and ``Y`` for its 2023 edition. Offsets were checked
against open implementations; docs/devices-cards.md lists them and where sources
disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from devices.cards.codes import gender_name, nation_name
from devices.cards.errors import CardDataError
from kiosk.cardholder import LONG_TERM, CardHolder, CardType

TEXT_SIZE = 256
MARKER = slice(248, 250)


@dataclass(frozen=True, slots=True)
class TextLayout:
    """Field name -> (offset, size in bytes) for one card type."""

    card_type: CardType
    marker: str
    fields: Mapping[str, tuple[int, int]]


RESIDENT = TextLayout(
    CardType.RESIDENT,
    " ",
    {
        "name": (0, 30),
        "gender": (30, 2),
        "nation": (32, 4),
        "birth_date": (36, 16),
        "address": (52, 70),
        "id_number": (122, 36),
        "issuer": (158, 30),
        "valid_from": (188, 16),
        "valid_to": (204, 16),
    },
)
"""Resident ID card; bytes 220–255 are reserved (some readers put the newest address there)."""

HMT_RESIDENCE = TextLayout(
    CardType.HMT_RESIDENCE,
    "J",
    {
        "name": (0, 30),
        "gender": (30, 2),
        "birth_date": (36, 16),
        "address": (52, 70),
        "id_number": (122, 36),
        "issuer": (158, 30),
        "valid_from": (188, 16),
        "valid_to": (204, 16),
        "pass_number": (220, 18),  # 通行证号码
        "issue_count": (238, 4),  # 签发次数
    },
)
"""HMT residence permit (J): the resident layout, no nation, pass number and issue count."""

FOREIGN_OLD = TextLayout(
    CardType.FOREIGN_PERMANENT,
    "I",
    {
        "name_en": (0, 120),
        "gender": (120, 2),
        "id_number": (122, 30),  # 15-character permanent residence number
        "nationality": (152, 6),  # ISO 3166-1 alpha-3
        "name": (158, 30),
        "valid_from": (188, 16),
        "valid_to": (204, 16),
        "birth_date": (220, 16),
        "card_version": (236, 4),
        "authority_code": (240, 8),  # 当次申请受理机关代码
    },
)
"""Foreigner's permanent residence card, editions before 2023 (I)."""

FOREIGN_2023 = TextLayout(
    CardType.FOREIGN_PERMANENT,
    "Y",
    {
        "name": (0, 30),
        "gender": (30, 2),
        "renewal_count": (32, 4),  # 换证次数
        "birth_date": (36, 16),
        "name_en": (52, 70),  # English name, characters 1–35
        "id_number": (122, 36),  # 18 characters, starting with 9
        "valid_from": (188, 16),
        "valid_to": (204, 16),
        "name_en_more": (220, 22),  # English name, characters 36–46
        "nationality": (242, 6),
        "previous_id_link": (250, 6),  # links to the old 15-character number
    },
)
"""Foreigner's permanent residence card, 2023 edition (Y); mirrors the resident layout."""

LAYOUTS: tuple[TextLayout, ...] = (RESIDENT, HMT_RESIDENCE, FOREIGN_OLD, FOREIGN_2023)


def layout_for_marker(text: bytes) -> TextLayout:
    """Pick the layout from the type marker; raise :class:`CardDataError` for unknown ones."""
    if len(text) != TEXT_SIZE:
        raise CardDataError(f"text block is {len(text)} bytes, expected {TEXT_SIZE}")
    marker = _field(text, MARKER.start, 2)
    for layout in LAYOUTS:
        if marker == layout.marker.strip():
            return layout
    raise CardDataError(f"unknown card type marker {marker!r}")


def read_fields(text: bytes) -> tuple[TextLayout, dict[str, str]]:
    """All fields of a text block as stripped strings, with the layout used."""
    layout = layout_for_marker(text)
    return layout, {name: _field(text, off, size) for name, (off, size) in layout.fields.items()}


def decode_text_block(text: bytes, photo: bytes | None = None) -> CardHolder:
    """Turn a text block (and the raw WLT photo) into a :class:`CardHolder`."""
    layout, f = read_fields(text)
    gender = gender_name(f["gender"]) if f["gender"] else None
    if layout is FOREIGN_2023:
        name_en = (f["name_en"] + f["name_en_more"]).strip() or None
    else:
        name_en = f.get("name_en") or None
    name = f["name"] or (name_en or "")
    if not name or not f["id_number"]:
        raise CardDataError("text block has no name or no number")
    return CardHolder(
        card_type=layout.card_type,
        name=name,
        id_number=f["id_number"],
        gender=gender,
        nation=nation_name(f["nation"]) if f.get("nation") else None,
        birth_date=_date(f["birth_date"]),
        address=f.get("address") or None,
        issuer=f.get("issuer") or None,
        valid_from=_date(f["valid_from"]),
        valid_to=_valid_to(f["valid_to"]),
        name_en=name_en,
        nationality=f.get("nationality") or None,
        photo_wlt=photo or None,
    )


def encode_text_block(layout: TextLayout, values: Mapping[str, str]) -> bytes:
    """Build a text block from raw chip values (codes, ``YYYYMMDD``); the simulator's half."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    if layout.marker.strip():
        block[MARKER] = layout.marker.encode("utf-16-le")
    for name, value in values.items():
        if name not in layout.fields:
            raise CardDataError(f"field {name!r} is not part of the {layout.marker!r} layout")
        offset, size = layout.fields[name]
        raw = value.encode("utf-16-le")
        if len(raw) > size:
            raise CardDataError(f"field {name!r} is longer than {size // 2} characters")
        block[offset : offset + len(raw)] = raw
    return bytes(block)


def _field(text: bytes, offset: int, size: int) -> str:
    try:
        value = text[offset : offset + size].decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise CardDataError(f"bytes {offset}..{offset + size} are not UCS-2") from exc
    return value.replace("\x00", " ").strip()


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError as exc:
        raise CardDataError("date field is not YYYYMMDD") from exc


def _valid_to(value: str) -> dt.date | str | None:
    return LONG_TERM if value == LONG_TERM else _date(value)
