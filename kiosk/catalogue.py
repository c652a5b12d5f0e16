"""Service items (办事事项): what a resident can apply for, and how.

An item is versioned: the platform may publish a new version while applications
against the old one are still queued, and those must still be accepted (sync
contract rule 6). The form schema is data, so a new item needs no code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any

from kiosk.errors import KioskError
from kiosk.interning import Interner, text
from kiosk.pinyin_initials import pinyin_initials


class ItemState(StrEnum):
    OPEN = "open"  # accepts new applications
    CLOSING = "closing"  # being retired: no new applications, queued ones still go through
    CLOSED = "closed"


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    ADDRESS = "address"
    ATTACHMENT = "attachment"


@dataclass(frozen=True, slots=True, weakref_slot=True)  # weak: shared by items (_FIELDS)
class FormField:
    """One question of an item's form.

    ``prefill`` names the card field that fills it (``name``, ``id_number``,
    ``address``, ``gender``, ``birth_date``, ``nation``) so the resident does not
    type what the card already says. ``personal`` fields are encrypted at rest.
    """

    key: str
    label: str
    type: FieldType
    required: bool = True
    personal: bool = False
    options: tuple[str, ...] = ()
    hint: str = ""
    prefill: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    max_length: int | None = None


class Route(StrEnum):
    """How a kiosk can satisfy one material (issue 13, item 1)."""

    SCAN = "scan"  # photographed with the document camera (高拍仪)
    E_LICENCE = "e_licence"  # fetched from the 电子证照库 with the holder's consent (免提交)
    PROMISE = "promise"  # filed now under a commitment to bring it later (容缺 / 告知承诺)
    COUNTER = "counter"  # must be seen in person at a window

    @property
    def trust(self) -> TrustLevel:
        """The level the material reaches by this route (国办函〔2016〕108号 A–D)."""
        return _TRUST[self]


class TrustLevel(StrEnum):
    """Trust levels of materials: A issued by an agency, B checked by staff, C uploaded by
    the applicant (the original is checked later), D vouched for by the applicant's promise."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


_TRUST = {
    Route.E_LICENCE: TrustLevel.A,
    Route.COUNTER: TrustLevel.B,
    Route.SCAN: TrustLevel.C,
    Route.PROMISE: TrustLevel.D,
}


@dataclass(frozen=True, slots=True, weakref_slot=True)  # weak: shared by items (_MATERIALS)
class Material:
    """One entry of the one-time notice (一次性告知): what to bring, how many, original or copy,
    and how a kiosk can satisfy it.

    ``routes`` are the ways it may arrive (:class:`Route`); ``field`` names the attachment
    field of the form that photographs it (a required one makes the material necessary at
    filing: without a camera it must come by another route). ``licence_type`` is the
    e-licence that stands for it, ``promise_days`` the working days a promise gives to bring
    it. Only a secondary material (``main`` False) may be missing at filing (容缺受理).
    """

    name: str
    copies: int = 1
    original: bool = False
    note: str = ""
    routes: tuple[Route, ...] = ()
    main: bool = True
    field: str = ""
    licence_type: str = ""
    promise_days: int = 0

    def __post_init__(self) -> None:
        if not self.routes:  # older data: an original is seen at the counter, a copy scanned
            object.__setattr__(self, "routes", (Route.COUNTER,) if self.original else (Route.SCAN,))

    def allows(self, route: Route) -> bool:
        return route in self.routes

    @property
    def promisable(self) -> bool:
        """May be filed under a promise: the item's data says so, and it is secondary."""
        return Route.PROMISE in self.routes and not self.main and self.promise_days > 0


@dataclass(frozen=True, slots=True)
class ServiceItem:
    code: str
    name: str
    department: str
    category: str
    guide: str
    conditions: tuple[str, ...]
    materials: tuple[Material, ...]
    form: tuple[FormField, ...]
    time_limit_days: int  # 承诺时限, in working days
    fee: str = "免费"
    version: int = 1
    state: ItemState = ItemState.OPEN
    where: str = ""  # where to go or who handles it after filing
    keywords: tuple[str, ...] = field(default=())
    # The 告知承诺 text shown, read aloud and printed when materials are promised; empty:
    # DEFAULT_COMMITMENT. Placeholders: {item}, {materials} (each with its date), {due} (the last).
    commitment: str = ""

    @property
    def accepts_new(self) -> bool:
        return self.state is ItemState.OPEN

    def field(self, key: str) -> FormField:
        for form_field in self.form:
            if form_field.key == key:
                return form_field
        raise KeyError(key)

    def material(self, name: str) -> Material:
        for material in self.materials:
            if material.name == name:
                return material
        raise KeyError(name)

    @property
    def commitment_template(self) -> str:
        return self.commitment or DEFAULT_COMMITMENT

    @property
    def initials(self) -> str:
        """Pinyin initials of the name (养老保险 → ylbx), for search by residents who type pinyin."""
        return pinyin_initials(self.name)


class CatalogueError(KioskError):
    """A catalogue document does not describe valid service items."""


DEFAULT_COMMITMENT = (
    "本人申请办理“{item}”，现承诺按期补交以下材料：{materials}。"
    "本人已知晓：逾期未补交的，本次申请将终止办理；"
    "承诺不实的，受理部门将撤销办理结果，本人依法承担相应责任，并记入个人信用记录。"
)
"""The 告知承诺书 of an item that does not bring its own (国办发〔2020〕42号: what is promised
and what a false promise costs, in writing)."""


def _routes(m: dict[str, Any]) -> tuple[Route, ...]:
    """The material's routes; older catalogues name none: an original is seen at the counter,
    a copy may be photographed. A promise is never assumed: only the item's data grants it."""
    if "routes" in m:
        if not m["routes"]:
            raise ValueError(f"material {m.get('name', '?')}: no route")
        return tuple(Route(r) for r in m["routes"])
    return ()  # Material fills in the default


_FIELDS: Interner[FormField] = Interner()
_MATERIALS: Interner[Material] = Interner()
"""Equal questions and materials of different items are one object (a county's catalogue
repeats 姓名, 公民身份号码, 居民身份证 in thousands of items; :mod:`kiosk.interning`)."""


def _material(m: dict[str, Any]) -> Material:
    material = Material(
        name=text(m["name"]),
        copies=int(m.get("copies", 1)),
        original=bool(m.get("original", False)),
        note=text(m.get("note", "")),
        routes=_routes(m),
        main=bool(m.get("main", True)),
        field=text(m.get("field", "")),
        licence_type=text(m.get("licence_type", "")),
        promise_days=int(m.get("promise_days", 0)),
    )
    return _MATERIALS(material)


def _form_field(f: dict[str, Any]) -> FormField:
    form_field = FormField(
        key=text(f["key"]),
        label=text(f["label"]),
        type=FieldType(f["type"]),
        required=bool(f.get("required", True)),
        personal=bool(f.get("personal", False)),
        options=tuple(text(option) for option in f.get("options", ())),
        hint=text(f.get("hint", "")),
        prefill=text(f.get("prefill")),
        min_value=f.get("min"),
        max_value=f.get("max"),
        max_length=f.get("max_length"),
    )
    return _FIELDS(form_field)


def item_from_dict(data: dict[str, Any]) -> ServiceItem:
    """Parse one item from the JSON shape used by config/catalogue.json and the platform."""
    try:
        form = tuple(_form_field(f) for f in data["form"])
        materials = tuple(_material(m) for m in data["materials"])
        item = ServiceItem(
            code=data["code"],
            name=data["name"],
            department=text(data["department"]),
            category=text(data["category"]),
            guide=data["guide"],
            conditions=tuple(text(c) for c in data.get("conditions", ())),
            materials=materials,
            form=form,
            time_limit_days=int(data["time_limit_days"]),
            fee=text(data.get("fee", "免费")),
            version=int(data.get("version", 1)),
            state=ItemState(data.get("state", "open")),
            where=text(data.get("where", "")),
            keywords=tuple(text(k) for k in data.get("keywords", ())),
            commitment=text(data.get("commitment", "")),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise CatalogueError(f"invalid service item {data.get('code', '?')}: {exc!r}") from exc
    _check_item(item)
    return item


def _check_item(item: ServiceItem) -> None:
    keys = [f.key for f in item.form]
    if len(keys) != len(set(keys)):
        raise CatalogueError(f"service item {item.code}: duplicate form field keys")
    for form_field in item.form:
        if form_field.type is FieldType.CHOICE and not form_field.options:
            raise CatalogueError(
                f"service item {item.code}: choice field {form_field.key} has no options"
            )
    if item.time_limit_days < 0:
        raise CatalogueError(f"service item {item.code}: negative time limit")
    names = [m.name for m in item.materials]
    if len(names) != len(set(names)):
        raise CatalogueError(f"service item {item.code}: duplicate material names")
    for m in item.materials:
        _check_material(item, m)


def _check_material(item: ServiceItem, m: Material) -> None:
    where = f"service item {item.code}, material {m.name}"
    if Route.E_LICENCE in m.routes and not m.licence_type:
        raise CatalogueError(f"{where}: route e_licence without a licence_type")
    if Route.PROMISE in m.routes:
        if m.main:
            raise CatalogueError(f"{where}: only a secondary material may be promised")
        if m.promise_days <= 0:
            raise CatalogueError(f"{where}: route promise without promise_days")
    if m.field:
        try:
            target = item.field(m.field)
        except KeyError:
            raise CatalogueError(f"{where}: no form field {m.field}") from None
        if target.type is not FieldType.ATTACHMENT:
            raise CatalogueError(f"{where}: field {m.field} is not an attachment")
        if Route.SCAN not in m.routes:
            raise CatalogueError(f"{where}: photographed by {m.field} but no route scan")


def item_to_dict(item: ServiceItem) -> dict[str, Any]:
    """The inverse of :func:`item_from_dict`; stored in SQLite and sent by the platform."""
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department,
        "category": item.category,
        "guide": item.guide,
        "conditions": list(item.conditions),
        "materials": [_material_to_dict(m) for m in item.materials],
        "form": [
            {
                k: v
                for k, v in {
                    "key": f.key,
                    "label": f.label,
                    "type": f.type.value,
                    "required": f.required,
                    "personal": f.personal,
                    "options": list(f.options),
                    "hint": f.hint,
                    "prefill": f.prefill,
                    "min": f.min_value,
                    "max": f.max_value,
                    "max_length": f.max_length,
                }.items()
                if v not in (None, "", [])
            }
            for f in item.form
        ],
        "time_limit_days": item.time_limit_days,
        "fee": item.fee,
        "version": item.version,
        "state": item.state.value,
        "where": item.where,
        "keywords": list(item.keywords),
        **({"commitment": item.commitment} if item.commitment else {}),
    }


def _material_to_dict(m: Material) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": m.name,
        "copies": m.copies,
        "original": m.original,
        "note": m.note,
        "routes": [r.value for r in m.routes],
        "main": m.main,
    }
    if m.field:
        out["field"] = m.field
    if m.licence_type:
        out["licence_type"] = m.licence_type
    if m.promise_days:
        out["promise_days"] = m.promise_days
    return out


def load_sample_catalogue() -> list[ServiceItem]:
    """The sample catalogue shipped in ``config/catalogue.json`` (used until the platform sends one)."""
    text = resources.files("config").joinpath("catalogue.json").read_text(encoding="utf-8")
    document = json.loads(text)
    return [item_from_dict(entry) for entry in document["items"]]


@dataclass(frozen=True, slots=True)
class _Searchable:
    """What search compares for one item, lower-cased once: the per-item part of the index."""

    item: ServiceItem
    text: str  # name, pinyin initials and keywords, joined by _SEPARATOR
    code: str


_SEPARATOR = "\x00"  # never in a query (those are checked naively), so no match spans two fields
_SEARCH_INDEX: dict[int, _Searchable] = {}
_SEARCH_INDEX_LIMIT = 50_000  # a few catalogues' worth; cleared whole beyond that


def _searchable(item: ServiceItem) -> _Searchable:
    """The item's search text, built on first use and kept while the item object lives.

    Keyed by ``id(item)`` and holding the item itself, so an id cannot be reused while its
    entry exists (a stale entry is recognised by identity and rebuilt). Items are frozen, so
    the text never goes stale. Building it computes the pinyin initials (~8 µs a name, from
    :mod:`kiosk.pinyin_initials`); afterwards a search over 5,000 items is one substring
    test per item.
    """
    entry = _SEARCH_INDEX.get(id(item))
    if entry is None or entry.item is not item:
        if len(_SEARCH_INDEX) >= _SEARCH_INDEX_LIMIT:
            _SEARCH_INDEX.clear()
        fields = (item.name.lower(), item.initials, *(k.lower() for k in item.keywords))
        entry = _Searchable(item, _SEPARATOR.join(fields), item.code.lower())
        _SEARCH_INDEX[id(item)] = entry
    return entry


def prepare_search(items: list[ServiceItem]) -> None:
    """Prepare every item for search now (e.g. on a worker thread after the catalogue loads).

    Otherwise the first search pays it: about 0.05 s for 5,000 names (0.8 s with pypinyin).
    """
    for item in items:
        _searchable(item)


def search(items: list[ServiceItem], query: str) -> list[ServiceItem]:
    """Items whose name, keywords or pinyin initials contain ``query`` (case-insensitive).

    Or whose code equals it. Same results, in the same order, as testing each field of
    each item in turn (``tests/core/test_catalogue_search.py`` compares the two), but over
    a per-item text prepared once (issue 16, goal 5: p95 <= 10 ms over 5,000 items).
    """
    needle = query.strip().lower()
    if not needle:
        return list(items)
    if _SEPARATOR in needle:
        return [
            item
            for item in items
            if needle in item.name.lower()
            or needle in item.initials
            or any(needle in keyword.lower() for keyword in item.keywords)
            or needle == item.code.lower()
        ]
    found = []
    index = _SEARCH_INDEX
    for item in items:
        entry = index.get(id(item))  # inline: no Python call per item once the index is warm
        if entry is None or entry.item is not item:
            entry = _searchable(item)
        if needle in entry.text or needle == entry.code:
            found.append(item)
    return found
