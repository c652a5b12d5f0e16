"""Handwriting recognition with zinnia (Debian ``libzinnia0``) through ctypes.

The model is Debian's ``tegaki-zinnia-simplified-chinese`` (6 763 GB2312
characters, trained by the Tegaki project on real handwriting). The C API is
small: a recogniser opened on the model file, a character to which points are
added per stroke, and ``classify`` returning the n best with scores. Opening
maps the 26 MB model (a few milliseconds); one recogniser serves the process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from pathlib import Path

from devices.input.handwriting import HandwritingUnavailable, Ink, normalise

LIBRARY = "libzinnia.so.0"
MODEL_PATHS = (Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"),)


def find_model() -> Path | None:
    """The simplified-Chinese model installed by ``tegaki-zinnia-simplified-chinese``."""
    return next((path for path in MODEL_PATHS if path.is_file()), None)


def library_present(library: str = LIBRARY) -> bool:
    """libzinnia can be loaded (loading it maps a small library, not the model)."""
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def _load(library: str) -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(library)
    except OSError as exc:
        raise HandwritingUnavailable(
            f"{library} not installed (apt-get install libzinnia0)"
        ) from exc
    vp, size, cint = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    signatures: dict[str, tuple[list[type], type | None]] = {
        "zinnia_recognizer_new": ([], vp),
        "zinnia_recognizer_open": ([vp, ctypes.c_char_p], cint),
        "zinnia_recognizer_destroy": ([vp], None),
        "zinnia_recognizer_size": ([vp], size),
        "zinnia_recognizer_strerror": ([vp], ctypes.c_char_p),
        "zinnia_recognizer_classify": ([vp, vp, size], vp),
        "zinnia_character_new": ([], vp),
        "zinnia_character_destroy": ([vp], None),
        "zinnia_character_set_width": ([vp, size], None),
        "zinnia_character_set_height": ([vp, size], None),
        "zinnia_character_add": ([vp, size, cint, cint], cint),
        "zinnia_result_value": ([vp, size], ctypes.c_char_p),
        "zinnia_result_score": ([vp, size], ctypes.c_float),
        "zinnia_result_size": ([vp], size),
        "zinnia_result_destroy": ([vp], None),
    }
    for name, (argtypes, restype) in signatures.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = restype
    return lib


class ZinniaRecogniser:
    """A :class:`HandwritingRecogniser` over libzinnia; thread-safe (one call at a time)."""

    name = "zinnia"

    def __init__(self, model: Path | None = None, library: str = LIBRARY) -> None:
        self._lib = _load(library)
        path = model or find_model()
        if path is None or not path.is_file():
            raise HandwritingUnavailable(
                "zinnia model not installed (apt-get install tegaki-zinnia-simplified-chinese)"
            )
        self.model = path
        self._lock = threading.Lock()
        self._rec: int | None = self._lib.zinnia_recognizer_new()
        if not self._lib.zinnia_recognizer_open(self._rec, str(path).encode()):
            message = self._lib.zinnia_recognizer_strerror(self._rec) or b""
            self._lib.zinnia_recognizer_destroy(self._rec)
            self._rec = None
            raise HandwritingUnavailable(
                f"zinnia cannot open {path}: {message.decode(errors='replace')}"
            )

    @property
    def size(self) -> int:
        """How many characters the model knows."""
        with self._lock:
            return int(self._lib.zinnia_recognizer_size(self._rec)) if self._rec else 0

    def recognise(self, ink: Ink, limit: int = 10) -> list[str]:
        return [char for char, _ in self.scored(ink, limit)]

    def scored(self, ink: Ink, limit: int = 10) -> list[tuple[str, float]]:
        """Candidates with zinnia's scores (higher is better), best first."""
        norm = normalise(ink)
        if not norm.strokes:
            return []
        lib = self._lib
        with self._lock:
            if self._rec is None:
                raise HandwritingUnavailable("zinnia recogniser is closed")
            character = lib.zinnia_character_new()
            try:
                lib.zinnia_character_set_width(character, int(norm.width))
                lib.zinnia_character_set_height(character, int(norm.height))
                for index, stroke in enumerate(norm.strokes):
                    for x, y in stroke:
                        lib.zinnia_character_add(character, index, round(x), round(y))
                result = lib.zinnia_recognizer_classify(self._rec, character, limit)
                if not result:
                    return []
                try:
                    found = [
                        (
                            (lib.zinnia_result_value(result, i) or b"").decode("utf-8", "replace"),
                            float(lib.zinnia_result_score(result, i)),
                        )
                        for i in range(int(lib.zinnia_result_size(result)))
                    ]
                finally:
                    lib.zinnia_result_destroy(result)
            finally:
                lib.zinnia_character_destroy(character)
        return [(char, score) for char, score in found if char]

    def close(self) -> None:
        with self._lock:
            if self._rec is not None:
                self._lib.zinnia_recognizer_destroy(self._rec)
                self._rec = None
