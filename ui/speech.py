"""Read-aloud of every screen (QtTextToSpeech), degrading silently where no engine exists.

On the kiosk the ``speechd`` engine speaks through speech-dispatcher and
espeak-ng; tests use the ``mock`` engine, which reports what it was asked to
say without making a sound. Text read aloud is what is on the screen already.

Before the ``speechd`` engine is built, speech-dispatcher is asked whether it answers
(:func:`devices.speech_dispatcher.answers`, on a thread of its own). A speech-dispatcher
that accepted the connection but never answered (seen on the development machine after its
output module had been killed) made ``QTextToSpeech("speechd")`` wait for good on the GUI
thread: the kiosk froze after its first frame and ignored SIGTERM. PySide6 holds the GIL
while it builds the engine, so building it on another thread would freeze Python all the
same; asking first is what keeps the screens working. A silent one is named in the log and
in :attr:`Voice.problem`, and the screens carry on without voice.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from PySide6.QtCore import QLocale, QObject, Signal

from devices.speech_dispatcher import PROBE_TIMEOUT_S, answers

log = logging.getLogger(__name__)


class Voice(QObject):
    """Says screens aloud when enabled; ``spoken`` reports every text handed to the engine.

    With ``start_later`` the engine is not loaded by :meth:`say` before :meth:`start`: the
    home screen is read aloud as it is first shown, and loading QtTextToSpeech there (about
    0.2 s and 20 MB) delayed the first frame (issue 16, goal 1). What was said meanwhile is
    spoken once the engine is up.
    """

    spoken = Signal(str)
    _probed = Signal(object)  # speech-dispatcher's answer (True, False, None), from the probe

    def __init__(
        self,
        engine: str = "",
        enabled: bool = True,
        parent: QObject | None = None,
        *,
        start_later: bool = False,
        probe_timeout_s: float = PROBE_TIMEOUT_S,
    ) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.last_text = ""
        self.engine = ""
        self._wanted = engine
        self._tts: object | None = None
        self._started = False
        self._start_later = start_later
        self._pending = False  # something was said before the engine was started
        self._probing = False  # speech-dispatcher is being asked whether it answers
        self._probe_timeout_s = probe_timeout_s
        self.problem = ""
        """Why read-aloud is off although enabled (English, for logs and diagnostics)."""
        self._probed.connect(self._after_probe)

    def start(self) -> None:
        """Load the engine (the ``speechd`` one: ~1.1 s on the GUI thread and ~5 MB, its voice
        list; speech-dispatcher asked first): called once the home screen is up.

        With read-aloud switched off nothing is loaded: the first :meth:`say` after a
        visitor switches it on loads the engine then.
        """
        if self._started:
            return
        if not self.enabled:
            self._start_later = False
            return
        self._started = True
        self._load()
        self._say_pending()

    def _say_pending(self) -> None:
        """Say the screen's text that arrived before the engine could take it."""
        if self._pending:
            self._pending = False
            if self.last_text:
                self.say(self.last_text)

    def _load(self) -> None:
        engine = self._wanted
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:  # PySide6-Addons missing: no voice, no fuss
            log.info("QtTextToSpeech not available; read-aloud disabled")
            return
        available = QTextToSpeech.availableEngines()
        chosen = (
            engine
            if engine in available
            else next((e for e in ("speechd", "flite", "mock") if e in available), "")
        )
        if not chosen:
            log.info("no text-to-speech engine; read-aloud disabled")
            return
        if chosen == "speechd":
            self._probing = True
            threading.Thread(target=self._probe, name="speechd-probe", daemon=True).start()
            return
        self._build(chosen)

    def _probe(self) -> None:
        answer = answers(self._probe_timeout_s)
        with contextlib.suppress(RuntimeError):  # the voice was deleted (the kiosk closed)
            self._probed.emit(answer)

    def _after_probe(self, answer: bool | None) -> None:
        self._probing = False
        if answer is False:
            self.problem = "speech-dispatcher does not answer"
            log.warning("%s; read-aloud off", self.problem)
            return
        self._build("speechd")  # None: no socket yet, libspeechd starts speech-dispatcher
        self._say_pending()

    def _build(self, chosen: str) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = QTextToSpeech(chosen, self)
        if tts.state() == QTextToSpeech.State.Error:
            self.problem = f"text-to-speech engine {chosen} failed"
            log.info("%s; read-aloud disabled", self.problem)
            return
        china = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if china in tts.availableLocales():
            tts.setLocale(china)
        tts.setRate(-0.2)  # a little slower for elderly listeners
        self._tts = tts
        self.engine = chosen

    @property
    def available(self) -> bool:
        return self._tts is not None

    def say(self, text: str) -> None:
        """Replace whatever is being said with ``text`` (never queues a backlog)."""
        self.last_text = text
        if not self.enabled:
            return
        if (self._start_later and not self._started) or self._probing:
            self._pending = True
            return
        self.start()
        if self._tts is None:
            return
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = self._tts
        assert isinstance(tts, QTextToSpeech)
        tts.stop()
        tts.say(text)
        self.spoken.emit(text)

    def forget(self) -> None:
        """Stop speaking and drop the last text (it may have held a resident's answers)."""
        self.last_text = ""
        self.stop()

    def stop(self) -> None:
        if self._tts is None:  # nothing loaded: do not load the Qt module just to check
            return
        from PySide6.QtTextToSpeech import QTextToSpeech

        if isinstance(self._tts, QTextToSpeech):
            self._tts.stop()
