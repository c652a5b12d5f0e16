"""The real :class:`kiosk.usecases.elicence.LicencePort`: a signed request to the platform.

The core speaks in its own types; this adapter turns them into the wire's
``LicenceLookupRequest`` and the signed answer back, and maps every failure onto the two
the core knows: unavailable (network, busy, unverifiable or unsigned answers, this
terminal refused) or refused (the library's signed ``licence_not_needed``).
"""

from __future__ import annotations

from kiosk.usecases.elicence import (
    FetchedLicence,
    LicenceAnswer,
    LicenceQuery,
    LicenceRefusedError,
    LicenceUnavailableError,
)
from sync.client import AuthError, PlatformClient, SyncError
from sync.client import LicenceRefusedError as WireRefusedError
from sync.protocol import LicenceConsent, LicenceLookupRequest


class HttpLicencePort:
    """Lookups through ``client`` (the engine's own client: same terminal, same learned skew)."""

    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    def lookup(self, query: LicenceQuery) -> LicenceAnswer:
        request = LicenceLookupRequest(
            business_ref=query.business_ref,
            service_code=query.service_code,
            holder_id_number=query.holder_id_number,
            holder_by="id_card",
            licence_types=list(query.licence_types),
            consent=LicenceConsent(text=query.consent_text, agreed_at=query.agreed_at.isoformat()),
        )
        try:
            answer = self.client.lookup_licences(request)
        except WireRefusedError as exc:
            raise LicenceRefusedError(str(exc)) from exc
        except (AuthError, SyncError) as exc:
            raise LicenceUnavailableError(type(exc).__name__) from exc
        return LicenceAnswer(
            licences=tuple(
                FetchedLicence(
                    licence_type=lic.licence_type,
                    number=lic.number,
                    issuer=lic.issuer,
                    data=dict(lic.data),
                    sha256=lic.sha256,
                )
                for lic in answer.licences
            ),
            missing=tuple((m.licence_type, m.reason) for m in answer.missing),
        )
