"""Phrase pinyin with librime (Debian ``librime1`` + ``rime-data-luna-pinyin``) through ctypes.

librime is the engine behind most Chinese input methods on Linux; the
luna_pinyin dictionary it ships has whole words and place names with
frequencies (``yanglaobaoxian`` → 养老保险, ``sfz`` → 身份证). The schema
used is ``luna_pinyin_simp`` (simplified output), patched at deploy time:

* ``translator/enable_user_dict: false`` — no learning. The terminal is shared;
  nothing a resident typed may change what the next one sees, or persist.
* ``speller/algebra`` gains rime-prelude's ``zh_z_bufen`` rules: fuzzy initials
  zh↔z, ch↔c, sh↔s (``zongguo`` → 中国), common in the local accents.

The user data directory is a fresh temporary directory per process, removed at
exit (librime writes its installation id and the deployed schema there and,
with the user dictionary off, nothing else). Deployment compiles the patched
schema against Debian's prebuilt dictionaries in about 0.3 s; :meth:`start`
runs it on a thread of its own so the keyboard never waits for it on screen.

librime keeps process-wide state (``RimeSetup`` may run once per process), so
there is one engine per process: :func:`shared_engine`.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from devices.input.pinyin import Pick, PinyinUnavailable

LIBRARY = "librime.so.1"
SHARED_DATA_DIR = Path("/usr/share/rime-data")
SCHEMA = "luna_pinyin_simp"
DEPLOY_TIMEOUT_S = 30.0
_LETTERS = re.compile(r"^[a-z']{1,40}$")

log = logging.getLogger(__name__)

# librime's RimeApi: a data_size int and then these function pointers, in this order
# (rime_api.h of librime 1.8). Only the names are needed to find a pointer's offset.
_API_NAMES = (
    "setup set_notification_handler initialize finalize start_maintenance is_maintenance_mode "
    "join_maintenance_thread deployer_initialize prebuild deploy deploy_schema deploy_config_file "
    "sync_user_data create_session find_session destroy_session cleanup_stale_sessions "
    "cleanup_all_sessions process_key commit_composition clear_composition get_commit free_commit "
    "get_context free_context get_status free_status set_option get_option set_property "
    "get_property get_schema_list free_schema_list get_current_schema select_schema schema_open "
    "config_open config_close config_get_bool config_get_int config_get_double config_get_string "
    "config_get_cstring config_update_signature config_begin_map config_next config_end "
    "simulate_key_sequence register_module find_module run_task get_shared_data_dir "
    "get_user_data_dir get_sync_dir get_user_id get_user_data_sync_dir config_init "
    "config_load_string config_set_bool config_set_int config_set_double config_set_string "
    "config_get_item config_set_item config_clear config_create_list config_create_map "
    "config_list_size config_begin_list get_input get_caret_pos select_candidate get_version "
    "set_caret_pos select_candidate_on_current_page candidate_list_begin candidate_list_next "
    "candidate_list_end user_config_open candidate_list_from_index get_prebuilt_data_dir "
    "get_staging_dir commit_proto context_proto status_proto get_state_label delete_candidate "
    "delete_candidate_on_current_page"
)
_API_FUNCTIONS = _API_NAMES.split()

_DEFAULT_PATCH = f"""patch:
  schema_list:
    - schema: {SCHEMA}
  menu/page_size: 10
"""

_SCHEMA_PATCH = """patch:
  # The terminal is shared: never learn from what a resident types.
  translator/enable_user_dict: false
  # Fuzzy initials zh/z, ch/c, sh/s, then luna_pinyin's own rules.
  speller/algebra:
    __patch:
      - pinyin:/zh_z_bufen
      - pinyin:/abbreviation
      - pinyin:/spelling_correction
      - pinyin:/key_correction
"""


class RimeUnavailable(PinyinUnavailable):
    """librime or the luna_pinyin data is not installed, or deployment failed."""


class _Traits(ctypes.Structure):
    _fields_ = (
        ("data_size", ctypes.c_int),
        ("shared_data_dir", ctypes.c_char_p),
        ("user_data_dir", ctypes.c_char_p),
        ("distribution_name", ctypes.c_char_p),
        ("distribution_code_name", ctypes.c_char_p),
        ("distribution_version", ctypes.c_char_p),
        ("app_name", ctypes.c_char_p),
        ("modules", ctypes.POINTER(ctypes.c_char_p)),
        ("min_log_level", ctypes.c_int),
        ("log_dir", ctypes.c_char_p),
        ("prebuilt_data_dir", ctypes.c_char_p),
        ("staging_dir", ctypes.c_char_p),
    )


class _Candidate(ctypes.Structure):
    _fields_ = (
        ("text", ctypes.c_char_p),
        ("comment", ctypes.c_char_p),
        ("reserved", ctypes.c_void_p),
    )


class _Composition(ctypes.Structure):
    _fields_ = (
        ("length", ctypes.c_int),
        ("cursor_pos", ctypes.c_int),
        ("sel_start", ctypes.c_int),
        ("sel_end", ctypes.c_int),
        ("preedit", ctypes.c_char_p),
    )


class _Menu(ctypes.Structure):
    _fields_ = (
        ("page_size", ctypes.c_int),
        ("page_no", ctypes.c_int),
        ("is_last_page", ctypes.c_int),
        ("highlighted_candidate_index", ctypes.c_int),
        ("num_candidates", ctypes.c_int),
        ("candidates", ctypes.POINTER(_Candidate)),
        ("select_keys", ctypes.c_char_p),
    )


class _Context(ctypes.Structure):
    _fields_ = (
        ("data_size", ctypes.c_int),
        ("composition", _Composition),
        ("menu", _Menu),
        ("commit_text_preview", ctypes.c_char_p),
        ("select_labels", ctypes.POINTER(ctypes.c_char_p)),
    )


class _Commit(ctypes.Structure):
    _fields_ = (("data_size", ctypes.c_int), ("text", ctypes.c_char_p))


class _Iterator(ctypes.Structure):
    _fields_ = (("ptr", ctypes.c_void_p), ("index", ctypes.c_int), ("candidate", _Candidate))


class _Api(ctypes.Structure):
    _fields_ = (("data_size", ctypes.c_int), *((name, ctypes.c_void_p) for name in _API_FUNCTIONS))


def _sized(struct: type[ctypes.Structure]) -> Any:
    """A RIME_STRUCT: ``data_size`` is the size after the field itself."""
    value = struct()
    value.data_size = ctypes.sizeof(struct) - ctypes.sizeof(ctypes.c_int)
    return value


def available(shared_data_dir: Path = SHARED_DATA_DIR) -> bool:
    """Whether librime and the luna_pinyin data are installed (cheap; loads nothing)."""
    import ctypes.util

    return (shared_data_dir / "luna_pinyin.schema.yaml").is_file() and (
        ctypes.util.find_library("rime") is not None
    )


class RimeEngine:
    """A :class:`~devices.input.pinyin.PinyinEngine` over librime. Thread-safe."""

    name = "rime"

    def __init__(self, shared_data_dir: Path = SHARED_DATA_DIR, library: str = LIBRARY) -> None:
        if not (shared_data_dir / "luna_pinyin.schema.yaml").is_file():
            raise RimeUnavailable(
                f"no luna_pinyin schema in {shared_data_dir} (apt-get install rime-data-luna-pinyin)"
            )
        try:
            self._lib = ctypes.CDLL(library)
        except OSError as exc:
            raise RimeUnavailable(f"{library} not installed (apt-get install librime1)") from exc
        self.shared_data_dir = shared_data_dir
        self.user_data_dir = Path(tempfile.mkdtemp(prefix="kiosk-rime-"))
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: str = ""
        self._session = 0
        self._spare = 0  # a fresh session made ahead, swapped in after each pick
        self._closed = False
        self._declare()
        atexit.register(self.close)

    def _declare(self) -> None:
        lib = self._lib
        size, cint = ctypes.c_size_t, ctypes.c_int
        traits = ctypes.POINTER(_Traits)
        signatures: dict[str, tuple[list[Any], Any]] = {
            "RimeSetup": ([traits], None),
            "RimeInitialize": ([traits], None),
            "RimeFinalize": ([], None),
            "RimeStartMaintenance": ([cint], cint),
            "RimeJoinMaintenanceThread": ([], None),
            "RimeCreateSession": ([], size),
            "RimeDestroySession": ([size], cint),
            "RimeSelectSchema": ([size, ctypes.c_char_p], cint),
            "RimeSimulateKeySequence": ([size, ctypes.c_char_p], cint),
            "RimeClearComposition": ([size], None),
            "RimeGetCommit": ([size, ctypes.POINTER(_Commit)], cint),
            "RimeFreeCommit": ([ctypes.POINTER(_Commit)], cint),
            "RimeGetContext": ([size, ctypes.POINTER(_Context)], cint),
            "RimeFreeContext": ([ctypes.POINTER(_Context)], cint),
            "RimeCandidateListBegin": ([size, ctypes.POINTER(_Iterator)], cint),
            "RimeCandidateListNext": ([ctypes.POINTER(_Iterator)], cint),
            "RimeCandidateListEnd": ([ctypes.POINTER(_Iterator)], None),
            "rime_get_api": ([], ctypes.POINTER(_Api)),
        }
        for name, (argtypes, restype) in signatures.items():
            function = getattr(lib, name)
            function.argtypes = argtypes
            function.restype = restype
        api = lib.rime_get_api().contents
        # select_candidate is in the RimeApi table only (no exported RimeSelectCandidate).
        self._select_candidate = ctypes.CFUNCTYPE(cint, size, size)(api.select_candidate)

    # -- deployment -----------------------------------------------------------------------

    def start(self) -> None:
        """Deploy on a background thread (idempotent); candidates() waits for it."""
        with self._lock:
            if self._thread is not None or self._closed:
                return
            self._thread = threading.Thread(target=self._deploy, name="rime-deploy", daemon=True)
            self._thread.start()

    def _deploy(self) -> None:
        try:
            (self.user_data_dir / "default.custom.yaml").write_text(
                _DEFAULT_PATCH, encoding="utf-8"
            )
            (self.user_data_dir / f"{SCHEMA}.custom.yaml").write_text(
                _SCHEMA_PATCH, encoding="utf-8"
            )
            traits = _sized(_Traits)
            self._keep = [
                str(self.shared_data_dir).encode(),
                str(self.user_data_dir).encode(),
            ]
            traits.shared_data_dir = self._keep[0]
            traits.user_data_dir = self._keep[1]
            traits.log_dir = self._keep[1]  # deleted at exit with the rest
            traits.distribution_name = b"kiosk"
            traits.distribution_code_name = b"kiosk"
            traits.distribution_version = b"1"
            traits.app_name = b"rime.kiosk"
            traits.min_log_level = 2  # errors only: key events are never logged
            lib = self._lib
            with self._lock:
                _setup_once(lib, traits)
                lib.RimeInitialize(ctypes.byref(traits))
                if lib.RimeStartMaintenance(1):
                    lib.RimeJoinMaintenanceThread()
                self._session = self._new_session()
                self._spare = self._new_session()
        except (OSError, RimeUnavailable) as exc:
            self._error = str(exc)
        finally:
            self._ready.set()

    def _new_session(self) -> int:
        lib = self._lib
        session = int(lib.RimeCreateSession())
        if not session or not lib.RimeSelectSchema(session, SCHEMA.encode()):
            raise RimeUnavailable(f"librime cannot open the {SCHEMA} schema")
        return session

    def wait_ready(self, timeout: float = DEPLOY_TIMEOUT_S) -> None:
        """Block until deployed; raises :class:`RimeUnavailable` if it failed."""
        self.start()
        if not self._ready.wait(timeout):
            raise RimeUnavailable("librime deployment did not finish")
        if self._error:
            raise RimeUnavailable(self._error)

    @property
    def ready(self) -> bool:
        """Deployment has finished, well or not: :meth:`candidates` will not wait (it raises
        :class:`RimeUnavailable` if the deployment failed)."""
        return self._ready.is_set()

    # -- lookup ---------------------------------------------------------------------------

    def candidates(self, letters: str, limit: int = 10) -> list[str]:
        if not _LETTERS.match(letters):
            return []
        self.wait_ready()
        lib = self._lib
        found: list[str] = []
        with self._lock:
            session = self._session
            lib.RimeClearComposition(session)
            lib.RimeSimulateKeySequence(session, letters.encode())
            iterator = _Iterator()
            if lib.RimeCandidateListBegin(session, ctypes.byref(iterator)):
                try:
                    while len(found) < limit and lib.RimeCandidateListNext(ctypes.byref(iterator)):
                        text = iterator.candidate.text
                        if text:
                            found.append(text.decode("utf-8", "replace"))
                finally:
                    lib.RimeCandidateListEnd(ctypes.byref(iterator))
            lib.RimeClearComposition(session)
        return found

    def pick(self, letters: str, index: int) -> Pick:
        if not _LETTERS.match(letters) or index < 0:
            return Pick("", "")
        self.wait_ready()
        lib = self._lib
        with self._lock:
            session = self._session
            lib.RimeClearComposition(session)
            lib.RimeSimulateKeySequence(session, letters.encode())
            if not self._select_candidate(session, index):
                lib.RimeClearComposition(session)
                return Pick("", letters)
            pick = self._read_pick(session)
            # A fresh session: librime's in-memory commit history must not colour the next
            # resident's candidates. Creating one takes ~10 ms, most of a candidate tap, so
            # the one swapped in was made ahead and the next spare is made off the GUI thread.
            lib.RimeDestroySession(session)
            self._session, self._spare = self._spare or self._new_session(), 0
        threading.Thread(target=self._make_spare, name="rime-spare", daemon=True).start()
        return pick

    def _make_spare(self) -> None:
        with self._lock:
            if self._closed or self._spare:
                return
            try:
                self._spare = self._new_session()
            except RimeUnavailable:
                log.warning("librime could not make a spare session; the next pick makes one")

    def _read_pick(self, session: int) -> Pick:
        lib = self._lib
        commit = _sized(_Commit)
        if lib.RimeGetCommit(session, ctypes.byref(commit)):
            try:
                return Pick((commit.text or b"").decode("utf-8", "replace"), "")
            finally:
                lib.RimeFreeCommit(ctypes.byref(commit))
        # Part of the letters chosen (张 of zhangsan): the preedit is the chosen text up to
        # sel_start (bytes), then the letters still to convert.
        context = _sized(_Context)
        if not lib.RimeGetContext(session, ctypes.byref(context)):
            return Pick("", "")
        try:
            preedit = context.composition.preedit or b""
            start = max(0, min(context.composition.sel_start, len(preedit)))
            chosen = preedit[:start].decode("utf-8", "replace")
            rest = preedit[start:].decode("utf-8", "replace").replace("ü", "v")
        finally:
            lib.RimeFreeContext(ctypes.byref(context))
        return Pick(chosen, re.sub(r"[^a-z']", "", rest))

    def close(self) -> None:
        """Finalize librime and delete its user data directory (also run at exit)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._thread is not None:
            self._ready.wait(DEPLOY_TIMEOUT_S)
            with self._lock:
                for session in (self._session, self._spare):
                    if session:
                        self._lib.RimeDestroySession(session)
                self._session = self._spare = 0
                self._lib.RimeFinalize()
        shutil.rmtree(self.user_data_dir, ignore_errors=True)


_setup_done = False
_shared: RimeEngine | None = None
_shared_lock = threading.Lock()


def _setup_once(lib: ctypes.CDLL, traits: _Traits) -> None:
    """RimeSetup initialises logging, which aborts the process if done twice."""
    global _setup_done  # noqa: PLW0603 - process-wide by librime's design
    if not _setup_done:
        lib.RimeSetup(ctypes.byref(traits))
        _setup_done = True


def shared_engine() -> RimeEngine:
    """The process's one librime engine, deploying in the background from the first call."""
    global _shared  # noqa: PLW0603 - librime allows one engine per process
    with _shared_lock:
        if _shared is None or _shared._closed:
            _shared = RimeEngine()
        _shared.start()
        return _shared
