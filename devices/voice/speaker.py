"""Read-aloud through speech-dispatcher, on a thread of its own.

A screen hands over its text and goes on at once: connecting, starting speech-dispatcher
and every reply happen on the speaker's thread, each with a timeout, so a dispatcher that
is missing, slow or silent costs the screens nothing (it once froze the kiosk). Only the
newest request counts: a resident tapping through three screens hears the third, not a
backlog. A failure is kept in :attr:`problem` and handed to ``on_problem``; the next
request tries again, so a restarted dispatcher is picked up without restarting the kiosk,
and one that hangs is ended so that a new one can start (:mod:`devices.voice.restart`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from devices.voice.restart import RESTART_EVERY_S, end_silent_dispatcher
from devices.voice.ssip import (
    TIMEOUT_S,
    Address,
    Session,
    SilentDispatcher,
    SsipError,
    Starter,
    address,
    open_session,
    start_dispatcher,
)

log = logging.getLogger(__name__)

ProblemListener = Callable[[str], None]
"""Called on the speaker's thread with the new problem ("" once it speaks again)."""


class SpeechDispatcherSpeaker:
    """Says text through speech-dispatcher (SSIP) in Chinese, a little slower than usual."""

    def __init__(
        self,
        where: Address | None = None,
        *,
        language: str = "zh",
        rate: int = -20,
        timeout_s: float = TIMEOUT_S,
        start: Starter | None = start_dispatcher,
        restart_every_s: float = RESTART_EVERY_S,
        on_problem: ProblemListener | None = None,
    ) -> None:
        self._where = where
        self._settings = (
            f"SET self LANGUAGE {language}",
            f"SET self RATE {rate}",
            "SET self PRIORITY text",
        )
        self._timeout_s = timeout_s
        self._start = start
        self._restart_every_s = restart_every_s
        self._last_restart: float | None = None
        self._on_problem = on_problem
        self._wake = threading.Condition()
        self._request: tuple[str, str] | None = None  # ("say", text) or ("stop", "")
        self._closed = False
        self._session: Session | None = None
        self.problem = ""
        """Why the last request was not spoken (English, for logs and the doctor); "" if it was."""
        self.answered: bool | None = None
        """Whether the last request went through; None until one was carried out."""
        self.idle = threading.Event()
        """Set while nothing is waiting to be sent (tests wait on it instead of sleeping)."""
        self.idle.set()
        self._thread = threading.Thread(target=self._run, name="speech-dispatcher", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        """Stop what is being said and say ``text``; returns at once."""
        self._ask(("say", text))

    def stop(self) -> None:
        """Stop speaking; returns at once."""
        self._ask(("stop", ""))

    def close(self, wait_s: float = 0.5) -> None:
        """Stop speaking, hang up and end the thread. Waits at most ``wait_s``: a kiosk that
        is closing does not wait on a silent dispatcher (the thread ends after its timeout)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(wait_s)

    def _ask(self, request: tuple[str, str]) -> None:
        with self._wake:
            if self._closed:
                return
            self._request = request
            self.idle.clear()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._request is None and not self._closed:
                    self.idle.set()
                    self._wake.wait()
                if self._closed:
                    break
                request, self._request = self._request, None
            assert request is not None
            self._carry_out(*request)
        if self._session is not None:
            with contextlib.suppress(SsipError):
                self._session.command("CANCEL self")
            self._session.close()
            self._session = None
        self.idle.set()

    def _carry_out(self, kind: str, text: str) -> None:
        if kind == "stop" and self._session is None:
            return  # nothing is being said: do not connect (or start a dispatcher) to stop it
        reused = self._session is not None
        try:
            try:
                self._send(kind, text)
            except SilentDispatcher as silent:
                self._hang_up()
                if not self._ended(silent.pid):
                    raise
                self._send(kind, text)  # the connection starts a new dispatcher
            except SsipError:
                if not reused:
                    raise
                self._hang_up()  # restarted since the last text: once more, on a new connection
                self._send(kind, text)
        except SsipError as exc:
            self._hang_up()
            self.answered = False
            self._report(str(exc))
            return
        self.answered = True
        self._report("")

    def _send(self, kind: str, text: str) -> None:
        session = self._connected()
        session.command("CANCEL self")
        if kind == "say" and text.strip():
            session.speak(text)

    def _hang_up(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _ended(self, pid: int | None) -> bool:
        """End a dispatcher that stopped answering (``devices.voice.restart``), at most once
        per ``restart_every_s`` and only if this speaker may start a new one."""
        now = time.monotonic()
        if pid is None or self._start is None:
            return False
        if self._last_restart is not None and now - self._last_restart < self._restart_every_s:
            return False
        self._last_restart = now
        why_not = end_silent_dispatcher(pid)
        if why_not:
            log.warning("read-aloud: speech-dispatcher does not answer; %s", why_not)
            return False
        log.warning("read-aloud: ended speech-dispatcher %d, which did not answer", pid)
        return True

    def _connected(self) -> Session:
        if self._session is None:
            session = open_session(
                self._where or address(), timeout_s=self._timeout_s, start=self._start
            )
            try:
                for line in self._settings:
                    session.command(line)
            except SsipError:
                session.close()
                raise
            self._session = session
        return self._session

    def _report(self, problem: str) -> None:
        if problem == self.problem:
            return
        if problem:
            log.warning("read-aloud: %s", problem)
        elif self.problem:
            log.info("read-aloud: speech-dispatcher answers again")
        self.problem = problem
        if self._on_problem is not None:
            self._on_problem(problem)
