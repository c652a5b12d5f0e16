"""Applications (办件): one filed request for one service item."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk.materials import Commitment, MaterialState
from kiosk.states import ApplicationState


class Channel(StrEnum):
    SELF_SERVICE = "self_service"  # 自助
    ASSISTED = "assisted"  # 代办 / 帮办: a staff member files for the resident
    PAPER = "paper"  # 上门服务: a paper form collected at home, entered later

    @property
    def label(self) -> str:
        return {"self_service": "自助办理", "assisted": "工作人员代办", "paper": "上门收件代录"}[
            self.value
        ]


@dataclass(frozen=True, slots=True)
class Applicant:
    """The person the application is for. All of it is personal data, encrypted at rest."""

    name: str
    id_number: str
    phone: str = ""
    address: str = ""

    def __repr__(self) -> str:
        return "Applicant(<personal data hidden>)"


@dataclass(frozen=True, slots=True)
class AttachmentRef:
    """A file attached to an application, stored encrypted and addressed by the sha-256 of its plaintext."""

    sha256: str
    field_key: str
    filename: str
    mime_type: str
    size: int


@dataclass(frozen=True, slots=True)
class LicenceRef:
    """An e-licence (电子证照) that stands for a material: a reference, never an image.

    ``sha256`` is the hash of the licence data the platform's library returned, so the
    department can check the licence it looks up is the one shown at filing. The number
    is personal data (encrypted at rest with the rest of the application).
    """

    licence_type: str
    number: str
    issuer: str
    sha256: str

    def to_dict(self) -> dict[str, str]:
        return {
            "licence_type": self.licence_type,
            "number": self.number,
            "issuer": self.issuer,
            "sha256": self.sha256,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LicenceRef:
        return cls(
            str(data["licence_type"]), str(data["number"]), str(data["issuer"]), str(data["sha256"])
        )

    def __repr__(self) -> str:
        return f"LicenceRef({self.licence_type!r}, <number hidden>)"


@dataclass(frozen=True, slots=True)
class Application:
    id: str  # UUIDv7, minted by the kiosk
    number: str  # 办件编号 printed on the receipt
    service_code: str
    service_version: int
    service_name: str
    applicant: Applicant
    form: dict[str, str]
    attachments: tuple[AttachmentRef, ...]
    channel: Channel
    staff_id: str | None
    consent: bool  # the resident confirmed assisted filing
    created_at: dt.datetime  # wall clock (UTC) at filing; may be wrong, see local_seq
    local_seq: int  # monotonic on this terminal, immune to clock jumps
    promised_date: dt.date
    state: ApplicationState
    state_reason: str = ""
    receipt_printed: bool = False
    supersedes: str | None = None  # id of the application this one supplements (补正)
    status_as_of: dt.datetime | None = None
    result_notice: str = ""
    purged: bool = False  # personal data deleted after retention; number and status remain
    unreadable: bool = False  # personal data failed decryption; listed for staff, never sent
    provisional_number: str | None = None  # number before enrolment renumbered it; still finds it
    # The department's dates from the platform (受理日, 办结期限); promised_date is only the
    # kiosk's estimate (预计办结). due_on is None while a 补正 stops the clock. Local only:
    # not part of the upload, so never of the content hash.
    accepted_on: dt.date | None = None
    due_on: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Every material's state at filing (submitted, 免提交, promised with its date, to bring) and
    # the 告知承诺书 confirmed when something was promised (issue 13). Empty for applications
    # filed before: they upload and hash exactly as they always did.
    materials: tuple[MaterialState, ...] = ()
    commitment: Commitment | None = None
    # E-licences fetched with the holder's consent for this application (issue 13 item 2);
    # uploaded (and hashed) only when there are some.
    licences: tuple[LicenceRef, ...] = ()

    def content_hash(self) -> str:
        """What the platform compares for idempotency: same id + same hash is a duplicate, not a conflict."""
        return content_hash(self.upload_content())

    def upload_content(self) -> dict[str, Any]:
        """The application as the platform receives it (without local-only bookkeeping)."""
        return {
            "id": self.id,
            "number": self.number,
            "service_code": self.service_code,
            "service_version": self.service_version,
            "applicant": {
                "name": self.applicant.name,
                "id_number": self.applicant.id_number,
                "phone": self.applicant.phone,
                "address": self.applicant.address,
            },
            "form": dict(sorted(self.form.items())),
            "attachments": [
                {
                    "sha256": a.sha256,
                    "field_key": a.field_key,
                    "filename": a.filename,
                    "mime_type": a.mime_type,
                    "size": a.size,
                }
                for a in self.attachments
            ],
            "channel": self.channel.value,
            "staff_id": self.staff_id,
            "consent": self.consent,
            "created_at": self.created_at.isoformat(),
            "local_seq": self.local_seq,
            "supersedes": self.supersedes,
            # Only when set: an application never renumbered hashes as it always did.
            **({"provisional_number": self.provisional_number} if self.provisional_number else {}),
            **({"materials": [m.to_dict() for m in self.materials]} if self.materials else {}),
            **({"commitment": self.commitment.to_dict()} if self.commitment else {}),
            **({"licences": [lic.to_dict() for lic in self.licences]} if self.licences else {}),
        }

    def __repr__(self) -> str:
        return f"Application(id={self.id!r}, number={self.number!r}, state={self.state.value!r})"


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
