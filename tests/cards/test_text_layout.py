"""Text-block decoding for every card type, from hand-made byte blocks.

The blocks are built here from offsets restated from the open implementations
(docs/devices-cards.md), not with the module's own encoder, so a wrong offset in
the decoder cannot hide behind the same wrong offset in the encoder.
"""

from __future__ import annotations

import datetime as dt

import pytest

from devices.cards.card_data import build_card_data, parse_card_data
from devices.cards.codes import NATIONS, gender_name, nation_code, nation_name
from devices.cards.errors import CardDataError, FrameError
from devices.cards.frames import build_response
from devices.cards.photo import decode_photo
from devices.cards.sam_status import SamStatus
from devices.cards.sim.profiles import SamProfile
from devices.cards.text_layout import FOREIGN_2023, decode_text_block, encode_text_block
from kiosk.cardholder import LONG_TERM, CardType


def block(fields: dict[int, str]) -> bytes:
    """256 bytes of UCS-2LE spaces with ``fields`` (offset -> text) written in."""
    data = bytearray("".ljust(128).encode("utf-16-le"))
    for offset, text in fields.items():
        raw = text.encode("utf-16-le")
        data[offset : offset + len(raw)] = raw
    return bytes(data)


RESIDENT = {
    0: "李秀英",
    30: "2",
    32: "01",
    36: "19580412",
    52: "河北省保定市清苑区东闾乡南王庄村一二三号",
    122: "130608195804123029",
    158: "保定市公安局清苑分局",
    188: "20120520",
    204: "长期",
}


def test_resident_card_long_term() -> None:
    holder = decode_text_block(block(RESIDENT), b"W" * 1024)
    assert holder.card_type is CardType.RESIDENT
    assert holder.name == "李秀英"
    assert holder.gender == "女"
    assert holder.nation == "汉"
    assert holder.birth_date == dt.date(1958, 4, 12)
    assert holder.address == "河北省保定市清苑区东闾乡南王庄村一二三号"
    assert holder.id_number == "130608195804123029"
    assert holder.issuer == "保定市公安局清苑分局"
    assert holder.valid_from == dt.date(2012, 5, 20)
    assert holder.valid_to == LONG_TERM
    assert holder.photo_wlt == b"W" * 1024
    assert holder.to_json_dict()["valid_to"] == "长期"


def test_resident_rare_gbk_character_and_minority_dot() -> None:
    fields = dict(RESIDENT) | {0: "王喆", 30: "1", 204: "20360701"}
    holder = decode_text_block(block(fields))
    assert (holder.name, holder.gender, holder.valid_to) == ("王喆", "男", dt.date(2036, 7, 1))
    fields = dict(RESIDENT) | {0: "阿依古丽·买买提", 32: "05"}
    holder = decode_text_block(block(fields))
    assert (holder.name, holder.nation) == ("阿依古丽·买买提", "维吾尔")


def test_name_outside_the_bmp_survives_as_a_surrogate_pair() -> None:
    holder = decode_text_block(block(dict(RESIDENT) | {0: "𠮷野"}))
    assert holder.name == "𠮷野"


def test_hmt_residence_permit() -> None:
    fields = {
        0: "陈志明",
        30: "1",
        36: "19791130",
        52: "广东省深圳市福田区示例路八十八号",
        122: "810000197911300016",
        158: "深圳市公安局",
        188: "20190110",
        204: "20240110",
        220: "H12345678",
        238: "01",
        248: "J",
    }
    holder = decode_text_block(block(fields))
    assert holder.card_type is CardType.HMT_RESIDENCE
    assert holder.nation is None
    assert holder.id_number == "810000197911300016"
    assert holder.valid_to == dt.date(2024, 1, 10)


def test_foreign_permanent_old_layout() -> None:
    fields = {
        0: "SMITH, JOHN WILLIAM",
        120: "1",
        122: "CAN110085060712",
        152: "CAN",
        158: "史密斯",
        188: "20150301",
        204: "20250228",
        220: "19850607",
        236: "01",
        240: "1100",
        248: "I",
    }
    holder = decode_text_block(block(fields))
    assert holder.card_type is CardType.FOREIGN_PERMANENT
    assert (holder.name, holder.name_en) == ("史密斯", "SMITH, JOHN WILLIAM")
    assert (holder.id_number, holder.nationality) == ("CAN110085060712", "CAN")
    assert holder.birth_date == dt.date(1985, 6, 7)
    assert (holder.nation, holder.address, holder.issuer) == (None, None, None)


def test_foreign_permanent_old_layout_without_chinese_name_uses_english() -> None:
    fields = {0: "DOE, JANE", 120: "2", 122: "USA310090010101", 152: "USA", 248: "I"}
    holder = decode_text_block(block(fields))
    assert holder.name == "DOE, JANE"


def test_foreign_permanent_2023_layout_joins_the_english_name() -> None:
    fields = {
        0: "蒙哥马利",
        30: "2",
        32: "00",
        36: "19880215",
        52: "MONTGOMERY-WELLINGTON, ALEXANDRA C",
        122: "912411198802150021",
        188: "20240110",
        204: "20340109",
        220: "HARLOTTE",
        242: "CAN",
        248: "Y",
    }
    holder = decode_text_block(block(fields))
    assert holder.card_type is CardType.FOREIGN_PERMANENT
    assert holder.name_en == "MONTGOMERY-WELLINGTON, ALEXANDRA CHARLOTTE"
    assert (holder.gender, holder.nationality) == ("女", "CAN")
    assert holder.id_number == "912411198802150021"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({248: "Z"}, "unknown card type marker"),
        (dict(RESIDENT) | {36: "19581332"}, "YYYYMMDD"),
        ({30: "1"}, "no name"),
    ],
)
def test_undecodable_blocks(fields: dict[int, str], message: str) -> None:
    with pytest.raises(CardDataError, match=message):
        decode_text_block(block(fields))


def test_wrong_size_and_bad_ucs2() -> None:
    with pytest.raises(CardDataError):
        decode_text_block(b"\x20\x00" * 100)
    with pytest.raises(CardDataError):
        decode_text_block(block(RESIDENT)[:0] + b"\x00\xd8" * 128)  # lone surrogates


def test_encoder_round_trips_every_profile(profiles: dict[str, SamProfile]) -> None:
    assert {p.layout.marker for p in profiles.values()} == {" ", "I", "J", "Y"}
    for profile in profiles.values():
        assert decode_text_block(profile.text_block(), profile.photo) == profile.expected_holder()


def test_encoder_rejects_overlong_and_unknown_fields() -> None:
    with pytest.raises(CardDataError):
        encode_text_block(FOREIGN_2023, {"address": "x"})
    with pytest.raises(CardDataError):
        encode_text_block(FOREIGN_2023, {"name": "长" * 16})


def test_nation_table_has_the_56_nationalities() -> None:
    assert len(NATIONS) == 56
    assert len(set(NATIONS.values())) == 56
    assert (nation_name("01"), nation_name("1"), nation_name("56")) == ("汉", "汉", "基诺")
    assert nation_name("46") == "德昂"
    assert nation_name("97") == "其他"
    assert nation_name("57") is None
    assert nation_code("维吾尔") == "05"


def test_gender_codes() -> None:
    assert (gender_name("1"), gender_name("2"), gender_name("9")) == ("男", "女", None)


def test_card_data_split_and_fingerprint() -> None:
    text, photo = block(RESIDENT), bytes(range(256)) * 4
    assert parse_card_data(build_card_data(text, photo)).photo == photo
    with_fp = parse_card_data(build_card_data(text, photo, b"F" * 1024), with_fingerprint=True)
    assert with_fp.fingerprint == b"F" * 1024
    frame = build_response(SamStatus.SUCCESS, build_card_data(text, photo, b"F" * 1024))
    assert len(frame) == 2321  # the published size of a text + photo + 1 KiB fingerprint answer
    with pytest.raises(FrameError):
        parse_card_data(build_card_data(text, photo)[:-1])
    with pytest.raises(FrameError):
        parse_card_data(b"\x01")


def test_photo_stays_raw_without_a_licensed_decoder() -> None:
    class Licensed:
        def decode(self, wlt: bytes) -> bytes:
            return b"BM" + wlt[:2]

    assert decode_photo(b"\x01\x02", None) is None
    assert decode_photo(None, Licensed()) is None
    assert decode_photo(b"\x01\x02", Licensed()) == b"BM\x01\x02"
