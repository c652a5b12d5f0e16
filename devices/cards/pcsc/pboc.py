"""Read a PBOC (UnionPay EMV) bank card: card number and, when present, the holder's ID number.

Flow per EMV 4.3 Book 1 §12 and Book 3 §10: select the PSE ``1PAY.SYS.DDF01``
and take the first application from its directory record, or fall back to the
UnionPay AIDs; GET PROCESSING OPTIONS with zero-filled PDOL data; read the
records the AFL lists. Tags: 5A PAN, 57 track-2 equivalent, 5F20 holder name,
9F61 holder ID number and 9F62 ID type (JR/T 0025 PBOC 3.0). Banks are advised
not to write name and ID into the chip, so a bank card is never an identity.
"""

from __future__ import annotations

from devices.cards.pcsc.apdu import (
    ApduError,
    RawTransmit,
    bcd_digits,
    get_processing_options,
    parse_dol,
    parse_tlv,
    read_record,
    select_by_name,
    transceive,
)
from kiosk.cardholder import CardHolder, CardType

PSE = b"1PAY.SYS.DDF01"
UNIONPAY_AIDS = tuple(
    bytes.fromhex(aid) for aid in ("A000000333010101", "A000000333010102", "A000000333010103")
)


def read_pboc(transmit: RawTransmit) -> CardHolder:
    """Run the EMV read flow; raise :class:`ApduError` when the card has no PBOC application."""
    fci = _select_application(transmit)
    pdol = parse_tlv(fci).get("9F38", b"")
    pdol_data = bytes(sum(length for _, length in parse_dol(pdol)))
    gpo = transceive(transmit, get_processing_options(pdol_data))
    if not gpo.ok:
        raise ApduError("GET PROCESSING OPTIONS failed", gpo.sw)
    afl = _afl(gpo.data)
    tags: dict[str, bytes] = {}
    for i in range(0, len(afl) - 3, 4):
        sfi, first, last = afl[i] >> 3, afl[i + 1], afl[i + 2]
        for number in range(first, last + 1):
            record = transceive(transmit, read_record(number, 0, sfi=sfi))
            if record.ok:
                for tag, value in parse_tlv(record.data).items():
                    tags.setdefault(tag, value)
    pan = bcd_digits(tags["5A"]) if "5A" in tags else _pan_from_track2(tags.get("57"))
    if not pan:
        raise ApduError("no card number in the application's records")
    return CardHolder(
        card_type=CardType.BANK,
        name=tags.get("5F20", b"").decode("ascii", errors="replace").strip(" /"),
        id_number=tags.get("9F61", b"").decode("ascii", errors="replace").strip(),
        card_number=pan,
    )


def _select_application(transmit: RawTransmit) -> bytes:
    candidates: list[bytes] = []
    pse = transceive(transmit, select_by_name(PSE))
    if pse.ok:
        sfi = parse_tlv(pse.data).get("88")
        if sfi:
            record = transceive(transmit, read_record(1, 0, sfi=sfi[0]))
            if record.ok and "4F" in (entries := parse_tlv(record.data)):
                candidates.append(entries["4F"])
    candidates.extend(aid for aid in UNIONPAY_AIDS if aid not in candidates)
    for aid in candidates:
        answer = transceive(transmit, select_by_name(aid))
        if answer.ok:
            return answer.data
    raise ApduError("no PBOC application on the card")


def _afl(gpo: bytes) -> bytes:
    if gpo[:1] == b"\x80":  # format 1: 80 len AIP(2) AFL
        return gpo[4 : 2 + gpo[1]]
    afl = parse_tlv(gpo).get("94")
    if afl is None:
        raise ApduError("GPO answer has no AFL")
    return afl


def _pan_from_track2(track2: bytes | None) -> str:
    return bcd_digits(track2).split("D")[0] if track2 else ""
