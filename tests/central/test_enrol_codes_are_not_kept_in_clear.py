"""An open enrolment code is a credential: whoever has it can enrol a terminal and receive its
signing secret until the code expires. The platform used to keep the codes as issued, so a
copy of its database or a backup handed out every open one. It now keeps a keyed hash
(``central.migrations.enrol_code_key``); codes issued before the change are hashed by
migration ``0011_enrol_codes_hashed`` and still work.
"""

from __future__ import annotations

from pathlib import Path

from central.db import CentralDB
from central.dialect import SqliteBackend
from central.migrations import apply as apply_migrations
from tests.sync.conftest import PlatformDatabase, both_engines

pytest_generate_tests = both_engines

REGION = "330102001000"


def _every_value(db: CentralDB) -> str:
    rows = db.query("SELECT code, region_code, terminal_id FROM enrol_codes")
    return "\n".join(str(v) for row in rows for v in row)


def test_an_open_enrolment_code_is_stored_only_as_a_keyed_hash(
    platform_database: PlatformDatabase,
) -> None:
    db = CentralDB(platform_database.spec, key_file=platform_database.key_file)
    try:
        code = db.new_enrol_code(REGION)
        stored = _every_value(db)
        assert code not in stored
        assert code.replace("-", "") not in stored.replace("-", "")
        terminal = db.enrol(code.lower(), REGION, "石马村便民服务站", "test", "s" * 44)
        assert terminal is not None  # typed on the kiosk in lower case: still the same code
        assert db.enrol(code, REGION, "石马村便民服务站", "test", "s" * 44) is None  # used once
    finally:
        db.close()


def test_codes_issued_before_the_change_are_hashed_on_upgrade_and_still_enrol(
    tmp_path: Path,
) -> None:
    path = tmp_path / "central.sqlite3"
    backend = SqliteBackend(path)
    apply_migrations(backend, None, stop_before="0005_private_uploads_encrypted_at_rest")
    with backend.transaction() as tx:
        tx.execute(
            "INSERT INTO enrol_codes(code, region_code, created_at, expires_at)"
            " VALUES ('AB12-CD34-EF56', ?, 0, 1e12)",
            (REGION,),
        )
    backend.close()
    db = CentralDB(path)
    try:
        assert "AB12-CD34-EF56" not in _every_value(db)
        assert db.enrol("ab12-cd34-ef56", REGION, "站", "test", "s" * 44) is not None
    finally:
        db.close()
