"""Read-aloud of every screen, degrading to silence (named, never hidden) where it cannot speak.

On the kiosk the voice is speech-dispatcher with espeak-ng, spoken to in its own protocol
on a thread of its own (:class:`devices.voice.speaker.SpeechDispatcherSpeaker`): a screen
hands its text over and goes on. QtTextToSpeech's ``speechd`` engine did the same job
before, and building it held the GUI thread ~1.1 s after the first frame, kept 1,530
voice descriptions (+5.4 MB) and, on a dispatcher that never answered, froze the kiosk
for good. QtTextToSpeech is still used for the engines named explicitly (``mock`` in
tests, ``flite``). Text read aloud is what is on the screen already.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Signal

from devices.voice.protocol import Speaker
from devices.voice.speaker import SpeechDispatcherSpeaker
from devices.voice.ssip import TIMEOUT_S

if TYPE_CHECKING:  # loaded only for an engine named explicitly (``mock``, ``flite``)
    from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)

SPEECH_DISPATCHER = "speechd"
"""The engine name settings and options use for speech-dispatcher (QtTextToSpeech's name)."""


class Voice(QObject):
    """Says screens aloud when enabled; ``spoken`` reports every text handed to the speaker.

    With ``start_later`` nothing is loaded by :meth:`say` before :meth:`start`: the home
    screen is read aloud as it is first shown, and loading an engine there delayed the
    first frame (issue 16, goal 1). What was said meanwhile is spoken once it is up.
    """

    spoken = Signal(str)
    _problem_seen = Signal(str)  # from the speaker's thread

    def __init__(
        self,
        engine: str = "",
        enabled: bool = True,
        parent: QObject | None = None,
        *,
        start_later: bool = False,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.last_text = ""
        self.engine = ""
        self._wanted = engine or SPEECH_DISPATCHER
        self._speaker: Speaker | None = None
        self._started = False
        self._start_later = start_later
        self._pending = False  # something was said before the speaker was started
        self._timeout_s = timeout_s
        self.problem = ""
        """Why read-aloud is not heard although enabled (English, for logs and diagnostics)."""
        self._problem_seen.connect(self._note_problem)

    def start(self) -> None:
        """Open the speaker (speech-dispatcher's: a thread and, at the first text, a socket):
        called once the home screen is up.

        With read-aloud switched off nothing is opened: the first :meth:`say` after a
        visitor switches it on opens it then.
        """
        if self._started:
            return
        if not self.enabled:
            self._start_later = False
            return
        self._started = True
        self._speaker = self._open()
        if self._pending:
            self._pending = False
            if self.last_text:
                self.say(self.last_text)

    def _open(self) -> Speaker | None:
        if self._wanted == SPEECH_DISPATCHER:
            self.engine = SPEECH_DISPATCHER
            return SpeechDispatcherSpeaker(timeout_s=self._timeout_s, on_problem=self._from_speaker)
        speaker = open_qt_speaker(self._wanted, self)
        if isinstance(speaker, str):
            self.problem = speaker
            log.info("%s; read-aloud disabled", speaker)
            return None
        self.engine = self._wanted
        return speaker

    def _from_speaker(self, problem: str) -> None:
        with contextlib.suppress(RuntimeError):  # the voice was deleted (the kiosk closed)
            self._problem_seen.emit(problem)

    def _note_problem(self, problem: str) -> None:
        self.problem = problem

    @property
    def available(self) -> bool:
        """A speaker is open and nothing it was asked failed."""
        return self._speaker is not None and not self.problem

    @property
    def checked(self) -> bool:
        """The speaker has been asked something, so :attr:`problem` is a finding (the doctor)."""
        return self._speaker is not None and self._speaker.answered is not None

    def say(self, text: str) -> None:
        """Replace whatever is being said with ``text`` (never queues a backlog)."""
        self.last_text = text
        if not self.enabled:
            return
        if self._start_later and not self._started:
            self._pending = True
            return
        self.start()
        if self._speaker is None:
            return
        self._speaker.say(text)
        self.spoken.emit(text)

    def forget(self) -> None:
        """Stop speaking and drop the last text (it may have held a resident's answers)."""
        self.last_text = ""
        self.stop()

    def stop(self) -> None:
        if self._speaker is not None:
            self._speaker.stop()

    def close(self) -> None:
        """Hang up on speech-dispatcher (the kiosk is closing)."""
        if self._speaker is not None:
            self._speaker.close()
            self._speaker = None


class QtSpeaker:
    """A QtTextToSpeech engine (``mock``, ``flite``) behind the speaker interface."""

    def __init__(self, tts: QTextToSpeech) -> None:
        self._tts = tts
        self.problem = ""
        self.answered: bool | None = True  # built: the engine is there

    def say(self, text: str) -> None:
        self._tts.stop()
        self._tts.say(text)

    def stop(self) -> None:
        self._tts.stop()

    def close(self, wait_s: float = 0.0) -> None:
        self._tts.stop()


def open_qt_speaker(engine: str, parent: QObject) -> QtSpeaker | str:
    """QtTextToSpeech's ``engine`` set to Chinese and a little slower, or why it cannot be."""
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:  # PySide6-Addons missing
        return "QtTextToSpeech is not available"
    if engine not in QTextToSpeech.availableEngines():
        return f"text-to-speech engine {engine} is not installed"
    tts = QTextToSpeech(engine, parent)
    if tts.state() == QTextToSpeech.State.Error:
        return f"text-to-speech engine {engine} failed"
    china = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    if china in tts.availableLocales():
        tts.setLocale(china)
    tts.setRate(-0.2)  # a little slower for elderly listeners
    return QtSpeaker(tts)
