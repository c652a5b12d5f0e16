"""Console accounts and access over real HTTP (issue 12 item 2): the ``kiosk central user
add`` contract, password hashing, sessions, CSRF on every form, lockout, roles, scope, audit.
"""

from __future__ import annotations

import re
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from central.console.users import LOCKOUT_S, MAX_FAILURES, login
from central.db import CentralDB
from tests.console.consolehelpers import Console, password_of

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def _user_add(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, "central", "user", "add", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_user_add_reads_the_password_from_stdin_or_generates_one_printed_once(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "central.sqlite3"
    typed = _user_add(
        db_path, "--name", "li", "--role", "clerk", "--region", "3301", stdin="a-long-secret-1\n"
    )
    assert typed.returncode == 0, typed.stderr
    assert typed.stdout == "user li (clerk, region 3301) created\n"
    made = _user_add(db_path, "--name", "wang", "--role", "technician")
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[0] == "user wang (technician, region all) created"
    generated = lines[1].removeprefix("password: ")
    assert len(generated) == 16

    taken = _user_add(db_path, "--name", "li", "--role", "clerk", stdin="another-secret-1\n")
    assert taken.returncode == 1 and "already exists" in taken.stderr
    short = _user_add(db_path, "--name", "zhao", "--role", "clerk", stdin="short\n")
    assert short.returncode == 1 and "at least 10" in short.stderr
    bad_role = _user_add(db_path, "--name", "zhao", "--role", "root", stdin="a-long-secret-1\n")
    assert bad_role.returncode == 2

    db = CentralDB(db_path)
    try:
        stored = dict(db.query("SELECT name, password_hash FROM console_users"))
        assert stored["li"].startswith("scrypt$32768$8$1$")
        assert "a-long-secret-1" not in stored["li"] and generated not in stored["wang"]
        assert login(db, "li", "a-long-secret-1").account is not None
        assert login(db, "wang", generated).account is not None
        assert login(db, "li", "a-long-secret-2").account is None
    finally:
        db.close()


def test_lockout_after_repeated_failures_refuses_even_the_right_password(
    console: Console,
) -> None:
    with closing(console.http()) as http:
        token = _token(http.get("/console/login").text)

        def attempt(password: str) -> int:
            answer = http.post(
                "/console/login",
                data={"username": "tech", "password": password, "csrf_token": token},
            )
            return answer.status_code

        assert [attempt("wrong-one") for _ in range(MAX_FAILURES - 1)] == [401] * 4
        assert attempt("wrong-one") == 423
        assert attempt(password_of("tech")) == 423
        console.clock.offset += LOCKOUT_S + 1
        assert attempt(password_of("tech")) == 303
    # an unknown name answers like a wrong password (no hint who exists)
    with closing(console.http()) as http:
        token = _token(http.get("/console/login").text)
        answer = http.post(
            "/console/login", data={"username": "nobody", "password": "x" * 12, "csrf_token": token}
        )
        assert answer.status_code == 401 and "用户名或密码错误" in answer.text


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def test_csrf_missing_or_wrong_is_refused_on_every_form(console: Console) -> None:
    terminal = console.enrol("西河村服务站")
    with closing(console.http()) as anonymous:
        anonymous.get("/console/login")  # has the pre-login cookie, sends no token
        refused = anonymous.post(
            "/console/login", data={"username": "tech", "password": password_of("tech")}
        )
        assert refused.status_code == 403
    with closing(console.http("tech")) as http:
        for path in (
            f"/console/terminals/{terminal.terminal_id}/revoke",
            f"/console/terminals/{terminal.terminal_id}/enrol-code",
            "/console/logout",
        ):
            for token in (None, "forged-token"):
                data = {"reason": "x"} | ({"csrf_token": token} if token else {})
                assert http.post(path, data=data).status_code == 403, (path, token)
        assert console.db.terminal(terminal.terminal_id).revoked is False  # type: ignore[union-attr]
        assert http.get("/console/terminals").status_code == 200  # still signed in
        codes = console.db.query("SELECT COUNT(*) FROM enrol_codes WHERE used_at IS NULL")
        assert codes == [(0,)]


def test_logout_ends_the_session_on_the_server(console: Console) -> None:
    with closing(console.http("tech")) as http:
        cookie = http.cookies["kiosk_console"]
        token = _token(http.get("/console/terminals").text)
        assert http.post("/console/logout", data={"csrf_token": token}).status_code == 303
    with closing(console.http()) as replay:  # the old cookie, replayed
        replay.cookies.set("kiosk_console", cookie, path="/console")
        answer = replay.get("/console/terminals")
        assert answer.status_code == 303 and "/console/login" in answer.headers["location"]


def test_roles_and_redirects(console: Console) -> None:
    with closing(console.http("clerk")) as http:
        assert http.get("/console/terminals").status_code == 403
    with closing(console.http()) as http:
        token = _token(http.get("/console/login").text)
        answer = http.post(
            "/console/login",
            data={
                "username": "tech",
                "password": password_of("tech"),
                "csrf_token": token,
                "next": "//evil.example/console/",
            },
        )
        assert answer.headers["location"] == "/console/terminals"  # no open redirect
        session = next(c for c in answer.headers.get_list("set-cookie") if "kiosk_console=" in c)
        assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/console" in session
        page = http.get("/console/terminals")
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_replacement_enrolment_code_is_region_bound_short_lived_and_audited(
    console: Console,
) -> None:
    terminal = console.enrol("南岭村服务站", region="330102005000")
    with closing(console.http("tech-3301")) as http:
        page = http.get(f"/console/terminals/{terminal.terminal_id}")
        answer = http.post(
            f"/console/terminals/{terminal.terminal_id}/enrol-code",
            data={"csrf_token": _token(page.text)},
        )
        assert answer.status_code == 200
        code = re.search(r'id="code">([0-9A-F-]+)<', answer.text)
        assert code is not None
    ((region, created, expires),) = console.db.query(
        "SELECT region_code, created_at, expires_at FROM enrol_codes WHERE code = ?",
        (console.db.enrol_code_key(code[1]),),
    )
    assert region == "330102005000"
    assert expires - created == pytest.approx(24 * 3600)
    audit = console.db.query(
        "SELECT actor_name, action, target FROM audit_log WHERE action LIKE 'terminal.%'"
    )
    assert audit == [("tech-3301", "terminal.enrol_code", terminal.terminal_id)]
    assert code[1] not in str(console.db.query("SELECT detail FROM audit_log"))


def test_terminal_page_of_an_unknown_terminal_is_not_found(console: Console) -> None:
    with closing(console.http("tech")) as http:
        assert http.get("/console/terminals/Tnope").status_code == 404


def test_demo_prints_the_console_url_and_a_demo_login_that_works(
    console: Console, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.wiring import DEMO_CONSOLE_PASSWORD, _demo_console_login

    _demo_console_login(console.db, console.url)
    _demo_console_login(console.db, console.url)  # a second demo start on the same data
    printed = capsys.readouterr().err
    assert f"{console.url}/console/login" in printed
    assert "demo-tech" in printed and DEMO_CONSOLE_PASSWORD in printed
    for name, landing in (("demo-tech", "/console/terminals"), ("demo-clerk", None)):
        with closing(console.http()) as http:
            token = _token(http.get("/console/login").text)
            answer = http.post(
                "/console/login",
                data={"username": name, "password": DEMO_CONSOLE_PASSWORD, "csrf_token": token},
            )
            assert answer.status_code == 303
            if landing:
                assert answer.headers["location"] == landing


def test_session_cookie_is_secure_when_the_console_is_served_over_https(tmp_path: Path) -> None:
    import ssl

    import httpx

    from central.console.users import add_user
    from central.server import RunningPlatform
    from tests.sync.certs import self_signed as _self_signed
    from tests.sync.synchelpers import MovableClock

    cert, key = _self_signed(tmp_path, "platform")
    clock = MovableClock()
    db = CentralDB(tmp_path / "central.sqlite3", clock=clock)
    add_user(db, "tech", "technician", "", password_of("tech"))
    running = RunningPlatform(db, clock, tls=(cert, key))
    try:
        trust = ssl.create_default_context(cafile=str(cert))
        with httpx.Client(base_url=running.url, verify=trust) as http:
            page = http.get("/console/login")
            assert "Secure" in page.headers["set-cookie"]  # the pre-login cookie too
            answer = http.post(
                "/console/login",
                data={
                    "username": "tech",
                    "password": password_of("tech"),
                    "csrf_token": _token(page.text),
                },
            )
            assert answer.status_code == 303
            session = next(
                c for c in answer.headers.get_list("set-cookie") if c.startswith("kiosk_console=")
            )
            assert "Secure" in session and "HttpOnly" in session and "SameSite=strict" in session
    finally:
        running.stop()
