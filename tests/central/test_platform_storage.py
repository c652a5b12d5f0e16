"""The platform's storage (issue 11 items 3 and 5) on SQLite and on PostgreSQL.

Item 5: the database file was 0644 and held every terminal's HMAC secret and every
applicant's data in plaintext. Item 3: attachment upload state was shared by hash across
terminals, so any terminal declaring a hash could read, block or reset another's upload.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from central.db import CentralDB, CentralError
from central.dialect import SqliteBackend
from central.migrations import apply as apply_migrations
from sync.client import AttachmentRejectedError
from sync.protocol import Applicant, BatchRequest, ErrorCode, Outcome
from sync.signing import encode_secret
from tests.sync.conftest import both_engines
from tests.sync.synchelpers import make_application, make_request

pytest_generate_tests = both_engines

NAME = "欧阳测试甲"
ID_NUMBER = "330102199001011234"
PHONE = "13912345678"
ADDRESS = "浙江省杭州市上城区测试路8号"
CONTACT = "司马测试乙"


def _personal_application(platform, client, n: int, attachments=None):
    app = make_application(attachments, n=n, code=platform.code_of(client.credentials))
    return app.model_copy(
        update={
            "applicant": Applicant(name=NAME, id_number=ID_NUMBER, phone=PHONE, address=ADDRESS),
            "form": {"reason": f"{NAME}的申请"},
        }
    )


def _file_contents(path: Path) -> bytes:
    return b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def _every_stored_value(db: CentralDB) -> str:
    """Every table's every value, as text: what a dump of the database would show."""
    if db.engine == "sqlite":
        tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    else:
        tables = [
            r[0] for r in db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
    out = []
    for table in tables:
        for row in db.query(f'SELECT * FROM "{table}"'):
            out.extend(
                bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v)
                for v in row
            )
    return "\n".join(out)


def test_platform_database_is_private_and_holds_no_secret_or_personal_data_in_clear(
    platform, client_for
):
    client = client_for()
    secret = encode_secret(client.credentials.secret)
    app = _personal_application(platform, client, 1, [b"photo of an ID card" * 100])
    request = make_request(1).model_copy(update={"name": CONTACT, "phone": PHONE})
    ack = client.upload_batch(BatchRequest(applications=[app], requests=[request]))
    assert {r.outcome for r in ack.results} == {Outcome.ACCEPTED}
    # a conflicting resend is kept for an operator: encrypted too
    changed = app.model_copy(update={"form": {"reason": f"{NAME}改过的申请"}})
    assert client.upload_batch(BatchRequest(applications=[changed])).results[0].outcome is (
        Outcome.CONFLICT
    )
    sha = app.attachments[0].sha256
    client.upload_chunk(sha, 0, b"photo of an ID card" * 100)

    dumped = _every_stored_value(platform.db)
    for clear in (NAME, ID_NUMBER, PHONE, ADDRESS, CONTACT, secret, "photo of an ID card"):
        assert clear not in dumped, clear
    if platform.db.engine == "sqlite":
        path = platform.db.path
        raw = _file_contents(path)
        for clear in (NAME, ID_NUMBER, PHONE, ADDRESS, CONTACT, secret, "photo of an ID card"):
            assert clear.encode() not in raw, clear
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), platform.db.key_file):
            assert p.exists(), p
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(platform.db.key_file.stat().st_mode) == 0o600

    # The operator's view and the protocol still see the data (decrypted with the key).
    [row] = platform.db.applications()
    assert (row["applicant_name"], row["applicant_id_number"]) == (NAME, ID_NUMBER)
    assert row["attachments"][0]["complete"] is True
    assert platform.db.attachment_bytes(sha) == b"photo of an ID card" * 100
    assert platform.db.terminal(client.credentials.terminal_id).secret == secret


def test_attachment_upload_state_is_not_shared_by_hash_across_terminals(platform, client_for):
    """A terminal that declares another's hash cannot read, block or reset that upload."""
    owner, intruder = client_for(), client_for()
    content = b"the owner's scanned household register " * 500
    sha = hashlib.sha256(content).hexdigest()

    # The intruder knows the hash but never declared it: nothing to see.
    with pytest.raises(AttachmentRejectedError) as unknown:
        intruder.attachment_state(sha)
    assert unknown.value.code is ErrorCode.UNKNOWN_ATTACHMENT

    # The intruder declares it first with a wrong size ("block it for ever")...
    bogus = make_application(n=2, code=platform.code_of(intruder.credentials)).model_copy(
        update={
            "attachments": [
                make_application([content]).attachments[0].model_copy(update={"size": 7})
            ]
        }
    )
    assert intruder.upload_batch(BatchRequest(applications=[bogus])).results[0].outcome is (
        Outcome.ACCEPTED
    )
    # ...then the owner declares its own and uploads half.
    mine = make_application([content], n=1, code=platform.code_of(owner.credentials))
    assert owner.upload_batch(BatchRequest(applications=[mine])).results[0].outcome is (
        Outcome.ACCEPTED
    )
    assert owner.attachment_state(sha).length == len(content)  # not the intruder's 7
    half = len(content) // 2
    assert owner.upload_chunk(sha, 0, content[:half]).offset == half

    # The intruder's garbage fills and "fails" only its own upload (a hash mismatch there).
    with pytest.raises(AttachmentRejectedError) as garbage:
        intruder.upload_chunk(sha, 0, b"garbage")
    assert garbage.value.code is ErrorCode.HASH_MISMATCH
    assert intruder.attachment_state(sha).offset == 0
    assert owner.attachment_state(sha).offset == half  # untouched: no reset, no mismatch

    finished = owner.upload_chunk(sha, half, content[half:])
    assert finished.complete and finished.offset == len(content)
    assert not intruder.attachment_state(sha).complete  # the owner's upload is not its own
    assert platform.db.attachment_bytes(sha) == content


def test_missing_platform_key_beside_encrypted_data_is_refused_not_replaced(platform, client_for):
    client = client_for()
    client.upload_batch(BatchRequest(applications=[_personal_application(platform, client, 1)]))
    key_file = platform.db.key_file
    key = key_file.read_bytes()
    key_file.unlink()
    with pytest.raises(CentralError, match="missing"):
        CentralDB(platform.db.spec, key_file=key_file)
    assert not key_file.exists()  # no new key beside data the old one encrypted
    key_file.write_bytes(bytes(32))
    with pytest.raises(CentralError, match="not the key"):
        CentralDB(platform.db.spec, key_file=key_file)
    key_file.write_bytes(key)
    again = CentralDB(platform.db.spec, key_file=key_file)
    try:
        assert [r["applicant_name"] for r in again.applications()] == [NAME]
    finally:
        again.close()


def _legacy_database(path: Path) -> tuple[str, str]:
    """A platform database as the releases before issue 11 left it: sqlite-utils' migration
    record, 0644, a terminal secret and an application in clear, a shared attachment."""
    backend = SqliteBackend(path)
    apply_migrations(backend, None, stop_before="0005_private_uploads_encrypted_at_rest")
    content = b"legacy attachment bytes " * 40
    sha = hashlib.sha256(content).hexdigest()
    payload = make_application(n=1, code="123456").model_dump(mode="json")
    payload["applicant"] = {
        "name": NAME,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": ADDRESS,
    }
    payload["attachments"] = [
        {
            "sha256": sha,
            "field_key": "photo",
            "filename": "a.jpg",
            "mime_type": "image/jpeg",
            "size": len(content),
        }
    ]
    with backend.transaction() as tx:
        tx.execute(
            "CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)"
        )
        tx.execute(
            "INSERT INTO _sqlite_migrations SELECT 'central', name, applied_at FROM migrations"
        )
        tx.execute("DROP TABLE migrations")
        tx.execute(
            "INSERT INTO terminals(terminal_id, terminal_code, secret, region_code, station_name,"
            " enrolled_at) VALUES ('Tlegacy', '123456', 'legacy-secret-in-clear', '330102001000',"
            " '站', 0)"
        )
        tx.execute(
            "INSERT INTO applications(id, content_hash, terminal_id, number, service_code,"
            " service_version, payload, received_at) VALUES (?, 'h', 'Tlegacy', ?, 'TEST-001', 1,"
            " ?, 0)",
            (payload["id"], payload["number"], json.dumps(payload, ensure_ascii=False)),
        )
        tx.execute(
            "INSERT INTO expected_attachments VALUES (?, ?, ?, 'a.jpg', 'image/jpeg')",
            (payload["id"], sha, len(content)),
        )
        tx.execute(
            "INSERT INTO attachments(sha256, length, received, complete) VALUES (?, ?, ?, 1)",
            (sha, len(content), len(content)),
        )
        tx.execute(
            'INSERT INTO attachment_chunks(sha256, "offset", data) VALUES (?, 0, ?)',
            (sha, content),
        )
    backend.close()
    path.chmod(0o644)
    return payload["id"], sha


def test_existing_plaintext_platform_database_is_encrypted_on_upgrade(
    platform_engine, tmp_path: Path
):
    if platform_engine != "sqlite":
        pytest.skip("databases from before issue 11 are SQLite files")
    path = tmp_path / "old-central.sqlite3"
    app_id, sha = _legacy_database(path)
    assert NAME.encode() in _file_contents(path)

    db = CentralDB(path)
    try:
        names = [r[0] for r in db.query("SELECT name FROM migrations ORDER BY name")]
        assert names[:4] == [
            "0001_initial",
            "0002_unique_numbers",
            "0003_acceptance_dates",
            "0004_enrol_code_expiry",
        ]
        [row] = db.applications()
        assert (row["id"], row["applicant_name"]) == (app_id, NAME)
        assert row["attachments"][0]["complete"] is True
        assert db.attachment_bytes(sha) == b"legacy attachment bytes " * 40
        assert db.terminal("Tlegacy").secret == "legacy-secret-in-clear"
    finally:
        db.close()
    raw = _file_contents(path)
    for clear in (NAME, ID_NUMBER, "legacy-secret-in-clear", "legacy attachment bytes"):
        assert clear.encode() not in raw, clear
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_platform_refuses_a_postgresql_database_without_a_key_file(platform_engine):
    if platform_engine != "postgresql":
        pytest.skip("a SQLite database has a default key file beside it")
    with pytest.raises(CentralError, match="--key-file"):
        CentralDB("postgresql://nobody@/nothing?host=/nonexistent")


def test_unreachable_postgresql_is_one_line_without_password(platform_engine, tmp_path):
    if platform_engine != "postgresql":
        pytest.skip("PostgreSQL only")
    with pytest.raises(CentralError) as caught:
        CentralDB(
            "postgresql://kiosk:hunter2@/central?host=/nonexistent&connect_timeout=1",
            key_file=tmp_path / "k",
        )
    assert "hunter2" not in str(caught.value) and "***" in str(caught.value)
    assert "\n" not in str(caught.value)
