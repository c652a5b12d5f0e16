"""Console accounts, sessions and audit rows on both engines (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from central.console import users
from tests.sync.conftest import both_engines
from tests.sync.synchelpers import Platform

pytest_generate_tests = both_engines


def test_accounts_sessions_lockout_and_audit_work_on_both_engines(platform: Platform) -> None:
    db = platform.db
    account = users.add_user(db, "zhang", "clerk", "3301", "a-long-secret-1")
    with pytest.raises(users.UserError, match="already exists"):
        users.add_user(db, "zhang", "technician", "", "a-long-secret-2")

    token, csrf = users.open_session(db, users.login(db, "zhang", "a-long-secret-1").account)  # type: ignore[arg-type]
    assert users.session_account(db, token) == (account, csrf)
    platform.clock.offset += users.SESSION_IDLE_S + 1  # unused too long
    assert users.session_account(db, token) is None

    for _ in range(users.MAX_FAILURES - 1):
        assert users.login(db, "zhang", "wrong-secret").locked is False
    assert users.login(db, "zhang", "wrong-secret").locked is True
    assert users.login(db, "zhang", "a-long-secret-1").account is None
    platform.clock.offset += users.LOCKOUT_S + 1
    assert users.login(db, "zhang", "a-long-secret-1").account == account

    users.write_audit(db, account, "application.view", "A1", "", account.region)
    users.write_audit(db, account, "application.supplement", "A1", "补正", account.region)
    rows = users.audit_rows(db, "A1")
    assert [r["action"] for r in rows] == ["application.supplement", "application.view"]
    assert rows[0]["actor_name"] == "zhang" and rows[0]["region"] == "3301"
