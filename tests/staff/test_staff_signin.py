"""Staff accounts, PIN sign-in, growing lockout (persisted), card sign-in and the maintenance PIN."""

from __future__ import annotations

import pytest
from staffhelpers import STAFF_NAME, TECH_NAME, MovableClock

from kiosk.core import KioskCore
from kiosk.errors import ValidationError
from kiosk.staff import (
    LockedOut,
    LockoutPolicy,
    NotPermitted,
    Role,
    ScryptParams,
    SignInMethod,
    WrongCredentials,
    check_new_pin,
    format_wait,
    hash_pin,
    verify_pin,
)
from kiosk.store import staff_queries as q
from kiosk.usecases import staff_auth as sa
from kiosk.usecases.staff_auth import AuthConfig

CHEAP = ScryptParams(n=2**10)


def test_pin_hash_round_trip_and_format():
    encoded = hash_pin("246810", CHEAP)
    assert encoded.startswith("scrypt$1024$8$1$")
    assert "246810" not in encoded
    assert verify_pin("246810", encoded)
    assert not verify_pin("246811", encoded)
    assert not verify_pin("246810", "garbage")
    assert hash_pin("246810", CHEAP) != encoded  # salted


@pytest.mark.parametrize("pin", ["12345", "abcdef", "111111", "123456", "987654", "1234567890123"])
def test_weak_pins_are_refused(pin):
    with pytest.raises(ValidationError):
        check_new_pin(pin)


def test_lockout_grows_and_caps():
    policy = LockoutPolicy(free_attempts=3, base_s=30, max_s=600)
    assert [policy.lock_seconds(n) for n in range(1, 9)] == [0, 0, 30, 60, 120, 240, 480, 600]


def test_format_wait_reads_well():
    assert format_wait(5) == "5 秒"
    assert format_wait(120) == "2 分钟"
    assert format_wait(200) == "3 分 20 秒"
    assert format_wait(3600) == "1 小时"


def test_add_and_list_staff(core: KioskCore, auth: AuthConfig):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    sa.add_staff(core, "9001", TECH_NAME, Role.TECHNICIAN, "135790", config=auth)
    assert [m.number for m in sa.list_staff(core)] == ["1001", "9001"]
    assert [m.number for m in sa.list_staff(core, Role.TECHNICIAN)] == ["9001"]
    assert not sa.needs_first_technician(core)
    with pytest.raises(ValidationError, match="已存在"):
        sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    with pytest.raises(ValidationError, match="工号"):
        sa.add_staff(core, "ab", STAFF_NAME, Role.STAFF, "246810", config=auth)


def test_sign_in_with_the_right_pin(core: KioskCore, auth: AuthConfig):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    session = sa.sign_in_with_pin(core, " 1001 ", "246810", config=auth)
    assert session.staff.number == "1001"
    assert session.method is SignInMethod.PIN
    assert session.started_at == core.clock()


def test_unknown_number_and_wrong_pin_look_the_same(core: KioskCore, auth: AuthConfig):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    with pytest.raises(WrongCredentials) as wrong_pin:
        sa.sign_in_with_pin(core, "1001", "000999", config=auth)
    with pytest.raises(WrongCredentials) as unknown:
        sa.sign_in_with_pin(core, "4242", "000999", config=auth)
    assert wrong_pin.value.message == unknown.value.message == "工号或密码不正确，还可以再试 2 次。"


def test_wrong_pins_lock_out_for_a_growing_time(
    core: KioskCore, auth: AuthConfig, clock: MovableClock
):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    for _ in range(2):
        with pytest.raises(WrongCredentials):
            sa.sign_in_with_pin(core, "1001", "000999", config=auth)
    with pytest.raises(LockedOut) as first:
        sa.sign_in_with_pin(core, "1001", "000999", config=auth)
    assert first.value.remaining_s == 30
    assert "30 秒" in first.value.message
    # Locked: even the right PIN is refused, and does not count as a failure.
    with pytest.raises(LockedOut):
        sa.sign_in_with_pin(core, "1001", "246810", config=auth)
    clock.advance(29)
    assert sa.lockout_remaining(core, "1001") == 1
    clock.advance(1)
    assert sa.lockout_remaining(core, "1001") == 0
    with pytest.raises(LockedOut) as second:
        sa.sign_in_with_pin(core, "1001", "000999", config=auth)
    assert second.value.remaining_s == 60
    clock.advance(60)
    assert sa.sign_in_with_pin(core, "1001", "246810", config=auth).staff.number == "1001"
    # Success forgets the failures: back to the free attempts.
    with pytest.raises(WrongCredentials) as again:
        sa.sign_in_with_pin(core, "1001", "000999", config=auth)
    assert again.value.attempts_left == 2


def test_lockout_survives_a_restart(tmp_path, clock: MovableClock, auth: AuthConfig):
    from kiosk.paths import DataDir

    home = DataDir(tmp_path / "home")
    first = KioskCore.open(home, clock=clock)
    sa.add_staff(first, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    for _ in range(3):
        with pytest.raises((WrongCredentials, LockedOut)):
            sa.sign_in_with_pin(first, "1001", "000999", config=auth)
    first.close()
    second = KioskCore.open(home, clock=clock)
    try:
        with pytest.raises(LockedOut):
            sa.sign_in_with_pin(second, "1001", "246810", config=auth)
    finally:
        second.close()


def test_old_failures_are_forgiven(core: KioskCore, auth: AuthConfig, clock: MovableClock):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    for _ in range(2):
        with pytest.raises(WrongCredentials):
            sa.sign_in_with_pin(core, "1001", "000999", config=auth)
    clock.advance(24 * 3600)
    with pytest.raises(WrongCredentials) as fresh:
        sa.sign_in_with_pin(core, "1001", "000999", config=auth)
    assert fresh.value.attempts_left == 2


def test_set_pin_replaces_the_old_one_and_lifts_the_lock(core: KioskCore, auth: AuthConfig):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    for _ in range(3):
        with pytest.raises((WrongCredentials, LockedOut)):
            sa.sign_in_with_pin(core, "1001", "000999", config=auth)
    sa.set_pin(core, "1001", "802468", config=auth)
    assert sa.lockout_remaining(core, "1001") == 0
    with pytest.raises(WrongCredentials):
        sa.sign_in_with_pin(core, "1001", "246810", config=auth)
    assert sa.sign_in_with_pin(core, "1001", "802468", config=auth)


def test_card_sign_in(core: KioskCore, auth: AuthConfig):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    with pytest.raises(NotPermitted, match="没有绑定"):
        sa.sign_in_with_card(core, "330102198001011234")
    sa.bind_card(core, "1001", "330102198001011234")
    session = sa.sign_in_with_card(core, "330102198001011234")
    assert session.staff.number == "1001"
    assert session.method is SignInMethod.CARD
    # The card id is stored only as a keyed hash.
    assert sa.get_staff(core, "1001").has_card  # type: ignore[union-attr]
    raw = core.store.conn.query("SELECT card_hash FROM staff WHERE number = '1001'")[0][0]
    assert "330102198001011234" not in raw
    sa.add_staff(core, "1002", "赵六", Role.STAFF, "246810", config=auth)
    with pytest.raises(ValidationError, match="已绑定"):
        sa.bind_card(core, "1002", "330102198001011234")


def test_inactive_account_and_technician_only(core: KioskCore, auth: AuthConfig):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    with pytest.raises(NotPermitted, match="技术人员"):
        sa.sign_in_with_pin(core, "1001", "246810", config=auth, require=Role.TECHNICIAN)
    sa.set_active(core, "1001", False)
    with pytest.raises(NotPermitted, match="停用"):
        sa.sign_in_with_pin(core, "1001", "246810", config=auth)


def test_maintenance_unlock_with_a_technician_pin(
    core: KioskCore, auth: AuthConfig, clock: MovableClock
):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    sa.add_staff(core, "9001", TECH_NAME, Role.TECHNICIAN, "135790", config=auth)
    assert sa.unlock_maintenance(core, "135790", config=auth).number == "9001"
    with pytest.raises(WrongCredentials):  # a staff PIN does not open maintenance mode
        sa.unlock_maintenance(core, "246810", config=auth)
    with pytest.raises(WrongCredentials):
        sa.unlock_maintenance(core, "000999", config=auth)
    with pytest.raises(LockedOut):
        sa.unlock_maintenance(core, "000999", config=auth)
    with pytest.raises(LockedOut):
        sa.unlock_maintenance(core, "135790", config=auth)
    assert sa.maintenance_lockout_remaining(core) == 30
    clock.advance(30)
    assert sa.unlock_maintenance(core, "135790", config=auth).number == "9001"


def test_audit_trail_has_numbers_not_names(core: KioskCore, auth: AuthConfig):
    sa.add_staff(core, "1001", STAFF_NAME, Role.STAFF, "246810", config=auth)
    session = sa.sign_in_with_pin(core, "1001", "246810", config=auth)
    sa.sign_out(core, session)
    kinds = [e[2].value for e in q.events(core.store.conn)]
    assert kinds == ["sign_out", "sign_in", "added"]


def test_fresh_terminal_needs_a_technician(core: KioskCore):
    assert sa.needs_first_technician(core)
