"""Which input engines this machine has: the real ones when installed, else the twins.

One of each per process (zinnia maps a 26 MB model, librime is process-wide),
shared by every keyboard on every screen.
"""

from __future__ import annotations

import logging
import threading

from devices.input.handwriting import HandwritingRecogniser, HandwritingUnavailable
from devices.input.pinyin import PinyinEngine, SyllableEngine

log = logging.getLogger(__name__)

_lock = threading.Lock()
_handwriting: HandwritingRecogniser | None = None
_handwriting_tried = False
_pinyin: PinyinEngine | None = None


def open_handwriting() -> HandwritingRecogniser | None:
    """zinnia with the Tegaki simplified-Chinese model, or None where it is not installed."""
    global _handwriting, _handwriting_tried  # noqa: PLW0603 - one recogniser per process
    with _lock:
        if not _handwriting_tried:
            _handwriting_tried = True
            from devices.input.zinnia import ZinniaRecogniser

            try:
                _handwriting = ZinniaRecogniser()
            except HandwritingUnavailable as exc:
                log.warning("handwriting input unavailable: %s", exc)
        return _handwriting


def handwriting_available() -> bool:
    """zinnia and its model are installed (or the recogniser is already open): cheap, opens
    nothing. :func:`open_handwriting` may still find it unusable; callers then do without."""
    with _lock:
        if _handwriting_tried:
            return _handwriting is not None
    from devices.input import zinnia

    return zinnia.find_model() is not None and zinnia.library_present()


def open_pinyin() -> PinyinEngine:
    """librime (phrases, deploying in the background) or the one-syllable twin."""
    global _pinyin  # noqa: PLW0603 - one engine per process
    with _lock:
        if _pinyin is None:
            from devices.input import rime

            if rime.available():
                try:
                    _pinyin = rime.shared_engine()
                except rime.RimeUnavailable as exc:
                    log.warning("phrase pinyin unavailable, single characters only: %s", exc)
            else:
                log.warning("librime not installed: pinyin offers single characters only")
            if _pinyin is None:
                _pinyin = SyllableEngine()
        return _pinyin
