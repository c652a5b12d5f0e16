"""Receipt (application) numbers unique across terminals: issue 10 item 3, platform issue 11 item 4.

Before the fix every unenrolled terminal numbered ``000000-…``, the platform stored two
applications under one number, and ``set-status NUMBER`` reached whichever row it found
first. These tests drive the real ``kiosk`` CLI and a real platform on 127.0.0.1.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from central.db import (
    FOREIGN_CODE_REASON,
    NUMBER_TAKEN_REASON,
    CentralDB,
    CentralError,
    migrations,
)
from central.dialect import SqliteBackend
from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.feedback import RatingLevel
from kiosk.ids import is_valid_application_number, provisional_terminal_code
from kiosk.paths import DataDir
from kiosk.states import ApplicationState
from kiosk.store.numbering import INSTALL_ID_KEY
from kiosk.store.outbox import Outbox, OutboxKind
from kiosk.usecases.enrolment import adopt_terminal_code
from kiosk.usecases.feedback import rate_application
from kiosk.usecases.my_applications import application_by_number
from sync.protocol import BatchRequest, Outcome
from tests.faults.faulthelpers import (
    ServedPlatform,
    file_applications,
    kiosk,
    platform_applications,
    provision,
)
from tests.sync.conftest import both_engines
from tests.sync.synchelpers import fill_store, make_application

pytest_generate_tests = both_engines  # each platform test on SQLite and on PostgreSQL


def _numbers(home: Path, ids: list[str]) -> list[str]:
    core = KioskCore.open(DataDir(home))
    try:
        return [core.store.application(i).number for i in ids]
    finally:
        core.close()


def _meta(home: Path, key: str) -> str | None:
    core = KioskCore.open(DataDir(home))
    try:
        return core.store.get_meta(key)
    finally:
        core.close()


def test_unenrolled_terminals_mint_numbers_that_cannot_collide(
    served_platform: ServedPlatform, tmp_path: Path
):
    first, second, third = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    [a] = file_applications(first, 1)
    [c] = file_applications(third, 1)
    install_a, install_c = _meta(first, INSTALL_ID_KEY), _meta(third, INSTALL_ID_KEY)
    assert install_a and install_c and install_a != install_c
    [number_a], [number_c] = _numbers(first, [a]), _numbers(third, [c])
    for number, install in ((number_a, install_a), (number_c, install_c)):
        assert is_valid_application_number(number)
        assert not number.startswith("000000-")  # the old shared default is gone
        assert number[:6] == provisional_terminal_code(install)
        assert number.startswith("0")  # never a platform code (100000-999999)

    # The worst case: a second terminal whose provisional code equals the first's (forced
    # here by giving it the same install id) prints the very same receipt number.
    core = KioskCore.open(DataDir(second))
    core.store.set_meta(INSTALL_ID_KEY, install_a)
    core.close()
    [b] = file_applications(second, 1)
    assert _numbers(second, [b]) == [number_a]

    # Enrolled and synced, they are two applications with two numbers on the platform,
    # each under its own terminal's code; the shared receipt number is only an alias.
    terminals = {a: provision(served_platform, first), b: provision(served_platform, second)}
    for terminal in terminals.values():
        result = kiosk("sync", "--once", home=terminal.home)
        assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in platform_applications(served_platform)}
    assert set(rows) == {a, b}
    assert rows[a]["number"] != rows[b]["number"]
    for app_id, terminal in terminals.items():
        assert rows[app_id]["number"][:6] == terminal.code
        assert rows[app_id]["provisional_number"] == number_a
    refused = kiosk("central", "set-status", "--db", str(served_platform.db), number_a, "accepted")
    assert refused.returncode == 1
    assert "ambiguous" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_enrolment_renumbers_queued_and_old_receipt_still_finds_it(
    served_platform: ServedPlatform, tmp_path: Path
):
    home = tmp_path / "terminal"
    ids = file_applications(home, 2)
    old = _numbers(home, ids)
    core = KioskCore.open(DataDir(home))
    rate_application(core, old[0], RatingLevel(5))  # a rating queued under the old number
    core.close()

    terminal = provision(served_platform, home)
    new = _numbers(home, ids)
    core = KioskCore.open(DataDir(home))
    try:
        for app_id, before, after in zip(ids, old, new, strict=True):
            assert after[:6] == terminal.code and is_valid_application_number(after)
            assert after[7:18] == before[7:18]  # same filing day and daily sequence
            found = application_by_number(core, before.replace("-", ""))  # typed on the pad
            assert found.id == app_id and found.number == after
            assert found.provisional_number == before
        assert core.store.rating_for(new[0]) is not None  # the rating follows its application
        # A resident rating from the old receipt after enrolment rates under the new number,
        # so the one-rating rule holds whichever number is typed.
        rate_application(core, old[1], RatingLevel(4))
        assert core.store.rating_for(new[1]) is not None
        with pytest.raises(ValidationError):
            rate_application(core, new[1], RatingLevel(5))
        with pytest.raises(ValidationError):
            rate_application(core, old[0], RatingLevel(5))
    finally:
        core.close()

    assert kiosk("sync", "--once", home=home).returncode == 0
    rows = {row["id"]: row for row in platform_applications(served_platform)}
    assert {i: rows[i]["number"] for i in ids} == dict(zip(ids, new, strict=True))
    assert {i: rows[i]["provisional_number"] for i in ids} == dict(zip(ids, old, strict=True))
    # A clerk with the resident's old receipt finds the application by it.
    moved = kiosk("central", "set-status", "--db", str(served_platform.db), old[1], "accepted")
    assert moved.returncode == 0, moved.stderr
    assert kiosk("sync", "--once", home=home).returncode == 0
    core = KioskCore.open(DataDir(home))
    try:
        assert core.store.application(ids[1]).state is ApplicationState.ACCEPTED
    finally:
        core.close()

    # Re-enrolment under another code: what the platform has keeps its number, what is
    # still queued is renumbered under the new code and delivered by the new registration.
    [queued] = file_applications(home, 1)
    [before] = _numbers(home, [queued])
    assert before[:6] == terminal.code
    again = provision(served_platform, home)
    assert again.code != terminal.code
    assert _numbers(home, ids) == new
    [after] = _numbers(home, [queued])
    assert after[:6] == again.code and after[7:18] == before[7:18]
    assert kiosk("sync", "--once", home=home).returncode == 0
    rows = {row["id"]: row for row in platform_applications(served_platform)}
    assert rows[queued]["number"] == after and rows[queued]["terminal_id"] == again.terminal_id


def test_enrolment_leaves_an_application_being_sent_alone(tmp_path: Path):
    """The platform must see one (id, number, content) per application: a row a live sync
    round has leased (its payload, old number included, may be on the wire) is not
    renumbered; a dead round's lease is, and so is nothing the platform acknowledged."""
    home = tmp_path / "terminal"
    live, dead, queued, acknowledged = file_applications(home, 4)
    core = KioskCore.open(DataDir(home))
    try:
        store = core.store
        old = {i: store.application(i).number for i in (live, dead, queued, acknowledged)}
        # acknowledged by the platform, then its attachment upload was quarantined
        store.set_state(acknowledged, ApplicationState.SENDING)
        store.set_state(acknowledged, ApplicationState.ACKNOWLEDGED)
        store.set_state(acknowledged, ApplicationState.ATTACHMENTS_PENDING)
        store.set_state(acknowledged, ApplicationState.QUARANTINED, "附件未能被平台接收")
        outbox = Outbox(store)
        assert [e.item_id for e in outbox.claim(OutboxKind.APPLICATION, 1, time.time(), 600)] == [
            live
        ]
        assert [e.item_id for e in outbox.claim(OutboxKind.APPLICATION, 1, 1000.0, 1)] == [dead]

        result = adopt_terminal_code(store, "654321")

        assert result.in_flight == 1
        assert {o for o, _n in result.renumbered} == {old[dead], old[queued]}
        assert store.application(live).number == old[live]
        assert store.application(live).state is ApplicationState.SENDING
        assert store.application(acknowledged).number == old[acknowledged]
        for app_id in (dead, queued):
            renumbered = store.application(app_id)
            assert renumbered.number.startswith("654321-")
            assert renumbered.state is ApplicationState.QUEUED
        # once the live round let go, calling it again finishes the job
        outbox.release_all()
        again = adopt_terminal_code(store, "654321")
        assert again.renumbered == ((old[live], store.application(live).number),)
        # and new filings are numbered under the recorded code at once
        [later] = file_applications(home, 1)
        assert store.application(later).number.startswith("654321-")
    finally:
        core.close()


def test_platform_refuses_number_with_foreign_terminal_code(
    platform, kiosk_store, make_engine, client_for
):
    engine = make_engine()  # enrols and records the code, as provisioning does
    own = platform.code_of(make_engine.credentials[0])
    foreign = "999999" if own != "999999" else "888888"
    good = fill_store(kiosk_store, apps=2, files_per_app=0, ratings=0, requests=0)
    [bad] = fill_store(kiosk_store, apps=1, files_per_app=0, ratings=0, requests=0, code=foreign)
    report = engine.run_until_idle()
    assert report.ok and report.quarantined == 1
    refused = kiosk_store.application(bad.id)
    assert refused.state is ApplicationState.QUARANTINED
    assert refused.state_reason == FOREIGN_CODE_REASON
    assert {kiosk_store.application(a.id).state for a in good} == {ApplicationState.DONE}
    assert {row["id"] for row in platform.db.applications()} == {a.id for a in good}

    # Another terminal cannot file under this terminal's code either.
    other = client_for()
    ack = other.upload_batch(BatchRequest(applications=[make_application(n=77, code=own)]))
    assert ack.results[0].outcome is Outcome.REJECTED
    assert ack.results[0].reason == FOREIGN_CODE_REASON


def test_platform_number_is_unique(platform, client_for, tmp_path: Path):
    client = client_for()
    code = platform.code_of(client.credentials)
    first = make_application(n=1, code=code)
    second = make_application(n=1, code=code)  # another application, the same number
    assert first.id != second.id and first.number == second.number
    ack = client.upload_batch(BatchRequest(applications=[first, second]))
    assert [r.outcome for r in ack.results] == [Outcome.ACCEPTED, Outcome.REJECTED]
    assert ack.results[1].reason == NUMBER_TAKEN_REASON
    again = client.upload_batch(BatchRequest(applications=[first]))
    assert again.results[0].outcome is Outcome.DUPLICATE  # a resend is still harmless
    assert [row["id"] for row in platform.db.applications()] == [first.id]

    # A platform database from before the rule, already holding two applications under one
    # number, is not silently "fixed": opening it says which numbers to resolve.
    old = tmp_path / "old-central.sqlite3"
    raw = SqliteBackend(old)
    migrations.apply(raw, None, stop_before="0002_unique_numbers")
    with raw.transaction() as tx:
        for app_id in ("a1", "a2"):
            tx.execute(
                "INSERT INTO applications(id, content_hash, terminal_id, number, service_code,"
                " service_version, payload, received_at) VALUES (?, '', 'T', ?, 's', 1, '{}', 0)",
                (app_id, "000000-261123-0001-1"),
            )
    raw.close()
    with pytest.raises(CentralError, match="000000-261123-0001-1"):
        CentralDB(old)
    result = kiosk("central", "set-status", "--db", str(old), "000000-261123-0001-1", "accepted")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_set_status_refuses_unknown_or_ambiguous_number(platform, client_for, tmp_path: Path):
    alias = "012345-261123-0001-0"
    clients = [client_for(), client_for()]
    numbers = []
    for n, client in enumerate(clients, start=1):
        app = make_application(n=n, code=platform.code_of(client.credentials)).model_copy(
            update={"provisional_number": alias}
        )
        ack = client.upload_batch(BatchRequest(applications=[app]))
        assert ack.results[0].outcome is Outcome.ACCEPTED
        numbers.append(app.number)
    db = platform.db.spec

    unknown = kiosk("central", "set-status", "--db", db, "111111-261123-0009-3", "accepted")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "kiosk central: no application numbered 111111-261123-0009-3"

    ambiguous = kiosk("central", "set-status", "--db", db, alias, "rejected", "--reason", "x")
    assert ambiguous.returncode == 1
    assert "ambiguous" in ambiguous.stderr and len(ambiguous.stderr.strip().splitlines()) == 1
    assert {row["status"] for row in platform.db.applications()} == {"received"}

    moved = kiosk("central", "set-status", "--db", db, numbers[0], "accepted")
    assert moved.returncode == 0, moved.stderr
    assert {row["number"]: row["status"] for row in platform.db.applications()} == {
        numbers[0]: "accepted",
        numbers[1]: "received",
    }
