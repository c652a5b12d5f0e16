"""The reference platform's e-licence library (电子证照库) and its lookup log (issue 13, item 2).

Why here and like this: a province's 电子证照 platform answers a using unit only for the
licences one holder authorised for one matter (see docs/protocol.md, "E-licences"). The
reference platform plays that part for demos and tests:

- the library holds one licence per holder and type, keyed by an HMAC of the holder's ID
  number under the platform key (the number itself is never a key), each licence sealed
  with the platform key like every other piece of personal data at rest;
- a lookup names the item (事项编码) and the application's id (业务流水号); only types
  that the item's materials name as e-licences in the catalogue are answered (anything
  else is refused: a terminal cannot browse a person's licences);
- every answered lookup is logged (time, terminal, item, business reference, the holder
  sealed and hashed, types asked and found), whether or not anything was found. A
  refused request (bad signature, unknown terminal, a type the item does not need) is
  not a lookup: nothing was disclosed, so nothing is logged here (the server's log has
  the rate-limited warning).

Sample licences for the demo cards (config/cards) and the test residents are seeded into
an empty library by :func:`seed_sample_licences`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from central.migrations import licence_context, lookup_holder_context
from kiosk.chinatime import china_date
from kiosk.identity import mask_id_number
from sync.protocol import (
    Licence,
    LicenceLookupAnswer,
    LicenceLookupRequest,
    LicenceMissing,
    canonical_json,
)

if TYPE_CHECKING:
    from central.db import CentralDB


class LicenceNotNeededError(Exception):
    """The item does not name these licence types as e-licences; the message lists them."""


def licence_hash(data: dict[str, str]) -> str:
    """sha-256 of the licence data's canonical JSON: what an application's reference carries."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


@dataclass(frozen=True, slots=True)
class SampleLicence:
    holder_id_number: str
    holder_name: str
    licence_type: str
    number: str
    issuer: str
    valid_from: str
    valid_until: str | None = None

    def data(self) -> dict[str, str]:
        out = {
            "licence_type": self.licence_type,
            "number": self.number,
            "issuer": self.issuer,
            "holder_name": self.holder_name,
            "holder_id_number": self.holder_id_number,
            "valid_from": self.valid_from,
        }
        if self.valid_until:
            out["valid_until"] = self.valid_until
        return out


def _person(
    id_number: str, name: str, *licences: tuple[str, str, str, str, str | None]
) -> list[SampleLicence]:
    return [
        SampleLicence(id_number, name, kind, number, issuer, start, end)
        for kind, number, issuer, start, end in licences
    ]


SAMPLE_LICENCES: tuple[SampleLicence, ...] = (
    # 李秀英: the demo's long-term resident card (config/cards/resident-longterm.json) and
    # the touch tests' card.
    *_person(
        "130608195804123029",
        "李秀英",
        ("居民户口簿", "130608-2019-004521", "保定市公安局清苑分局", "2019-05-20", None),
        ("社会保障卡", "A13060800312", "保定市人力资源和社会保障局", "2018-03-01", "2028-03-01"),
        ("结婚证", "J130608-1980-000317", "清苑县民政局", "1980-10-02", None),
        (
            "不动产权证书",
            "冀(2020)清苑区不动产权第0001234号",
            "保定市清苑区自然资源和规划局",
            "2020-08-11",
            None,
        ),
        (
            "残疾人证",
            "13060819580412302943",
            "保定市清苑区残疾人联合会",
            "2021-06-01",
            "2031-06-01",
        ),
        ("独生子女父母光荣证", "冀计生-1985-0421", "清苑县计划生育委员会", "1985-04-21", None),
    ),
    # 李秀英 (born 1944): the walker's resident (scripts/walk_items.py), with every licence
    # type the sample catalogue names, so each e-licence route can finish online.
    *_person(
        "130608194404123025",
        "李秀英",
        ("居民户口簿", "130608-2015-000877", "保定市公安局清苑分局", "2015-03-02", None),
        ("社会保障卡", "A13060800877", "保定市人力资源和社会保障局", "2019-01-01", "2029-01-01"),
        ("结婚证", "J130608-1965-000102", "清苑县民政局", "1965-11-20", None),
        (
            "残疾人证",
            "13060819440412302543",
            "保定市清苑区残疾人联合会",
            "2022-03-01",
            "2032-03-01",
        ),
        ("独生子女父母光荣证", "冀计生-1982-0099", "清苑县计划生育委员会", "1982-06-01", None),
        (
            "农村土地承包经营权证",
            "130608-2018-CB-0877",
            "保定市清苑区农业农村局",
            "2018-10-01",
            None,
        ),
        (
            "不动产权证书",
            "冀(2019)清苑区不动产权第0000877号",
            "保定市清苑区自然资源和规划局",
            "2019-07-01",
            None,
        ),
        ("火化证明", "HH-130608-2026-0312", "保定市清苑区殡仪馆", "2026-10-12", None),
        ("医疗收费电子票据", "13060826000087700001", "保定市第一中心医院", "2026-11-05", None),
        ("营业执照", "92130608MA0EXAMPLE", "保定市清苑区市场监督管理局", "2021-04-01", None),
    ),
    # 王秀兰: the staff tests' resident (tests/staff/staffhelpers.py RESIDENT).
    *_person(
        "110101195001011239",
        "王秀兰",
        ("居民户口簿", "110101-2016-000123", "北京市公安局东城分局", "2016-01-08", None),
        ("结婚证", "J110101-1972-000045", "东城区民政局", "1972-03-15", None),
        ("社会保障卡", "A11010100045", "北京市人力资源和社会保障局", "2017-09-01", "2027-09-01"),
        ("农村土地承包经营权证", "110101-2018-JY-0012", "东城区农业农村局", "2018-12-01", None),
    ),
    *_person(
        "653121199502280041",
        "阿依古丽·买买提",
        ("居民户口簿", "653121-2013-001882", "疏附县公安局", "2013-02-28", None),
        ("营业执照", "91653121MA7ABCDE1X", "疏附县市场监督管理局", "2022-05-09", None),
        ("社会保障卡", "A65312100882", "喀什地区人力资源和社会保障局", "2019-03-01", "2029-03-01"),
    ),
    # 王喆: a household register, and a 残疾人证 that has expired (the library says so).
    *_person(
        "140702199009030015",
        "王喆",
        ("居民户口簿", "140702-2008-007730", "晋中市公安局榆次分局", "2008-09-03", None),
        (
            "残疾人证",
            "14070219900903001542",
            "晋中市榆次区残疾人联合会",
            "2014-01-01",
            "2024-01-01",
        ),
    ),
    *_person(
        "11010519760805001X",
        "张伟",
        ("居民户口簿", "110105-2010-045678", "北京市公安局朝阳分局", "2010-08-05", None),
        ("社会保障卡", "A00000123", "北京市人力资源和社会保障局", "2018-06-01", "2028-06-01"),
    ),
    *_person(
        "64010419880312002X",
        "欧阳喆",
        ("结婚证", "J640104-2012-001234", "银川市兴庆区民政局", "2012-10-01", None),
        ("医疗收费电子票据", "64010425000012345678", "宁夏回族自治区人民医院", "2026-11-02", None),
    ),
)
"""Fictitious licences of the demo and test residents (numbers made up; 陈志明 of the
Hong Kong card has none: the "not found" case)."""


class LicenceLibrary:
    """The library and its log on one platform database (SQLite or PostgreSQL)."""

    def __init__(self, db: CentralDB) -> None:
        self.db = db

    # --- the library ---------------------------------------------------------------------

    def put(self, licence: SampleLicence) -> None:
        """Store (or replace) one licence of one holder."""
        holder = self.db.cipher.lookup_hash(licence.holder_id_number)
        data = licence.data()
        record = {
            "licence_type": licence.licence_type,
            "number": licence.number,
            "issuer": licence.issuer,
            "valid_from": licence.valid_from,
            "valid_until": licence.valid_until,
            "data": data,
            "sha256": licence_hash(data),
        }
        sealed = self.db.cipher.seal(
            json.dumps(record, ensure_ascii=False), licence_context(holder, licence.licence_type)
        )
        with self.db.backend.transaction() as tx:
            tx.execute(
                "INSERT INTO licences(holder_hash, licence_type, payload) VALUES (?, ?, ?)"
                " ON CONFLICT(holder_hash, licence_type) DO UPDATE SET payload = excluded.payload",
                (holder, licence.licence_type, sealed),
            )

    def seed_if_empty(self) -> int:
        """Load :data:`SAMPLE_LICENCES` into an empty library; how many were stored."""
        if self.db.query("SELECT 1 FROM licences LIMIT 1"):
            return 0
        for licence in SAMPLE_LICENCES:
            self.put(licence)
        return len(SAMPLE_LICENCES)

    def needed_types(self, service_code: str) -> set[str]:
        """Licence types the item's materials accept as e-licences (from the catalogue)."""
        rows = self.db.query("SELECT item FROM catalogue WHERE code = ?", (service_code,))
        if not rows:
            return set()
        item = json.loads(rows[0][0])
        return {
            str(m["licence_type"])
            for m in item.get("materials", [])
            if m.get("licence_type") and "e_licence" in (m.get("routes") or [])
        }

    def lookup(self, terminal_id: str, request: LicenceLookupRequest) -> LicenceLookupAnswer:
        """Answer one authorised lookup and log it; :class:`LicenceNotNeededError` if the
        request asks for a type its item does not need (nothing is read or logged then)."""
        asked = list(dict.fromkeys(request.licence_types))
        allowed = self.needed_types(request.service_code)
        extra = [t for t in asked if t not in allowed]
        if extra:
            raise LicenceNotNeededError(
                f"{request.service_code} does not take {', '.join(extra)} as an e-licence"
            )
        holder = self.db.cipher.lookup_hash(request.holder_id_number)
        now = self.db.now()
        today = china_date(dt.datetime.fromtimestamp(now, dt.UTC))
        found: list[Licence] = []
        missing: list[LicenceMissing] = []
        for kind in asked:
            rows = self.db.query(
                "SELECT payload FROM licences WHERE holder_hash = ? AND licence_type = ?",
                (holder, kind),
            )
            if not rows:
                missing.append(LicenceMissing(licence_type=kind, reason="not_found"))
                continue
            record = json.loads(self.db.cipher.open(rows[0][0], licence_context(holder, kind)))
            until = record.get("valid_until")
            if until and dt.date.fromisoformat(until) < today:
                missing.append(LicenceMissing(licence_type=kind, reason="expired"))
                continue
            found.append(Licence.model_validate(record))
        lookup_id = "L" + secrets.token_hex(8)
        with self.db.backend.transaction() as tx:
            tx.execute(
                "INSERT INTO licence_lookups(lookup_id, at, terminal_id, service_code,"
                " business_ref, holder_hash, holder, requested, found)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    lookup_id,
                    now,
                    terminal_id,
                    request.service_code,
                    request.business_ref,
                    holder,
                    self.db.cipher.seal(request.holder_id_number, lookup_holder_context(lookup_id)),
                    json.dumps(asked, ensure_ascii=False),
                    json.dumps([lic.licence_type for lic in found], ensure_ascii=False),
                ),
            )
        return LicenceLookupAnswer(
            lookup_id=lookup_id, licences=found, missing=missing, server_time=now
        )

    # --- the log -------------------------------------------------------------------------

    def lookups(self, *, region_prefix: str = "", limit: int = 500) -> list[dict[str, Any]]:
        """The lookup log, newest first; the holder masked (``130608********3029``).

        ``region_prefix`` keeps the lookups of terminals whose region code starts with it
        (a console user's scope; empty: all).
        """
        rows = self.db.query(
            "SELECT l.lookup_id, l.at, l.terminal_id, l.service_code, l.business_ref, l.holder,"
            " l.requested, l.found, COALESCE(t.region_code, ''), COALESCE(t.station_name, '')"
            " FROM licence_lookups l LEFT JOIN terminals t ON t.terminal_id = l.terminal_id"
            " ORDER BY l.at DESC, l.lookup_id LIMIT ?",
            (limit,),
        )
        out: list[dict[str, Any]] = []
        for r in rows:
            region = str(r[8])
            if region_prefix and not region.startswith(region_prefix):
                continue
            holder = self.db.cipher.open(r[5], lookup_holder_context(r[0]))
            out.append(
                {
                    "lookup_id": r[0],
                    "at": float(r[1]),
                    "terminal_id": r[2],
                    "region_code": region,
                    "station_name": r[9],
                    "service_code": r[3],
                    "business_ref": r[4],
                    "holder": mask_id_number(holder),
                    "requested": json.loads(r[6]),
                    "found": json.loads(r[7]),
                }
            )
        return out
