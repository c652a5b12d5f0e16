"""电子证照 by taps on the real widgets, through the loopback reference platform (issue 13
item 2, "Must show"): card on the reader → an item needing the 居民户口簿 → 同意调取本人电子证照
(read aloud) → the lookup → filed with the licence reference → the platform's log shows it;
offline, not found, or the card taken away: said plainly, and the next route works."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from central.licences import SAMPLE_LICENCES, LicenceLibrary, licence_hash
from kiosk.journey import Step
from kiosk.materials import MaterialChoice, MaterialStatus
from kiosk.usecases.enrolment import adopt_terminal_code
from sync.client import Credentials, PlatformClient
from sync.engine import SyncEngine
from sync.licences import HttpLicencePort
from sync.protocol import ItemKind
from tests.ui.conftest import Rig
from tests.ui.taps import at, find, tap, tap_keys, text_of, wait_step

CARD = "resident-longterm"  # 李秀英, 130608195804123029: a 户口簿 in the sample library
FULL_ID = "130608195804123029"


def _closed_port_url() -> str:
    """A loopback address nobody listens on: the platform is unreachable (offline)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def make_rig(qtbot, tmp_path: Path) -> Iterator[Callable[[str, Credentials], Rig]]:
    from app.wiring import UiOptions, build_ui
    from devices.cards.factory import open_card_reader
    from devices.cards.sam_reader import SamTimings
    from devices.printers.escpos_serial import EscPosPrinter
    from devices.printers.simulator.server import PrinterSimulator
    from kiosk.core import KioskCore

    closers: list[Callable[[], None]] = []

    def make(url: str, creds: Credentials) -> Rig:
        core = KioskCore.open()
        reader = open_card_reader(
            "sam:sim",
            run_dir=tmp_path / "card-sim",
            timings=SamTimings(poll_interval=0.02, reconnect_interval=0.05),
        )
        printer_sim = PrinterSimulator().start()
        printer = EscPosPrinter(printer_sim.port, printer_sim.profile, status_timeout=0.5)
        client = PlatformClient(url, creds)
        options = UiOptions(
            idle_ms=60_000, countdown_s=3, tick_ms=20, voice_engine="mock", printer_watch_s=0
        )
        kiosk = build_ui(
            core,
            reader=reader,
            printer=printer,
            options=options,
            licence_port=HttpLicencePort(client),
        )
        kiosk.window.resize(1920, 1080)
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        closers.extend([core.close, printer_sim.stop, client.close, kiosk.close])
        return Rig(kiosk, getattr(reader, "simulator"), printer_sim)  # noqa: B009

    yield make
    for close in reversed(closers):
        close()


def _to_consent(qtbot, rig: Rig) -> None:
    rig.card_sim.insert(CARD)
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "gljt")
    tap(qtbot, rig, "item_MZ-GL-001")  # 高龄津贴: the 户口簿 is needed at filing
    tap(qtbot, rig, "begin_form")
    assert at(rig.journey) is Step.MATERIALS
    assert "居民户口簿" in text_of(rig, "material_elicence_note_0")
    tap(qtbot, rig, "elicence_0")  # 免提交（调取电子证照）
    assert rig.journey.session.choices == {"居民户口簿": MaterialChoice.E_LICENCE}
    tap(qtbot, rig, "materials_done")
    assert at(rig.journey) is Step.ELICENCE_CONSENT
    consent = text_of(rig, "elicence_consent_text")
    assert "《居民户口簿》" in consent and "高龄津贴" in consent
    spoken = rig.kiosk.voice.last_text
    assert "同意调取本人电子证照" in spoken and consent.rstrip("。") in spoken  # read aloud


def _wait_answer(qtbot, rig: Rig) -> None:
    """The lookup runs off the GUI thread: wait for its answer to move the journey on."""
    qtbot.waitUntil(lambda: at(rig.journey) is not Step.ELICENCE_CONSENT, timeout=15_000)


def _answer_by_taps(qtbot, rig: Rig) -> None:
    while at(rig.journey) is Step.FORM:
        field = rig.journey.current_field()
        if field.options:
            tap(qtbot, rig, "option_0")
            continue
        if field.key == "bank_account":
            tap_keys(qtbot, rig, "6228480402564890018")
        tap(qtbot, rig, "next")
        assert rig.journey.session.error is None, rig.journey.session.error


def test_elicence_consent_and_lookup_by_taps_files_with_the_licence_reference(
    qtbot, make_rig, licence_platform
):
    creds = licence_platform.enrol(region="130608001000")
    rig = make_rig(licence_platform.url, creds)
    adopt_terminal_code(rig.core.store, licence_platform.code_of(creds))
    _to_consent(qtbot, rig)
    library = LicenceLibrary(licence_platform.db)
    assert library.lookups() == []  # nothing is looked up before the holder's tap

    tap(qtbot, rig, "elicence_agree")
    _wait_answer(qtbot, rig)
    assert rig.journey.session.error is None, rig.journey.session.error
    assert at(rig.journey) in (Step.FORM, Step.REVIEW)
    _answer_by_taps(qtbot, rig)
    assert at(rig.journey) is Step.REVIEW
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.SUBMITTED

    number = text_of(rig, "application_number")
    stored = rig.core.store.application(number)
    (ref,) = stored.licences
    assert (ref.licence_type, ref.number, ref.issuer) == (
        "居民户口簿",
        "130608-2019-004521",
        "保定市公安局清苑分局",
    )
    hukou = next(m for m in stored.materials if m.name == "居民户口簿")
    assert hukou.status is MaterialStatus.E_LICENCE  # 免提交, trust A
    upload = stored.upload_content()
    assert upload["licences"] == [ref.to_dict()]  # a reference travels, never an image
    assert stored.attachments == ()

    # The platform's log names the same application id as its business reference.
    (entry,) = library.lookups()
    assert entry["business_ref"] == stored.id
    assert entry["terminal_id"] == creds.terminal_id
    assert entry["service_code"] == "MZ-GL-001"
    assert entry["requested"] == ["居民户口簿"]  # only what this item needs
    assert entry["holder"] == "130608********3029"
    sample = next(
        s
        for s in SAMPLE_LICENCES
        if s.holder_id_number == FULL_ID and s.licence_type == "居民户口簿"
    )
    assert ref.sha256 == licence_hash(sample.data())

    # The receipt says 免提交（电子证照）, decoded at the printer simulator.
    qtbot.waitUntil(lambda: len(rig.printer_sim.jobs) >= 1, timeout=15_000)
    receipt = next(
        "\n".join(j.lines) for j in rig.printer_sim.jobs if "受理回执" in "\n".join(j.lines)
    )
    flat = receipt.replace("\n", "").replace(" ", "")
    assert "居民户口簿：免提交（电子证照）" in flat
    assert FULL_ID not in receipt and ref.number not in receipt

    # Uploaded with its reference: the platform stores the same content (no conflict).
    with PlatformClient(licence_platform.url, creds) as client:
        SyncEngine(rig.core.store, client, rig.core.settings.sync).run_round()
    remote = licence_platform.db.stored_content(ItemKind.APPLICATION, stored.id)
    assert remote is not None
    assert remote[0] == stored.content_hash()
    assert remote[1]["licences"] == [ref.to_dict()]


def test_elicence_offline_says_so_plainly_and_the_promise_route_finishes(
    qtbot, make_rig, licence_platform
):
    creds = licence_platform.enrol()
    rig = make_rig(_closed_port_url(), creds)
    _to_consent(qtbot, rig)
    tap(qtbot, rig, "elicence_agree")
    _wait_answer(qtbot, rig)
    assert at(rig.journey) is Step.MATERIALS
    message = find(rig, QLabel, "error").text()
    assert "连不上电子证照库" in message and "承诺后补" in message
    assert message.rstrip("。") in rig.kiosk.voice.last_text  # read aloud too
    assert rig.journey.session.choices == {}  # nothing pretends to be fetched
    tap(qtbot, rig, "promise_0")  # the next route offered
    tap(qtbot, rig, "materials_done")
    assert at(rig.journey) is Step.PROMISE
    tap(qtbot, rig, "promise")
    _answer_by_taps(qtbot, rig)
    tap(qtbot, rig, "submit")
    assert at(rig.journey) is Step.SUBMITTED
    stored = rig.core.store.application(text_of(rig, "application_number"))
    assert stored.licences == ()
    assert LicenceLibrary(licence_platform.db).lookups() == []


def test_elicence_card_taken_off_the_reader_is_not_looked_up(qtbot, make_rig, licence_platform):
    rig = make_rig(licence_platform.url, licence_platform.enrol())
    _to_consent(qtbot, rig)
    rig.card_sim.remove()
    qtbot.waitUntil(lambda: not rig.journey.session.card_present, timeout=10_000)
    tap(qtbot, rig, "elicence_agree")
    assert at(rig.journey) is Step.MATERIALS
    assert "读卡器" in find(rig, QLabel, "error").text()
    assert LicenceLibrary(licence_platform.db).lookups() == []  # never asked


def test_elicence_not_found_says_so_and_offers_the_next_route(qtbot, make_rig, licence_platform):
    rig = make_rig(licence_platform.url, licence_platform.enrol())
    rig.card_sim.insert("hmt")  # 陈志明: no licences in the library
    wait_step(qtbot, rig, Step.FIND_ITEM)
    tap(qtbot, rig, "show_keyboard")
    tap_keys(qtbot, rig, "gljt")
    tap(qtbot, rig, "item_MZ-GL-001")
    tap(qtbot, rig, "begin_form")
    tap(qtbot, rig, "elicence_0")
    tap(qtbot, rig, "materials_done")
    tap(qtbot, rig, "elicence_agree")
    _wait_answer(qtbot, rig)
    assert at(rig.journey) is Step.MATERIALS
    message = find(rig, QLabel, "error").text()
    assert "没有找到您的《居民户口簿》" in message and "承诺后补" in message
    assert len(LicenceLibrary(licence_platform.db).lookups()) == 1  # asked, and logged
