"""``kiosk input handwrite|pinyin``: try the keyboard's engines from a terminal.

For technicians checking a terminal (is the handwriting model installed, does
pinyin give whole words?) and for tests. Exit status: 0 with candidates
printed; 1 when the engine is not installed on this machine (the message names
the Debian package); 2 when the input is not valid (the message says why).
Nothing is logged or kept of what is recognised or typed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from devices.input.handwriting import HandwritingUnavailable, Ink

CANDIDATES = 10
EXIT_UNAVAILABLE = 1
EXIT_BAD_INPUT = 2


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``kiosk input`` and its verbs."""
    parser = sub.add_parser(
        "input",
        help="recognise handwriting or look up pinyin with the on-screen keyboard's engines",
        description="The engines of the on-screen keyboard: zinnia handwriting, librime pinyin.",
    )
    verbs = parser.add_subparsers(dest="input_what", required=True, metavar="WHAT")
    write = verbs.add_parser(
        "handwrite",
        help="recognise the characters in FILE.json (strokes), best candidates first",
        description=(
            'FILE.json: {"characters": [{"width": W, "height": H, "strokes": '
            "[[[x, y], ...], ...]}, ...]} with y pointing down. Prints, per character, "
            f"{CANDIDATES} candidates best first."
        ),
    )
    write.add_argument("file", type=Path, metavar="FILE.json")
    write.add_argument(
        "--json", action="store_true", help='print {"results": [{"candidates": [...]}]}'
    )
    write.set_defaults(handler=_handwrite)
    pinyin = verbs.add_parser(
        "pinyin",
        help="candidates (words and characters) for pinyin LETTERS, best first",
        description="LETTERS: a-z only, e.g. yanglaobaoxian or sfz. Fuzzy zh/z, ch/c, sh/s.",
    )
    pinyin.add_argument("letters", metavar="LETTERS")
    pinyin.add_argument("--json", action="store_true", help='print {"candidates": [...]}')
    pinyin.set_defaults(handler=_pinyin)


def _read_characters(path: Path) -> list[Ink]:
    """The characters of a stroke file; ValueError says what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not JSON: {exc}") from exc
    characters = data.get("characters") if isinstance(data, dict) else None
    if not isinstance(characters, list):
        raise ValueError(f'{path}: expected {{"characters": [...]}}')
    inks = []
    for number, entry in enumerate(characters, start=1):
        try:
            inks.append(Ink.from_lists(entry["width"], entry["height"], entry["strokes"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: character {number} is not valid ({exc})") from exc
    return inks


def _handwrite(args: argparse.Namespace) -> int:
    try:
        inks = _read_characters(args.file)
    except ValueError as exc:
        print(f"kiosk input: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from devices.input.zinnia import ZinniaRecogniser

    try:
        recogniser = ZinniaRecogniser()
    except HandwritingUnavailable as exc:
        print(f"kiosk input: handwriting recogniser unavailable: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    try:
        results = [recogniser.recognise(ink, CANDIDATES) for ink in inks]
    finally:
        recogniser.close()
    if args.json:
        payload = {"engine": recogniser.name, "results": [{"candidates": c} for c in results]}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        for number, candidates in enumerate(results, start=1):
            print(f"{number}: {' '.join(candidates) if candidates else '(no strokes)'}")
    return 0


def _pinyin(args: argparse.Namespace) -> int:
    letters = args.letters.strip().lower()
    if not re.fullmatch(r"[a-z']{1,40}", letters):
        print("kiosk input: LETTERS must be 1 to 40 letters a-z", file=sys.stderr)
        return EXIT_BAD_INPUT
    from devices.input.factory import open_pinyin
    from devices.input.rime import RimeUnavailable

    engine = open_pinyin()
    try:
        candidates = engine.candidates(letters, CANDIDATES)
    except RimeUnavailable as exc:
        print(f"kiosk input: pinyin engine unavailable: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    if args.json:
        print(json.dumps({"engine": engine.name, "candidates": candidates}, ensure_ascii=False))
    else:
        print(" ".join(candidates) if candidates else "(no candidates)")
    return 0
